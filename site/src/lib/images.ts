import { getImage } from 'astro:assets';
import { mediaSource } from './content';
import type { Image } from '@newsroom/content/schema';
import { perRender } from './per-render';

export interface ResponsiveImage {
  webpSrcset: string;
  fallbackSrc: string;
  fallbackSrcset: string;
  width: number;
  height: number;
}

/**
 * Responsive variants of a CMS image: WebP at `widths` with a JPEG fallback. Encoding cost decides
 * the formats (AVIF costs ~17× WebP per variant here). A newsroom reuses a few photos on thousands of
 * pages (cards, related articles), so results are memoised: each image and width set is resolved
 * once per build, not once per page. Per render (per-render.ts): asking Astro for an image is
 * what lists it to be written into that render's folder.
 */
const caches = perRender(() => new Map<string, Promise<ResponsiveImage>>());

export function responsiveImage(image: Image, widths: number[]): Promise<ResponsiveImage> {
  const cache = caches();
  const key = `${image.url}|${widths.join(',')}`;
  let hit = cache.get(key);
  if (!hit) {
    hit = resolve(image, widths);
    cache.set(key, hit);
  }
  return hit;
}

async function resolve(image: Image, widths: number[]): Promise<ResponsiveImage> {
  const sourceWidth = image.width ?? 1600;
  const sourceHeight = image.height ?? Math.round(sourceWidth * 0.667);
  const usable = widths.filter((w) => w <= sourceWidth);
  const list = usable.length ? usable : [sourceWidth];
  const width = Math.max(...list);
  const height = Math.round((sourceHeight * width) / sourceWidth);
  const common = { src: mediaSource(image.url), width, height, widths: list, quality: 78 };
  const [webp, jpeg] = await Promise.all([
    getImage({ ...common, format: 'webp' }),
    getImage({ ...common, format: 'jpg' }),
  ]);
  return {
    webpSrcset: webp.srcSet.attribute,
    fallbackSrc: jpeg.src,
    fallbackSrcset: jpeg.srcSet.attribute,
    width,
    height,
  };
}

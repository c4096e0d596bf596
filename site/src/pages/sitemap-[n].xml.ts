import type { APIRoute, GetStaticPaths } from 'astro';
import { loadContent } from '../lib/content';
import { sitemapFile } from '../lib/sitemap';
import { sitemapFiles } from '@newsroom/content/sitemaps';
import { inShard, sitemapInScope } from '../lib/scope';

export const getStaticPaths = (async () =>
  inShard(
    sitemapFiles(await loadContent()).flatMap((_, n) => (sitemapInScope(n) ? [{ params: { n: String(n) } }] : []))
  )) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => sitemapFile(await loadContent(), Number(params.n));

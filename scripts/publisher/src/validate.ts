import fs from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '@newsroom/content/snapshot';
import { fallbackPage, fallbackPages } from '@newsroom/content/redirects';
import { routes } from '@newsroom/content/routes';

export interface Validation {
  dir: string;
  snapshot: Snapshot;
  /** Article count of the live release, if any. */
  liveArticles: number | null;
  maxDrop: number;
  /** The HTML files this build wrote (all of them for a full build). */
  written: string[];
}

/** Article pages of a release (an old article address that only redirects is not one). */
export const articleCount = (siteDir: string) => {
  if (!fs.existsSync(path.join(siteDir, 'bai-viet'))) return 0;
  const fallbacks = fallbackPages(siteDir);
  const isFallback = (slug: string) => {
    const to = fallbacks.get(routes.article(slug));
    return (
      to !== undefined &&
      fs.readFileSync(path.join(siteDir, 'bai-viet', slug, 'index.html'), 'utf8') === fallbackPage(to)
    );
  };
  return fs
    .readdirSync(path.join(siteDir, 'bai-viet'))
    .filter((d) => fs.existsSync(path.join(siteDir, 'bai-viet', d, 'index.html')) && !isFallback(d)).length;
};

/** Every page under `dir` (HTML, and XML: feeds and sitemaps), relative. */
export function pageFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) return pageFiles(dir, rel);
    return e.name.endsWith('.html') || e.name.endsWith('.xml') ? [rel] : [];
  });
}

/**
 * A release goes live only if it looks like the site: home and article pages present, one
 * article page per published article, not most of the site gone at once, and only published
 * content in it. Throws naming what is wrong. (No draft text can reach a page: the snapshot comes
 * from a token the CMS refuses drafts to, which the publisher proves before every build.)
 */
export function validateRelease(v: Validation) {
  const problems: string[] = [];
  if (!fs.existsSync(path.join(v.dir, 'index.html'))) problems.push('the home page (index.html) is missing');
  const pages = articleCount(v.dir);
  const published = v.snapshot.articles.length;
  if (pages === 0) problems.push('there is no article page');
  if (pages !== published) problems.push(`${pages} article pages for ${published} published articles`);
  if (v.liveArticles && pages < v.liveArticles * (1 - v.maxDrop)) {
    problems.push(
      `${pages} article pages where ${v.liveArticles} are live: more than ${Math.round(v.maxDrop * 100)}% would go at once (raise PUBLISH_MAX_DROP to allow it)`
    );
  }
  const unpublished = v.snapshot.articles.filter((a) => !a.publishedAt).map((a) => a.documentId);
  if (unpublished.length) problems.push(`articles without a publication date: ${unpublished.join(', ')}`);
  if (problems.length) throw new Error(`Release refused: ${problems.join('; ')}.`);
  return { articlePages: pages };
}

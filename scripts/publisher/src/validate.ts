import fs from 'node:fs';
import path from 'node:path';
import type { Snapshot } from '@newsroom/content/snapshot';
import { fallbackPage, fallbackPages } from '@newsroom/content/redirects';
import { articleSlugOf, routes } from '@newsroom/content/routes';

export interface Validation {
  dir: string;
  snapshot: Snapshot;
  /** Article count of the live release, if any. */
  liveArticles: number | null;
  maxDrop: number;
  /** The HTML files this build wrote (all of them for a full build). */
  written: string[];
  /**
   * The validated release this one is a copy of, changed only where this build wrote or removed
   * (a scoped build): its article pages are counted from that one's. Without it, every page is.
   */
  base?: CountedBase;
}

/** The folder of a release that holds the article pages (`bai-viet/<slug>/index.html`). */
export const ARTICLES_DIR = 'bai-viet';

/** Whether release `siteDir` has an article page at `slug` (an old address that only redirects is not one). */
function articlePageAt(siteDir: string, slug: string, fallbacks: Map<string, string>) {
  const file = path.join(siteDir, ARTICLES_DIR, slug, 'index.html');
  if (!fs.existsSync(file)) return false;
  const to = fallbacks.get(routes.article(slug));
  return to === undefined || fs.readFileSync(file, 'utf8') !== fallbackPage(to);
}

/** Article pages of a release: every folder under bai-viet/ read (100,000 at 100,000 articles). */
export const articleCount = (siteDir: string) => {
  if (!fs.existsSync(path.join(siteDir, ARTICLES_DIR))) return 0;
  const fallbacks = fallbackPages(siteDir);
  return fs.readdirSync(path.join(siteDir, ARTICLES_DIR)).filter((slug) => articlePageAt(siteDir, slug, fallbacks))
    .length;
};

/** A release counted before, and the slugs under bai-viet/ a copy of it may hold otherwise. */
export interface CountedBase {
  dir: string;
  articlePages: number;
  /** Release paths written or removed since the copy (pages, removed addresses), as built. */
  touched: Iterable<string>;
}

/**
 * Article pages of `siteDir`, a copy of `base` in which only `base.touched` and the old addresses
 * redirected in either release were written or removed: those are counted in both, the rest is
 * the same files (hard links). O(change), not O(archive).
 */
export function articleCountSince(siteDir: string, base: CountedBase) {
  const before = fallbackPages(base.dir);
  const after = fallbackPages(siteDir);
  const slugs = new Set<string>();
  for (const p of [...base.touched, ...before.keys(), ...after.keys()]) {
    const slug = articleSlugOf(p);
    if (slug) slugs.add(slug);
  }
  let pages = base.articlePages;
  for (const slug of slugs) {
    pages += Number(articlePageAt(siteDir, slug, after)) - Number(articlePageAt(base.dir, slug, before));
  }
  return pages;
}

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
  const pages = v.base ? articleCountSince(v.dir, v.base) : articleCount(v.dir);
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

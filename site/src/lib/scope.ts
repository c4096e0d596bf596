import fs from 'node:fs';
import { listingKey, parseScope, shardOf, type ScopeKind, type Shard } from '@newsroom/content/build-protocol';

/**
 * Which pages a build renders. A full build renders every page; a publish renders only the pages
 * a change touched (computed by plan.ts, handed over as a JSON file: SITE_SCOPE, or the job the
 * publisher gives a waiting build, see job.ts; the shape is @newsroom/content/build-protocol).
 * static-paths.ts applies it to every route; pages that list everything (home, feeds, the sitemap
 * index) are always rendered.
 */
let scope: Record<ScopeKind, Set<string>> | null = null;
let pages: Map<string, Set<number>> = new Map();
let sitemaps: Set<number> | null = null;
let shard: Shard | null = null;

/** Restricts this build to the scope in `file` (null: every page). Set before pages are listed. */
export function useScope(file: string | null | undefined) {
  pages = new Map();
  sitemaps = null;
  if (!file) {
    scope = null;
    return;
  }
  const s = parseScope(fs.readFileSync(file, 'utf8'), file);
  for (const [key, numbers] of Object.entries(s.pages ?? {})) pages.set(key, new Set(numbers));
  if (s.sitemaps) sitemaps = new Set(s.sitemaps);
  scope = {
    articles: new Set(s.articles),
    categories: new Set(s.categories),
    authors: new Set(s.authors),
    tags: new Set(s.tags),
  };
}

/** Whether the page(s) of the `kind` entry `slug` are rendered by this build. */
export const inScope = (kind: ScopeKind, slug: string) => !scope || scope[kind].has(slug);

/** Whether page `number` of the listing of the `kind` entry `slug` is rendered (all, unless the scope names some). */
export function pageInScope(kind: ScopeKind, slug: string, number: number) {
  if (!inScope(kind, slug)) return false;
  const named = pages.get(listingKey(kind, slug));
  return !named || named.has(number);
}

/** Whether sitemap file `n` is written by this build (all, unless the scope names some). */
export const sitemapInScope = (n: number) => !sitemaps || sitemaps.has(n);

/** Makes this build one of several that render the pages between them (null: all of them). */
export function useShard(value: Shard | null | undefined) {
  shard = value && value.count > 1 ? value : null;
}

/**
 * Whether this build renders the page of the article `slug` (all, unless it is one of several):
 * decided by the slug alone, so that the articles it does not render can be read lean.
 */
export const rendersArticle = (slug: string) => !shard || shardOf(slug, shard.count) === shard.index;

/** Whether this build renders only some of the article pages. */
export const isShard = () => shard !== null;

/**
 * This build's share of a route's pages: every `count`-th from the `index`-th, so that each build
 * gets as many of each kind of page. Applied by every route with paths but the articles' (static-paths.ts).
 */
export const inShard = <T>(paths: T[]): T[] =>
  shard ? paths.filter((_, i) => i % shard!.count === shard!.index) : paths;

import type { PaginateFunction } from 'astro';
import type { Article } from '@newsroom/content/schema';
import type { ScopeKind } from '@newsroom/content/build-protocol';
import { loadContent } from './content';
import { SITE } from './config';
import { inScope } from './scope';

/**
 * The pages of each route, as its `getStaticPaths` returns them. A page of the site exports one of
 * these and declares nothing else about which of its pages a build renders: the scope of a publish
 * (scope.ts) is applied here, for every route at once. Pages that list everything (home, feeds,
 * sitemaps, search) have no paths and are always rendered.
 */

/** /bai-viet/<slug>: one page per article. */
export async function articlePaths() {
  const { articles } = await loadContent();
  return articles
    .filter((a) => inScope('articles', a.slug))
    .map((article) => ({ params: { slug: article.slug }, props: { article } }));
}

/** A listing's pages: `pageSize` articles each, newest first, for every entry in scope. */
function listing<K extends string, E extends { slug: string }>(
  kind: ScopeKind,
  entries: E[],
  index: Map<string, Article[]>,
  key: K,
  paginate: PaginateFunction
) {
  return entries
    .filter((entry) => inScope(kind, entry.slug))
    .flatMap((entry) =>
      paginate(index.get(entry.slug) ?? [], {
        params: { slug: entry.slug },
        props: { [key]: entry } as Record<K, E>,
        pageSize: SITE.pageSize,
      })
    );
}

/** /chuyen-muc/<slug>/<n> */
export async function categoryPaths(paginate: PaginateFunction) {
  const { categories, byCategory } = await loadContent();
  return listing('categories', categories, byCategory, 'category', paginate);
}

/** /tac-gia/<slug>/<n> */
export async function authorPaths(paginate: PaginateFunction) {
  const { authors, byAuthor } = await loadContent();
  return listing('authors', authors, byAuthor, 'author', paginate);
}

/** /the/<slug>/<n> */
export async function tagPaths(paginate: PaginateFunction) {
  const { tags, byTag } = await loadContent();
  return listing('tags', tags, byTag, 'tag', paginate);
}

/** /chuyen-muc/<slug>/rss.xml: one feed per category. */
export async function categoryFeedPaths() {
  const { categories } = await loadContent();
  return categories
    .filter((c) => inScope('categories', c.slug))
    .map((category) => ({ params: { slug: category.slug }, props: { category } }));
}

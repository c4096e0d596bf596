import type { Article } from '@newsroom/content/schema';
import type { ListingKind } from '@newsroom/content/build-protocol';
import { listingPages, type ListingPage } from '@newsroom/content/listing-pages';
import { loadContent } from './content';
import { SITE } from './config';
import { inScope, inShard, pageInScope, rendersArticle } from './scope';

/**
 * The pages of each route, as its `getStaticPaths` returns them. A page of the site exports one of
 * these and declares nothing else about which of its pages a build renders: the scope of a publish
 * (scope.ts) is applied here, for every route at once (and to the sitemap files, by number, in
 * their own route), and so is a build's share of the pages when several render a full build
 * (rendersArticle, inShard). Pages that list everything (home, feeds, the sitemap index, search) have no paths and
 * are always rendered.
 */

/** /bai-viet/<slug>: one page per article. */
export async function articlePaths() {
  const { articles } = await loadContent();
  return articles
    .filter((a) => inScope('articles', a.slug) && rendersArticle(a.slug))
    .map((article) => ({ params: { slug: article.slug }, props: { article } }));
}

/**
 * A listing's pages (the front page at its own address, then pages numbered from the oldest:
 * @newsroom/content/listing-pages), for every entry in scope, and of those only the pages in scope.
 */
function listing<K extends string, E extends { slug: string }>(
  kind: ListingKind,
  entries: E[],
  index: Map<string, Article[]>,
  key: K
) {
  const paths = entries
    .filter((entry) => inScope(kind, entry.slug))
    .flatMap((entry) =>
      listingPages(index.get(entry.slug) ?? [], SITE.pageSize)
        .filter((page) => pageInScope(kind, entry.slug, page.number))
        .map((page) => ({
          params: { slug: entry.slug, page: page.number === 0 ? undefined : String(page.number) },
          props: { [key]: entry, page } as Record<K, E> & { page: ListingPage<Article> },
        }))
    );
  return inShard(paths);
}

/** /chuyen-muc/<slug>/ and /chuyen-muc/<slug>/<n>/ */
export async function categoryPaths() {
  const { categories, byCategory } = await loadContent();
  return listing('categories', categories, byCategory, 'category');
}

/** /tac-gia/<slug>/ and /tac-gia/<slug>/<n>/ */
export async function authorPaths() {
  const { authors, byAuthor } = await loadContent();
  return listing('authors', authors, byAuthor, 'author');
}

/** /the/<slug>/ and /the/<slug>/<n>/ */
export async function tagPaths() {
  const { tags, byTag } = await loadContent();
  return listing('tags', tags, byTag, 'tag');
}

/** /chuyen-muc/<slug>/rss.xml: one feed per category. */
export async function categoryFeedPaths() {
  const { categories } = await loadContent();
  return inShard(
    categories
      .filter((c) => inScope('categories', c.slug))
      .map((category) => ({ params: { slug: category.slug }, props: { category } }))
  );
}

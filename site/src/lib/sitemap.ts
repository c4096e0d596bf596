import { SitemapIndexStream, SitemapStream, streamToPromise, type SitemapItemLoose } from 'sitemap';
import { Readable } from 'node:stream';
import { SITE } from './config';
import type { SiteContent } from '@newsroom/content/snapshot';
import { routes } from '@newsroom/content/routes';
import { listingPagePath, numberedPageCount } from '@newsroom/content/listing-pages';

/** URLs per sitemap file (the protocol allows 50,000). */
const PER_FILE = 45_000;

/** The front page and every numbered page of a listing (listing-pages.ts). */
function listing(base: string, count: number): SitemapItemLoose[] {
  return Array.from({ length: numberedPageCount(count, SITE.pageSize) + 1 }, (_, n) => ({
    url: listingPagePath(base, n),
  }));
}

/**
 * Every page a reader or crawler should find: home, articles (with their last change), and each
 * page of every category, author and tag listing. Generated from the content rather than from the
 * build's output, so a publish that rebuilds only some pages still writes a complete sitemap.
 */
export function sitemapItems(content: SiteContent): SitemapItemLoose[] {
  const count = (map: Map<string, unknown[]>, slug: string) => map.get(slug)?.length ?? 0;
  return [
    { url: '/' },
    ...content.articles.map((a) => ({ url: routes.article(a.slug), lastmod: a.updatedAt })),
    ...content.categories.flatMap((c) => listing(routes.category(c.slug), count(content.byCategory, c.slug))),
    ...content.authors.flatMap((x) => listing(routes.author(x.slug), count(content.byAuthor, x.slug))),
    ...content.tags.flatMap((x) => listing(routes.tag(x.slug), count(content.byTag, x.slug))),
  ];
}

export const sitemapFileCount = (content: SiteContent) => Math.ceil(sitemapItems(content).length / PER_FILE);

const xml = (body: Promise<Buffer>) =>
  body.then((b) => new Response(b.toString(), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } }));

/** sitemap-<n>.xml: the n-th slice of every URL. */
export function sitemapFile(content: SiteContent, n: number) {
  const items = sitemapItems(content).slice(n * PER_FILE, (n + 1) * PER_FILE);
  return xml(streamToPromise(Readable.from(items).pipe(new SitemapStream({ hostname: SITE.url }))));
}

/** sitemap-index.xml: the list of sitemap files. */
export function sitemapIndex(content: SiteContent) {
  const files = Array.from({ length: sitemapFileCount(content) }, (_, n) => `${SITE.url}/sitemap-${n}.xml`);
  return xml(streamToPromise(Readable.from(files).pipe(new SitemapIndexStream())));
}

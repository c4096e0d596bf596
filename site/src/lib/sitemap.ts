import { SitemapIndexStream, SitemapStream, streamToPromise } from 'sitemap';
import { Readable } from 'node:stream';
import { SITE } from './config';
import type { SiteContent } from '@newsroom/content/snapshot';
import { sitemapFiles, sitemapPath } from '@newsroom/content/sitemaps';

/**
 * Every page a reader or crawler should find: home, articles (with their last change), and each
 * page of every category, author and tag listing, in files that keep their contents as news comes
 * in (@newsroom/content/sitemaps). Generated from the content rather than from the build's output,
 * so a publish that rebuilds only some pages, and some of these files, still serves a whole sitemap.
 */

const xml = (body: Promise<Buffer>) =>
  body.then((b) => new Response(b.toString(), { headers: { 'Content-Type': 'application/xml; charset=utf-8' } }));

/** sitemap-<n>.xml */
export function sitemapFile(content: SiteContent, n: number) {
  const items = sitemapFiles(content)[n] ?? [];
  return xml(streamToPromise(Readable.from(items).pipe(new SitemapStream({ hostname: SITE.url }))));
}

/** sitemap-index.xml: the list of sitemap files. */
export function sitemapIndex(content: SiteContent) {
  const files = sitemapFiles(content).map((_, n) => `${SITE.url}${sitemapPath(n)}`);
  return xml(streamToPromise(Readable.from(files).pipe(new SitemapIndexStream())));
}

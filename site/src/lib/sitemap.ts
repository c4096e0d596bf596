import { SITE } from './config';
import type { SiteContent } from '@newsroom/content/snapshot';
import { sitemapFiles, sitemapPath } from '@newsroom/content/sitemaps';

/**
 * Every page a reader or crawler should find: home, articles (with their last change), and each
 * page of every category, author and tag listing, in files that keep their contents as news comes
 * in (@newsroom/content/sitemaps). Generated from the content rather than from the build's output,
 * so a publish that rebuilds only some pages, and some of these files, still serves a whole sitemap.
 *
 * Written as text (https://www.sitemaps.org/protocol.html: a `loc`, an optional `lastmod`): the
 * `sitemap` package's streams took 50–160 ms a file of 5,000 URLs, and a publish that adds a page
 * to a listing rewrites several files (~0.7 s of a publish at 100,000 articles); this takes ~10 ms.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
/** Text as XML content: the characters XML reserves as entities. */
const xmlText = (s: string) => s.replace(/[&<>'"]/g, (c) => ENTITIES[c]);

/** A page's absolute URL, percent-encoded (Vietnamese slugs are ASCII already; a path given by hand may not be). */
const absolute = (url: string) => xmlText(new URL(url, SITE.url).href);

const xml = (body: string) =>
  new Response(`<?xml version="1.0" encoding="UTF-8"?>${body}`, {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });

/** sitemap-<n>.xml */
export function sitemapFile(content: SiteContent, n: number) {
  const urls = (sitemapFiles(content)[n] ?? []).map(
    ({ url, lastmod }) =>
      `<url><loc>${absolute(url)}</loc>${lastmod ? `<lastmod>${xmlText(lastmod)}</lastmod>` : ''}</url>`
  );
  return xml(`<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>`);
}

/** sitemap-index.xml: the list of sitemap files. */
export function sitemapIndex(content: SiteContent) {
  const files = sitemapFiles(content).map(
    (_, n) => `<sitemap><loc>${xmlText(SITE.url + sitemapPath(n))}</loc></sitemap>`
  );
  return xml(`<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${files.join('')}</sitemapindex>`);
}

import type { Article } from './schema';
import { derivedFrom, positionIn, type SiteContent } from './snapshot';
import { routes } from './routes';
import { listingPagePath, numberedPageCount } from './listing-pages';

/**
 * The site's sitemap files (sitemaps.org), defined once for the site (which writes them) and the
 * publisher's plan (which works out which of them a change touches).
 *
 * They keep their contents as news comes in, like the listing pages: the articles come first,
 * oldest first, so a new story lands in the last of their files and an edited one changes only the
 * file that holds it; then, in files of their own, home and every page of every listing (these
 * change only when a listing gains or loses a page). A publish rewrites one or two files of 5,000
 * URLs, not every URL of the archive (125,000 at 100,000 articles: about 2 s of XML).
 */

/** URLs per file: the protocol allows 50,000; smaller files keep a publish's share small. */
export const SITEMAP_FILE_SIZE = 5_000;

export interface SitemapEntry {
  /** The page's path on the site. */
  url: string;
  /** Its last change (articles). */
  lastmod?: string;
}

/** The address of sitemap file `n`. */
export const sitemapPath = (n: number) => `/sitemap-${n}.xml`;

function chunks<T>(list: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(list.length / size) }, (_, i) => list.slice(i * size, (i + 1) * size));
}

/** Made once per content, and the articles' part once per list of articles (the plan's live content). */
const files = new WeakMap<SiteContent, SitemapEntry[][]>();
const articleEntries = new WeakMap<readonly unknown[], SitemapEntry[]>();

const entry = (a: Article): SitemapEntry => ({ url: routes.article(a.slug), lastmod: a.updatedAt });

/**
 * The article entries (oldest first) of `list`, from those of `old`, the list it was made from by
 * a few articles `added` and `gone` (derivedFrom): the kept entries are the same objects, in order.
 */
function deriveEntries(
  base: SitemapEntry[],
  old: readonly Article[],
  list: readonly Article[],
  { added, gone }: { added: readonly Article[]; gone: readonly Article[] }
) {
  const n = list.length;
  const skip = gone.map((a) => old.length - 1 - positionIn(old, a)).sort((x, y) => x - y);
  const insert = added.map((a) => [n - 1 - positionIn(list, a), a] as const).sort(([x], [y]) => x - y);
  const out = new Array<SitemapEntry>(n);
  let from = 0;
  let s = 0;
  let i = 0;
  for (let e = 0; e < n; e++) {
    if (i < insert.length && insert[i][0] === e) {
      out[e] = entry(insert[i++][1]);
      continue;
    }
    for (; s < skip.length && skip[s] === from; s++) from++;
    out[e] = base[from++];
  }
  return out;
}

/** The entries of each sitemap file, in order (file n is `sitemapPath(n)`). */
export function sitemapFiles(content: SiteContent, size = SITEMAP_FILE_SIZE): SitemapEntry[][] {
  const known = size === SITEMAP_FILE_SIZE ? files.get(content) : undefined;
  if (known) return known;
  let articles = articleEntries.get(content.articles);
  if (!articles) {
    const from = derivedFrom(content.articles);
    const base = from && articleEntries.get(from.base);
    articles =
      from && base ? deriveEntries(base, from.base, content.articles, from) : content.articles.map(entry).reverse();
    articleEntries.set(content.articles, articles);
  }
  const listing = (base: string, count: number) =>
    Array.from({ length: numberedPageCount(count) + 1 }, (_, n) => ({ url: listingPagePath(base, n) }));
  const count = (map: Map<string, unknown[]>, slug: string) => map.get(slug)?.length ?? 0;
  const pages: SitemapEntry[] = [
    { url: '/' },
    ...content.categories.flatMap((c) => listing(routes.category(c.slug), count(content.byCategory, c.slug))),
    ...content.authors.flatMap((x) => listing(routes.author(x.slug), count(content.byAuthor, x.slug))),
    ...content.tags.flatMap((x) => listing(routes.tag(x.slug), count(content.byTag, x.slug))),
  ];
  const result = [...chunks(articles, size), ...chunks(pages, size)];
  if (size === SITEMAP_FILE_SIZE) files.set(content, result);
  return result;
}

/** The sitemap files that read differently in `after` than in `before`, and those that are gone. */
export function differingSitemaps(before: SiteContent, after: SiteContent) {
  const old = sitemapFiles(before);
  const now = sitemapFiles(after);
  const same = (a: SitemapEntry[] | undefined, b: SitemapEntry[]) =>
    !!a && a.length === b.length && a.every((x, i) => x === b[i] || (x.url === b[i].url && x.lastmod === b[i].lastmod));
  return {
    differ: now.flatMap((entries, n) => (same(old[n], entries) ? [] : [n])),
    gone: old.slice(now.length).map((_, i) => now.length + i),
  };
}

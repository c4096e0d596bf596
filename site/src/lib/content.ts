import { z } from 'zod';
import { createStrapiClient } from './strapi';
import {
  article,
  author,
  category,
  poll,
  tag,
  type Article,
  type Author,
  type Category,
  type Poll,
  type Tag,
} from './schema';

/**
 * Loading, apart from rendering: everything the site shows is fetched once per build here, and
 * pages only map it to routes. Only published content exists on the public API (the CMS refuses
 * `status=draft` to the read-only token), and the client asks for published explicitly anyway.
 */
function env(name: string): string | undefined {
  return process.env[name] || (import.meta.env[name] as string | undefined);
}

export const CMS_URL = (env('CMS_URL') || 'http://127.0.0.1:1337').replace(/\/+$/, '');
export const cms = createStrapiClient({ baseUrl: CMS_URL, token: env('SITE_API_TOKEN') });

export interface SiteContent {
  articles: Article[];
  categories: Category[];
  authors: Author[];
  tags: Tag[];
  polls: Poll[];
  bySlug: Map<string, Article>;
  byCategory: Map<string, Article[]>;
  byAuthor: Map<string, Article[]>;
  byTag: Map<string, Article[]>;
}

/** The date readers see: the editor's publication date, else the moment it was published. */
export const shownDate = (a: Pick<Article, 'publicationDate' | 'publishedAt'>) => a.publicationDate ?? a.publishedAt;

function parseAll<T>(schema: z.ZodType<T>, rows: unknown[], what: string): T[] {
  return rows.map((row, i) => {
    const result = schema.safeParse(row);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new Error(
        `CMS ${what} #${i} does not match the site's schema at "${issue.path.join('.')}": ${issue.message}`
      );
    }
    return result.data;
  });
}

function group(articles: Article[], keys: (a: Article) => string[]) {
  const map = new Map<string, Article[]>();
  for (const a of articles) for (const key of keys(a)) map.set(key, [...(map.get(key) ?? []), a]);
  return map;
}

async function load(): Promise<SiteContent> {
  const started = performance.now();
  // Paged by a unique key (id) so no row is skipped or repeated between pages; sorted here.
  const byId = { sort: 'id:asc' };
  const [articleRows, categoryRows, authorRows, tagRows, pollRows] = await Promise.all([
    cms.all('articles', { ...byId, status: 'published' }),
    cms.all('categories', byId),
    cms.all('authors', byId),
    cms.all('tags', byId),
    cms.all('polls', byId),
  ]);
  const articles = parseAll(article, articleRows, 'article').sort((a, b) => shownDate(b).localeCompare(shownDate(a)));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.info(`[content] fetched ${articles.length} articles from ${CMS_URL} in ${seconds} s`);
  return {
    articles,
    categories: parseAll(category, categoryRows, 'category').sort((a, b) => (a.menuOrder ?? 0) - (b.menuOrder ?? 0)),
    authors: parseAll(author, authorRows, 'author').sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    tags: parseAll(tag, tagRows, 'tag').sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    polls: parseAll(poll, pollRows, 'poll').sort((a, b) => (b.opensAt ?? '').localeCompare(a.opensAt ?? '')),
    bySlug: new Map(articles.map((a) => [a.slug, a])),
    byCategory: group(articles, (a) => (a.category ? [a.category.slug] : [])),
    byAuthor: group(articles, (a) => a.authors.map((x) => x.slug)),
    byTag: group(articles, (a) => a.tags.map((x) => x.slug)),
  };
}

let cached: Promise<SiteContent> | undefined;
/** All published content, fetched once per build and shared by every page. */
export function loadContent(): Promise<SiteContent> {
  cached ??= load();
  return cached;
}

/** How many of the newest articles of each of `a`'s category and tags are considered as related. */
const RELATED_WINDOW = 200;

/**
 * Articles sharing the category or tags of `a`, most shared tags first, then newest. Only the
 * newest RELATED_WINDOW of each list are scored, so a page costs the same on 10 or 10,000 articles.
 */
export function related(content: SiteContent, a: Article, count: number): Article[] {
  const tagSlugs = new Set(a.tags.map((t) => t.slug));
  const score = (b: Article) =>
    b.tags.filter((t) => tagSlugs.has(t.slug)).length * 2 + (b.category?.slug === a.category?.slug ? 1 : 0);
  const newest = (list: Article[] | undefined) => (list ?? []).slice(0, RELATED_WINDOW);
  const candidates = new Set<Article>([
    ...(a.category ? newest(content.byCategory.get(a.category.slug)) : []),
    ...a.tags.flatMap((t) => newest(content.byTag.get(t.slug))),
  ]);
  candidates.delete(a);
  return [...candidates]
    .map((b) => ({ b, s: score(b) }))
    .sort((x, y) => y.s - x.s || shownDate(y.b).localeCompare(shownDate(x.b)))
    .slice(0, count)
    .map((x) => x.b);
}

/** The poll a page should show now: open (started, not closed), newest first. */
export function isOpen(p: Poll, now = new Date()) {
  return (!p.opensAt || new Date(p.opensAt) <= now) && (!p.closesAt || now < new Date(p.closesAt));
}

/** Absolute URL of a CMS media path (uploads are served by the CMS). */
export const mediaUrl = (url: string) => (url.startsWith('/') && !url.startsWith('//') ? `${CMS_URL}${url}` : url);

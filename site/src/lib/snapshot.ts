import fs from 'node:fs';
import { z } from 'zod';
import type { StrapiClient } from './strapi';
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
 * Everything the site shows, as the CMS returned it. A full build fetches it; the publisher keeps
 * the snapshot of each release so a publish can re-fetch only what changed (see plan.ts).
 */
export interface Snapshot {
  version: 1;
  fetchedAt: string;
  articles: Article[];
  categories: Category[];
  authors: Author[];
  tags: Tag[];
  polls: Poll[];
}

export interface SiteContent extends Omit<Snapshot, 'version' | 'fetchedAt'> {
  bySlug: Map<string, Article>;
  byId: Map<string, Article>;
  byCategory: Map<string, Article[]>;
  byAuthor: Map<string, Article[]>;
  byTag: Map<string, Article[]>;
  /** Position of each article in `articles` (newest first). */
  rank: Map<Article, number>;
}

/** The date readers see: the editor's publication date, else the moment it was published. */
export const shownDate = (a: Pick<Article, 'publicationDate' | 'publishedAt'>) => a.publicationDate ?? a.publishedAt;

export function parseAll<T>(schema: z.ZodType<T>, rows: unknown[], what: string): T[] {
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

// Paged by a unique key (id) so no row is skipped or repeated between pages.
const byId = { sort: 'id:asc' };

/** The small collections, fetched whole on every build (a few requests). */
export async function fetchTaxonomies(cms: StrapiClient) {
  const [categoryRows, authorRows, tagRows, pollRows] = await Promise.all([
    cms.all('categories', byId),
    cms.all('authors', byId),
    cms.all('tags', byId),
    cms.all('polls', byId),
  ]);
  return {
    categories: parseAll(category, categoryRows, 'category'),
    authors: parseAll(author, authorRows, 'author'),
    tags: parseAll(tag, tagRows, 'tag'),
    polls: parseAll(poll, pollRows, 'poll'),
  };
}

/** Published articles, all of them or those with the given document ids. */
export async function fetchArticles(cms: StrapiClient, documentIds?: string[]): Promise<Article[]> {
  if (!documentIds) return parseAll(article, await cms.all('articles', { ...byId, status: 'published' }), 'article');
  const out: Article[] = [];
  for (let i = 0; i < documentIds.length; i += 50) {
    const filters = Object.fromEntries(
      documentIds.slice(i, i + 50).map((id, j) => [`filters[documentId][$in][${j}]`, id])
    );
    out.push(...parseAll(article, await cms.all('articles', { ...byId, status: 'published', ...filters }), 'article'));
  }
  return out;
}

export async function fetchSnapshot(cms: StrapiClient): Promise<Snapshot> {
  const [articles, taxonomies] = await Promise.all([fetchArticles(cms), fetchTaxonomies(cms)]);
  return { version: 1, fetchedAt: new Date().toISOString(), articles, ...taxonomies };
}

export function readSnapshot(file: string): Snapshot {
  const snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  if (snapshot.version !== 1)
    throw new Error(`${file} is not a content snapshot of this site (version ${snapshot.version}).`);
  return snapshot;
}

/** Writes a snapshot whole or not at all (a temporary name, then rename), without blocking on the disk. */
export async function writeSnapshot(file: string, snapshot: Snapshot) {
  await fs.promises.writeFile(`${file}.tmp`, JSON.stringify(snapshot));
  await fs.promises.rename(`${file}.tmp`, file);
}

function group(articles: Article[], keys: (a: Article) => string[]) {
  const map = new Map<string, Article[]>();
  for (const a of articles) {
    for (const key of keys(a)) {
      const list = map.get(key);
      if (list) list.push(a);
      else map.set(key, [a]);
    }
  }
  return map;
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Sorted and indexed the way pages use it: articles newest first, menu order, names in Vietnamese order. */
export function toContent(snapshot: Snapshot): SiteContent {
  const articles = [...snapshot.articles].sort(
    // Plain comparison: ISO dates and ids sort correctly as strings, and ICU collation is slow on 10k rows.
    (a, b) => cmp(shownDate(b), shownDate(a)) || cmp(b.documentId, a.documentId)
  );
  return {
    articles,
    categories: [...snapshot.categories].sort((a, b) => (a.menuOrder ?? 0) - (b.menuOrder ?? 0)),
    authors: [...snapshot.authors].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    tags: [...snapshot.tags].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    polls: [...snapshot.polls].sort((a, b) => (b.opensAt ?? '').localeCompare(a.opensAt ?? '')),
    bySlug: new Map(articles.map((a) => [a.slug, a])),
    byId: new Map(articles.map((a) => [a.documentId, a])),
    byCategory: group(articles, (a) => (a.category ? [a.category.slug] : [])),
    byAuthor: group(articles, (a) => a.authors.map((x) => x.slug)),
    byTag: group(articles, (a) => a.tags.map((x) => x.slug)),
    rank: new Map(articles.map((a, i) => [a, i])),
  };
}

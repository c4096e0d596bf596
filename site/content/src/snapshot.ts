import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { StrapiClient } from './strapi';
import {
  article,
  author,
  category,
  poll,
  redirect,
  tag,
  type Article,
  type Author,
  type Category,
  type Poll,
  type Redirect,
  type Tag,
} from './schema';
import type { PublishState } from './publish-state';
import { renderedAt, shownDate } from './clock';

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
  /** Old addresses and where they lead (site/content/src/redirects.ts); absent in older snapshots. */
  redirects?: Redirect[];
  /** What the CMS had published when this content was fetched (the publisher's reconciliation). */
  state?: PublishState;
  /**
   * The instant the site is rendered at (poll boxes, the news sitemap's window, the footer's
   * year: see clock.ts); `fetchedAt` when not set.
   */
  renderedAt?: string;
}

export interface SiteContent extends Omit<Snapshot, 'version' | 'fetchedAt' | 'state' | 'renderedAt'> {
  /** The instant the pages show (see clock.ts). */
  now: Date;
  bySlug: Map<string, Article>;
  byId: Map<string, Article>;
  byCategory: Map<string, Article[]>;
  byAuthor: Map<string, Article[]>;
  byTag: Map<string, Article[]>;
}

export { shownDate } from './clock';

/** One or more documents do not match the site's schema: each is named, with the field. */
export class InvalidContentError extends Error {
  constructor(readonly documents: { what: string; documentId: string | null; field: string; message: string }[]) {
    super(
      documents
        .map(
          (d) =>
            `CMS ${d.what} ${d.documentId ?? '(no documentId)'} does not match the site's schema at "${d.field}": ${d.message}`
        )
        .join('; ')
    );
    this.name = 'InvalidContentError';
  }
}

/** Every row parsed, or an InvalidContentError naming every row that does not parse. */
export function parseAll<T>(schema: z.ZodType<T>, rows: unknown[], what: string): T[] {
  const parser = rowParser(schema, what);
  return parser.done(rows.map(parser.each));
}

/** Document ids a build keeps as the live release has them (the publisher's held-back documents). */
export type Skip = ReadonlySet<string>;

/**
 * Parses rows one at a time, as they come (`each`, given to StrapiClient.all), leaving out those
 * in `skip`; `done` takes what `each` gave and throws an InvalidContentError naming every row that
 * did not parse. `reuse` may give, for a parsed row, an equal value to keep in its place (the live
 * content's: see fetchArticles).
 */
export function rowParser<T>(schema: z.ZodType<T>, what: string, skip?: Skip, reuse?: (parsed: T) => T) {
  const invalid: InvalidContentError['documents'] = [];
  return {
    each(row: unknown): T | undefined {
      const documentId = (row as { documentId?: unknown })?.documentId;
      if (skip?.size && typeof documentId === 'string' && skip.has(documentId)) return undefined;
      const result = schema.safeParse(row);
      if (result.success) return reuse ? reuse(result.data) : result.data;
      const issue = result.error.issues[0];
      invalid.push({
        what,
        documentId: typeof documentId === 'string' ? documentId : null,
        field: issue.path.join('.'),
        message: issue.message,
      });
      return undefined;
    },
    done(parsed: (T | undefined)[]): T[] {
      if (invalid.length) throw new InvalidContentError(invalid);
      return parsed.filter((value): value is T => value !== undefined);
    },
  };
}

/** The small collections, fetched whole on every build (a few requests). */
export async function fetchTaxonomies(cms: StrapiClient, skip?: Skip) {
  const [categories, authors, tags, polls, redirects] = await Promise.all([
    fetchAll(cms, 'categories', category, 'category', skip),
    fetchAll(cms, 'authors', author, 'author', skip),
    fetchAll(cms, 'tags', tag, 'tag', skip),
    fetchAll(cms, 'polls', poll, 'poll', skip),
    fetchAll(cms, 'redirects', redirect, 'redirect', skip),
  ]);
  return { categories, authors, tags, polls, redirects };
}

/** Every document of `collection` that `params` select, parsed as its page arrives (rowParser). */
async function fetchAll<T>(
  cms: StrapiClient,
  collection: string,
  schema: z.ZodType<T>,
  what: string,
  skip?: Skip,
  params: Record<string, string> = {},
  reuse?: (parsed: T) => T
): Promise<T[]> {
  const parser = rowParser(schema, what, skip, reuse);
  return parser.done(await cms.all(collection, params, { each: parser.each }));
}

/**
 * Published articles, all of them or those with the given document ids, the documents they show
 * one object for equal ones (sharedParts). With `live` (the live content's articles), each that
 * did not change (util.isDeepStrictEqual) is kept as live's object, so the two contents share it:
 * at 100,000 articles a second copy of the archive in the publisher until the old content goes;
 * and the documents shown, as live holds them.
 */
export async function fetchArticles(
  cms: StrapiClient,
  documentIds?: string[],
  skip?: Skip,
  live?: readonly Article[]
): Promise<Article[]> {
  const share = sharedParts();
  const byId = live?.length ? new Map(live.map((a) => [a.documentId, a])) : undefined;
  const reuse = (a: Article) => {
    const before = byId?.get(a.documentId);
    share(a, before);
    // Equal to live's (its documents mostly live's objects now, compared by identity): live's.
    return before && isDeepStrictEqual(before, a) ? before : a;
  };
  const published = { status: 'published' };
  if (!documentIds) return fetchAll(cms, 'articles', article, 'article', skip, published, reuse);
  const out: Article[] = [];
  for (let i = 0; i < documentIds.length; i += 50) {
    const filters = Object.fromEntries(
      documentIds.slice(i, i + 50).map((id, j) => [`filters[documentId][$in][${j}]`, id])
    );
    out.push(...(await fetchAll(cms, 'articles', article, 'article', skip, { ...published, ...filters }, reuse)));
  }
  return out;
}

/**
 * Everything published, read whole. With `live` (the content of the release live now), each
 * article that did not change is kept as live has it (fetchArticles): the two contents share it.
 */
export async function fetchSnapshot(cms: StrapiClient, skip?: Skip, live?: Snapshot | null): Promise<Snapshot> {
  const [articles, taxonomies] = await Promise.all([
    fetchArticles(cms, undefined, skip, live?.articles),
    fetchTaxonomies(cms, skip),
  ]);
  return { version: 1, fetchedAt: new Date().toISOString(), articles, ...taxonomies };
}

/** The documents an article shows, and holds a copy of each as read: one object for equal ones (sharedParts). */
type Part = { documentId: string };
/** Values one document may have in one read (a poll's counts moving while it is read), beyond which copies are kept. */
const MAX_PART_VALUES = 8;

/**
 * Makes the documents that articles show (their section, authors, tags, poll, photos) one object
 * for all articles that hold equal ones (util.isDeepStrictEqual), in place, on articles just
 * parsed: the CMS sends, and a snapshot file holds, a copy of each in every article, and at
 * 10,000 bench articles those copies were a quarter of the content a process holds (the publisher,
 * each build). `share(a, like)`: `like`, an article of the live content, offers its documents
 * first, so that `a` holds live's objects for those it shows alike (one article at a time, as
 * they are read: no walk over the live content first). Nothing changes the content's objects once
 * read (`like` keeps its own), so sharing them is only less memory.
 */
export function sharedParts() {
  const known = new Map<string, Part[]>();
  const one = <T extends Part>(kind: string, value: T): T => {
    const key = `${kind}:${value.documentId}`;
    const values = known.get(key);
    if (!values) {
      known.set(key, [value]);
      return value;
    }
    for (const held of values) if (held === value || isDeepStrictEqual(held, value)) return held as T;
    if (values.length < MAX_PART_VALUES) values.push(value);
    return value;
  };
  // Live's documents are offered, each put back as it was: `like` keeps its own objects.
  const offer = <T extends Part>(kind: string, value: T): T => (one(kind, value), value);
  return (a: Article, like?: Article): Article => {
    if (like) eachPart(like, offer);
    eachPart(a, one);
    return a;
  };
}

/** Puts in place of each document article `a` shows (by its kind) what `f` gives for it. */
function eachPart(a: Article, f: <T extends Part>(kind: string, value: T) => T) {
  if (a.category) a.category = f('category', a.category);
  if (a.poll) a.poll = f('poll', a.poll);
  if (a.cover) a.cover = f('photo', a.cover);
  for (let i = 0; i < a.photos.length; i++) a.photos[i] = f('photo', a.photos[i]);
  for (let i = 0; i < a.tags.length; i++) a.tags[i] = f('tag', a.tags[i]);
  for (let i = 0; i < a.authors.length; i++) a.authors[i] = f('author', a.authors[i]);
}

/**
 * `snapshot` with the documents in `keep` as `live` has them (or without them, when `live` does
 * not have them): a build that holds a document back publishes everything else.
 */
export function keepLive(snapshot: Snapshot, live: Snapshot | null, keep: Skip): Snapshot {
  if (!keep.size) return snapshot;
  const merge = <T extends { documentId: string }>(now: T[], before: T[] | undefined) => [
    ...now.filter((x) => !keep.has(x.documentId)),
    ...(before ?? []).filter((x) => keep.has(x.documentId)),
  ];
  return {
    ...snapshot,
    articles: merge(snapshot.articles, live?.articles),
    categories: merge(snapshot.categories, live?.categories),
    authors: merge(snapshot.authors, live?.authors),
    tags: merge(snapshot.tags, live?.tags),
    polls: merge(snapshot.polls, live?.polls),
    redirects: merge(snapshot.redirects ?? [], live?.redirects),
  };
}

/**
 * Larger snapshot files are parsed one article (one line, see writeSnapshot) at a time: V8 makes no
 * string longer than ~512 MB, and the snapshot of 100,000 articles is larger than that.
 */
const WHOLE_PARSE_LIMIT = 64 * 1024 * 1024;

/**
 * The snapshot in `file`. With `whole`, only the articles it picks (by slug) are read whole; the
 * others lean (leanArticle), each as soon as it is parsed: a build rendering some of the article
 * pages holds the bodies of those only.
 */
export function readSnapshot(
  file: string,
  wholeParseLimit = WHOLE_PARSE_LIMIT,
  whole?: (slug: string) => boolean
): Snapshot {
  const share = sharedParts();
  const keep = (a: Article) => (!whole || whole(a.slug) ? share(a) : leanArticle(share(a)));
  const byLines = fs.statSync(file).size > wholeParseLimit && linePerArticle(file);
  const snapshot = (byLines ? parseByLines(file, keep) : parseWhole(fs.readFileSync(file), file)) as Snapshot;
  if (snapshot.version !== 1)
    throw new Error(`${file} is not a content snapshot of this site (version ${snapshot.version}).`);
  return byLines ? snapshot : { ...snapshot, articles: snapshot.articles.map(keep) };
}

const NEWLINE = 0x0a;
const HEAD_END = '"articles":[';
/** Bytes read at a time from a large snapshot: the file is never in memory whole. */
const READ_CHUNK = 8 * 1024 * 1024;

/**
 * The lines of `file`, read `chunkSize` bytes at a time (a line may span chunks). With `maxLine`,
 * stops (returns) at a line longer than that, unread.
 */
export function* lines(file: string, maxLine = Infinity, chunkSize = READ_CHUNK): Generator<string, void> {
  const fd = fs.openSync(file, 'r');
  try {
    const chunk = Buffer.allocUnsafe(chunkSize);
    let carry = Buffer.alloc(0);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      const data = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let from = 0;
      for (let at = data.indexOf(NEWLINE); at >= 0; at = data.indexOf(NEWLINE, from)) {
        yield data.toString('utf8', from, at);
        from = at + 1;
      }
      if (data.length - from > maxLine) return;
      carry = Buffer.from(data.subarray(from)); // a copy: the chunk is read into again
    }
    if (carry.length) yield carry.toString('utf8');
  } finally {
    fs.closeSync(fd);
  }
}

/** Whether the file's first line ends with its head, as writeSnapshot writes it (older publishers wrote one line). */
function linePerArticle(file: string) {
  for (const first of lines(file, WHOLE_PARSE_LIMIT)) return first.endsWith(HEAD_END);
  return false;
}

function parseWhole(bytes: Buffer, file: string): unknown {
  let text: string;
  try {
    text = bytes.toString('utf8');
  } catch (error) {
    throw new Error(
      `${file} is too large to read whole and does not hold one article per line (an older publisher's?): ${(error as Error).message}`
    );
  }
  return JSON.parse(text);
}

/**
 * The file writeSnapshot writes, read a line at a time: the head, then one article per line, then
 * `]}`. At 100,000 articles the file is ~570 MB: read whole, it sat in memory beside what was
 * parsed from it.
 */
function parseByLines(file: string, keep: (a: Article) => Article = (a) => a): Snapshot {
  const read = lines(file);
  const head = read.next();
  const snapshot = JSON.parse(`${head.done ? '' : head.value}]}`) as Snapshot;
  const articles: Article[] = [];
  let ended = false;
  for (const line of read) {
    if (ended) {
      if (line.trim()) throw new Error(`${file} goes on after its list of articles.`);
    } else if (line === ']}') ended = true;
    else if (line) articles.push(keep(JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Article));
  }
  if (!ended) throw new Error(`${file} ends before its list of articles does.`);
  snapshot.articles = articles;
  return snapshot;
}

/**
 * A snapshot as the change from another one (its base): the articles added or changed, those
 * gone, and the small collections whole. The publisher hands a waiting build the live release's
 * snapshot ahead of time and, at publish time, only this (see build-protocol.ts): writing and
 * reading 10,000 articles again for every publish cost about a second.
 */
export interface SnapshotDelta {
  version: 1;
  /** Everything but the articles, as the new snapshot has it. */
  rest: Omit<Snapshot, 'articles'>;
  /** Articles of the new snapshot that the base does not have as they are (added or changed). */
  articles: Article[];
  /** Ids of the base's articles the new snapshot does not have as they are (changed or gone). */
  removed: string[];
  /** How many articles the new snapshot holds: a check that the delta met its base. */
  count: number;
}

/**
 * `next` as the change from `base`. An article counts as unchanged when `next` holds the very
 * object `base` holds (a publish's snapshot reuses the live one's objects, see plan.ts): a copy,
 * even an equal one, is sent again, which is never wrong, only larger.
 */
export function snapshotDelta(
  base: Snapshot,
  next: Snapshot,
  /** Articles to send whole even when unchanged: those rendered, when the build's base is lean. */
  whole: (a: Article) => boolean = () => false
): SnapshotDelta {
  const before = byDocumentId(base.articles);
  // By identity first (a set of objects is ~5× faster to ask than a map by id): most articles are the base's own.
  const kept = membersOf(base.articles);
  const { articles, ...rest } = next;
  const changed: Article[] = [];
  const removed: string[] = [];
  let present = 0; // articles of `next` whose id `base` has
  for (const a of articles) {
    const was = kept.has(a) || before.has(a.documentId);
    if (was) present++;
    if (kept.has(a) && !whole(a)) continue;
    changed.push(a);
    if (was) removed.push(a.documentId);
  }
  // Articles gone (an unpublish): looked for only when there are some.
  if (present < before.size) {
    const ids = new Set(articles.map((a) => a.documentId));
    for (const a of base.articles) if (!ids.has(a.documentId)) removed.push(a.documentId);
  }
  return { version: 1, rest, articles: changed, removed, count: articles.length };
}

/**
 * documentId → article of a list of articles, made once per list: every publish makes its
 * delta from the same base (the checkpoint's), and at 100,000 articles the map takes ~0.1 s.
 */
const byIdOf = new WeakMap<readonly Article[], Map<string, Article>>();
function byDocumentId(list: readonly Article[]) {
  let map = byIdOf.get(list);
  if (!map) byIdOf.set(list, (map = new Map(list.map((a) => [a.documentId, a]))));
  return map;
}

/**
 * documentId → position of a list of articles, made once per list: a build makes it for the base
 * it waits with, and applies its job's delta by position (applyDelta) instead of filtering the
 * whole base (~20 ms at 100,000 articles).
 */
const positions = new WeakMap<readonly Article[], Map<string, number>>();
function positionsOf(list: readonly Article[]) {
  let map = positions.get(list);
  if (!map) positions.set(list, (map = new Map(list.map((a, i) => [a.documentId, i]))));
  return map;
}

/** True when no two articles of `list` share a document id; asked once per list. */
export const distinctIds = (list: readonly Article[]) => positionsOf(list).size === list.length;

/** The snapshot `delta` describes, from its base; an error when the delta was not made from `base`. */
export function applyDelta(base: Snapshot, delta: SnapshotDelta): Snapshot {
  if (delta.version !== 1) throw new Error(`Not a snapshot delta of this site (version ${delta.version}).`);
  const sent = new Set(delta.articles.map((a) => a.documentId));
  const at = positionsOf(base.articles);
  // The base's articles gone or sent again, by position; the rest kept in order, a slice at a time.
  const drop = [...new Set([...delta.removed, ...sent])]
    .map((id) => at.get(id))
    .filter((i) => i !== undefined)
    .sort((x, y) => x - y);
  const articles: Article[] = [];
  let from = 0;
  for (const i of drop) {
    for (let j = from; j < i; j++) articles.push(base.articles[j]);
    from = i + 1;
  }
  for (let j = from; j < base.articles.length; j++) articles.push(base.articles[j]);
  articles.push(...delta.articles);
  // Each id once: the base's are (checked once per base), and those sent replace theirs.
  if (articles.length !== delta.count || sent.size !== delta.articles.length || !distinctIds(base.articles)) {
    throw new Error(
      `The snapshot delta does not fit its base: ${articles.length} articles (${delta.count} expected), or one twice.`
    );
  }
  return { ...delta.rest, articles };
}

/**
 * `snapshot` with only what listings, feeds, sitemaps and the related boxes show of each article,
 * except those in `whole` (by slug): the body, photos, SEO and poll appear on an article's own page
 * only. What a build of some pages needs: a quarter of the whole at 10,000 articles.
 */
export function leanSnapshot(snapshot: Snapshot, whole: ReadonlySet<string> = new Set()): Snapshot {
  return { ...snapshot, articles: snapshot.articles.map((a) => (whole.has(a.slug) ? a : leanArticle(a))) };
}

/** What listings, feeds, sitemaps and related boxes show of an article (leanSnapshot). */
export const leanArticle = (a: Article): Article => ({ ...a, body: null, photos: [], seo: null, poll: null });

/** Articles serialised between two turns of the event loop when writing a snapshot. */
const WRITE_CHUNK = 250;

/**
 * Writes a snapshot whole or not at all (a temporary name, then rename). The articles are
 * serialised a few hundred at a time, giving the event loop back in between: a snapshot of 10,000
 * articles in one JSON.stringify held the publisher (and the site it serves) for about a second.
 * The file is JSON with one article per line (JSON.stringify escapes every newline inside a
 * value), so that readSnapshot can read one too large to be a single string. `each`: what is
 * written of each article (leanArticle writes the lean snapshot without a second list of them all).
 */
export async function writeSnapshot(file: string, snapshot: Snapshot, each: (a: Article) => Article = (a) => a) {
  const { articles, ...rest } = snapshot;
  const head = JSON.stringify(rest);
  const out = await fs.promises.open(`${file}.tmp`, 'w');
  try {
    await out.write(`${head.slice(0, -1)}${head.length > 2 ? ',' : ''}"articles":[\n`);
    for (let i = 0; i < articles.length; i += WRITE_CHUNK) {
      const chunk = articles.slice(i, i + WRITE_CHUNK).map((a) => JSON.stringify(each(a)));
      await out.write(`${i ? ',\n' : ''}${chunk.join(',\n')}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await out.write('\n]}');
  } finally {
    await out.close();
  }
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

type ArticleIndexes = Pick<SiteContent, 'articles' | 'bySlug' | 'byId' | 'byCategory' | 'byAuthor' | 'byTag'>;

/**
 * The indexes of each list of articles, made once: the publisher plans every publish against the
 * live content's (100,000 articles sorted and grouped: about half a second), and the list of the
 * content it plans becomes the live one's. Snapshots are never changed in place.
 */
const indexed = new WeakMap<readonly Article[], ArticleIndexes>();

/**
 * The order of `SiteContent.articles`, a total one (document ids are unique). Plain comparison:
 * ISO dates and ids sort correctly as strings, and ICU collation is slow on 10k rows.
 */
export const newestFirst = (a: Article, b: Article) =>
  cmp(shownDate(b), shownDate(a)) || cmp(b.documentId, a.documentId);

/** Where `a` would sit in `list` (in `newestFirst` order): the index of the first article older than `a`. */
export function olderStart(list: readonly Article[], a: Article) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(list[mid], a) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The position of `a` in `list`, which holds it (in `newestFirst` order). */
export function positionIn(list: readonly Article[], a: Article) {
  const rank = olderStart(list, a) - 1;
  if (list[rank]?.documentId !== a.documentId) throw new Error(`article ${a.documentId} is not in this list`);
  return rank;
}

/** Two lists sorted by `order`, as one. */
function merge<T>(a: readonly T[], b: readonly T[], order: (x: T, y: T) => number): T[] {
  if (!b.length) return [...a];
  const out = new Array<T>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = order(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}

const TOPICS: [keyof Pick<ArticleIndexes, 'byCategory' | 'byAuthor' | 'byTag'>, (a: Article) => string[]][] = [
  ['byCategory', (a) => (a.category ? [a.category.slug] : [])],
  ['byAuthor', (a) => a.authors.map((x) => x.slug)],
  ['byTag', (a) => a.tags.map((x) => x.slug)],
];

/**
 * The maps by slug and by id are made when first read, once (getters): a publish's plan reads a
 * few ids of the new content, and a page build none, while each map of 100,000 articles costs
 * ~60–100 ms and its garbage. An article's position is found by `newestFirst` (related.ts).
 */
function withMaps(articles: Article[], groups: Pick<ArticleIndexes, 'byCategory' | 'byAuthor' | 'byTag'>) {
  const once = <T>(make: () => T) => {
    let made: T | undefined;
    return { get: () => (made ??= make()), enumerable: true };
  };
  return Object.defineProperties({ articles, ...groups } as ArticleIndexes, {
    bySlug: once(() => new Map(articles.map((a) => [a.slug, a]))),
    byId: { get: () => idMapOf(articles), enumerable: true },
  });
}

/**
 * Whether `list` holds an article of one of `ids`: asked of a map by id when the list has one or is
 * indexed (the live content is, by indexLive, its map made ahead), else by a walk over the list.
 */
export function holdsAny(list: readonly Article[], ids: Iterable<string>) {
  const map = byIdOf.get(list) ?? indexed.get(list)?.byId;
  if (map) return [...ids].some((id) => map.has(id));
  const wanted = new Set(ids);
  return list.some((a) => wanted.has(a.documentId));
}

/** Each list's map by id, made once: when first read, or ahead in steps (indexAheadInSteps). */
const idMaps = new WeakMap<readonly Article[], Map<string, Article>>();
function idMapOf(list: readonly Article[]) {
  let map = idMaps.get(list);
  if (!map) idMaps.set(list, (map = new Map(list.map((a) => [a.documentId, a]))));
  return map;
}

function indexWhole(list: readonly Article[]): ArticleIndexes {
  const articles = [...list].sort(newestFirst);
  const [byCategory, byAuthor, byTag] = TOPICS.map(([, keys]) => group(articles, keys));
  return withMaps(articles, { byCategory, byAuthor, byTag });
}

/**
 * The articles of `list` that `content` does not hold (new, or new objects for its documents:
 * `added`, newest first) and those of `content` that `list` does not (`gone`): the change from
 * the live content to a publish's, which shares the live one's objects for what it kept. One
 * pass over `list`, and a search of `content` only when the counts say an article left it.
 */
export function articleDiff(content: Pick<SiteContent, 'articles' | 'byId'>, list: readonly Article[]) {
  const known = diffs.get(list);
  if (known?.from === content.articles) return known;
  const members = membersOf(content.articles);
  const added = list.filter((a) => !members.has(a)).sort(newestFirst);
  const replaced = added.flatMap((a) => content.byId.get(a.documentId) ?? []);
  let gone = replaced;
  if (content.articles.length - (list.length - added.length) !== replaced.length) {
    const present = new Set(list);
    gone = content.articles.filter((a) => !present.has(a));
  }
  const diff = { from: content.articles, added, gone };
  diffs.set(list, diff);
  return diff;
}

/** The articles of a list as a set of objects: by identity, ~5× faster to ask than a map by id. */
const members = new WeakMap<readonly Article[], Set<Article>>();
function membersOf(list: readonly Article[]) {
  let set = members.get(list);
  if (!set) members.set(list, (set = new Set(list)));
  return set;
}

/**
 * Makes now what the next content made from `content` (a publish's) reads of it: its map by id
 * and set of articles (articleDiff). A waiting build does it while idle.
 */
export function indexAhead(content: SiteContent) {
  idMapOf(content.articles);
  membersOf(content.articles);
}

/** Articles indexed between two pauses of indexAheadInSteps: a few milliseconds' work. */
const INDEX_STEP = 5000;

/**
 * indexAhead, `INDEX_STEP` articles at a time, awaiting `pause` between steps: the publisher does
 * it in the event loop that serves its site and webhooks, right after a release goes live, and at
 * 100,000 articles the map and the set take 0.1–0.3 s in one piece. A plan that reads them
 * meanwhile makes them at once, and the steps stop.
 */
export async function indexAheadInSteps(content: SiteContent, pause: () => Promise<unknown>) {
  const list = content.articles;
  /** Adds the articles a step at a time until `done` (made meanwhile); says whether it got through. */
  const inSteps = async (done: () => boolean, add: (a: Article) => void) => {
    for (let i = 0; i < list.length && !done(); i += INDEX_STEP) {
      for (let j = i; j < Math.min(list.length, i + INDEX_STEP); j++) add(list[j]);
      await pause();
    }
    return !done();
  };
  const map = new Map<string, Article>();
  if (
    await inSteps(
      () => idMaps.has(list),
      (a) => map.set(a.documentId, a)
    )
  )
    idMaps.set(list, map);
  const set = new Set<Article>();
  if (
    await inSteps(
      () => members.has(list),
      (a) => set.add(a)
    )
  )
    members.set(list, set);
}

const diffs = new WeakMap<readonly Article[], { from: readonly Article[]; added: Article[]; gone: Article[] }>();

/** What a content's articles (newest first) were made from by indexFrom: other indexes made from theirs likewise. */
const lineage = new WeakMap<readonly Article[], { base: readonly Article[]; added: Article[]; gone: Article[] }>();
export const derivedFrom = (articles: readonly Article[]) => lineage.get(articles);

/**
 * The indexes of `list` from those of `base`, a list it mostly shares articles with (the same
 * objects): the articles kept stay in order and the new ones are merged in, and only the topic
 * lists a changed article was or is on are made again. The same indexes as indexWhole (tested).
 */
function indexFrom(from: ArticleIndexes, list: readonly Article[]): ArticleIndexes | null {
  if (Math.abs(list.length - from.articles.length) > Math.max(100, list.length / 20)) return null;
  const { added, gone } = articleDiff(from, list);
  if (added.length + gone.length > Math.max(100, list.length / 20)) return null;
  const without = new Set(gone);
  const articles = merge(
    gone.length ? from.articles.filter((a) => !without.has(a)) : from.articles,
    added,
    newestFirst
  );
  lineage.set(articles, { base: from.articles, added, gone });
  const groups = Object.fromEntries(
    TOPICS.map(([name, keys]) => {
      const touched = new Set([...added, ...gone].flatMap(keys));
      if (!touched.size) return [name, from[name]];
      // Every key again, in the order of each key's newest article (as group() makes them).
      const lists = new Map<string, Article[]>();
      for (const key of touched) {
        const was = from[name].get(key) ?? [];
        const kept = without.size ? was.filter((a) => !without.has(a)) : was;
        lists.set(
          key,
          merge(
            kept,
            added.filter((a) => keys(a).includes(key)),
            newestFirst
          )
        );
      }
      const order = [...new Set([...from[name].keys(), ...touched])]
        .map((key) => [key, lists.get(key) ?? from[name].get(key)!] as const)
        .filter(([, stories]) => stories.length)
        // Two keys first seen on the same story: in the order that story lists them.
        .sort(([kx, x], [ky, y]) => newestFirst(x[0], y[0]) || keys(x[0]).indexOf(kx) - keys(x[0]).indexOf(ky));
      return [name, new Map(order)];
    })
  ) as Pick<ArticleIndexes, 'byCategory' | 'byAuthor' | 'byTag'>;
  return withMaps(articles, groups);
}

function indexArticles(list: readonly Article[], base?: readonly Article[]): ArticleIndexes {
  const known = indexed.get(list);
  if (known) return known;
  const from = base && indexed.get(base);
  const indexes = (from && indexFrom(from, list)) || indexWhole(list);
  indexed.set(list, indexes);
  return indexes;
}

/**
 * Sorted and indexed the way pages use it: articles newest first, menu order, names in Vietnamese
 * order. `base`: content this one is a change of (sharing its unchanged articles), whose indexes
 * this one's are made from when they are known (the live content, for a publish).
 */
export function toContent(snapshot: Snapshot, base?: Snapshot): SiteContent {
  const content = {
    now: renderedAt(snapshot),
    categories: [...snapshot.categories].sort((a, b) => (a.menuOrder ?? 0) - (b.menuOrder ?? 0)),
    authors: [...snapshot.authors].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    tags: [...snapshot.tags].sort((a, b) => a.name.localeCompare(b.name, 'vi')),
    polls: [...snapshot.polls].sort((a, b) => (b.opensAt ?? '').localeCompare(a.opensAt ?? '')),
  };
  // The indexes' getters as they are (a spread would make their maps now).
  const indexes = Object.getOwnPropertyDescriptors(indexArticles(snapshot.articles, base?.articles));
  return Object.defineProperties(content, indexes) as SiteContent;
}

import { setImmediate as nextTurn } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { StrapiClient } from './strapi';
import type { Article } from './schema';
import { listingKey, type ListingKind, type Scope } from './build-protocol';
import { listingPages, listingPagePath, type ListingPage } from './listing-pages';
import { routes } from './routes';
import {
  articleDiff,
  indexAheadInSteps,
  positionIn,
  fetchArticles,
  fetchTaxonomies,
  holdsAny,
  keepLive,
  toContent,
  type SiteContent,
  type Skip,
  type Snapshot,
} from './snapshot';
import { hasFullEarlierBox, indexRelatedAhead, related, RELATED_COUNT, RELATED_WINDOW, topicLists } from './related';
import { clockChange, renderedAt } from './clock';
import { differingSitemaps, sitemapFiles, sitemapPath } from './sitemaps';

/**
 * What a publish must rebuild. Given the content of the live release and the documents a burst
 * of CMS events touched, re-fetches only those (plus the small collections: liveContentWith) and
 * works out every page whose HTML changes (planChange): the articles themselves, the articles
 * that show them as related, the category, author and tag listings they were or are on, and the
 * sitemap files that list them. Home, feeds and the sitemap index are always rebuilt. When the
 * change reaches every page (the category menu), it asks for a full build.
 */
export interface Changes {
  /** Document ids by content-type uid, e.g. "api::article.article". */
  documents: Record<string, string[]>;
  /** URLs of uploaded files that were replaced or deleted. */
  media: string[];
}

export type Plan =
  | { kind: 'full'; reason: string }
  | { kind: 'none'; reason: string }
  | { kind: 'scoped'; snapshot: Snapshot; scope: Scope; removed: string[]; summary: string };

const ARTICLE = 'api::article.article';
/** Categories are on every page (the menu): a changed one is a full build, of content made as a publish's. */
const CATEGORY = 'api::category.category';
/** Content types whose changes show only through the articles (and listings) that use them. */
const SCOPED_TYPES = new Set([
  ARTICLE,
  'api::photo.photo',
  'api::author.author',
  'api::tag.tag',
  'api::poll.poll',
  // Redirects are no page: a release with them written again (see redirects.ts).
  'api::redirect.redirect',
]);

/** Rows of `before` and `after` (by document id) that differ, were added or were removed. */
function changedIds<T extends { documentId: string }>(before: T[], after: T[]) {
  const old = new Map(before.map((x) => [x.documentId, x]));
  const ids = new Set<string>();
  for (const x of after) {
    const was = old.get(x.documentId);
    // The same object: a row the plan kept from the live content (most of them).
    if (was !== x && !isDeepStrictEqual(was, x)) ids.add(x.documentId);
    old.delete(x.documentId);
  }
  for (const id of old.keys()) ids.add(id);
  return ids;
}

/**
 * changedIds for the articles, from the articles the new list does not share with the live
 * content (articleDiff) rather than a comparison of the whole archive for every publish; and a
 * look-up of the new list's articles by id made of the same (its whole map is made once it is
 * live, not while a publish waits: indexLive).
 */
function changedArticles(before: SiteContent, after: Article[]) {
  const { added, gone } = articleDiff(before, after);
  const now = new Map(added.map((x) => [x.documentId, x]));
  const left = new Set(gone.map((x) => x.documentId));
  const ids = new Set<string>();
  for (const x of added) {
    const was = before.byId.get(x.documentId);
    if (!was || !isDeepStrictEqual(was, x)) ids.add(x.documentId);
  }
  for (const x of gone) if (!now.has(x.documentId)) ids.add(x.documentId);
  const byId = (id: string) => now.get(id) ?? (left.has(id) ? undefined : before.byId.get(id));
  return { ids, byId };
}

const imageUrls = (a: Article) => [
  a.cover?.image?.url,
  ...a.photos.map((p) => p.image?.url),
  a.seo?.shareImage?.url,
  ...a.authors.map((x) => x.avatar?.url),
];

/**
 * The content the CMS has published now, made from `live` (the live release's) and `changes`
 * (every document whose version differs from the one `live` was fetched at, and the files
 * replaced): the documents changed and the articles that show them are fetched anew, with the
 * small collections; every other article is the live release's, unchanged since by its version
 * (cms/src/api/publishing/lib/state.ts). A publish's content, and a full build's when a release
 * is live (its templates changed, a category was renamed): a handful of requests instead of the
 * whole archive. Not after changes to a type no article shows (a full read finds what they reach):
 * then the reason.
 */
export async function liveContentWith(
  cms: StrapiClient,
  live: Snapshot,
  changes: Changes,
  /** Documents to leave as the live release has them (held back after failing). */
  keep: Skip = new Set()
): Promise<Snapshot | { reason: string }> {
  const unscoped = Object.keys(changes.documents).filter((uid) => !SCOPED_TYPES.has(uid) && uid !== CATEGORY);
  if (unscoped.length) return { reason: `changes to ${unscoped.join(', ')} reach every page` };

  // The articles named by the events are fetched with the small collections, not after them (a
  // round trip to the CMS less); those that show a changed author, tag, poll or photo, after.
  const named = (changes.documents[ARTICLE] ?? []).filter((id) => !keep.has(id));
  const [fetchedTaxonomies, fetchedNamed] = await Promise.all([
    fetchTaxonomies(cms, keep),
    named.length ? fetchArticles(cms, named, keep) : [],
  ]);
  const {
    categories,
    authors: authorList,
    tags: tagList,
    polls: pollList,
    redirects,
  } = keepLive({ version: 1, fetchedAt: '', articles: [], ...fetchedTaxonomies }, live, keep);
  const taxonomies = { categories, authors: authorList, tags: tagList, polls: pollList, redirects };
  const categoryIds = changedIds(live.categories, taxonomies.categories);
  const authors = changedIds(live.authors, taxonomies.authors);
  const tags = changedIds(live.tags, taxonomies.tags);
  const polls = changedIds(live.polls, taxonomies.polls);
  const photos = new Set(changes.documents['api::photo.photo'] ?? []);
  const media = new Set(changes.media);

  // Every article that shows a changed document, as the live release has it, plus those named.
  const refetch = new Set(changes.documents[ARTICLE] ?? []);
  const shown = categoryIds.size || authors.size || tags.size || polls.size || photos.size || media.size;
  /** Shows a changed document of the small collections (each read whole above). */
  const showsListed = (a: Article) =>
    (a.category && categoryIds.has(a.category.documentId)) ||
    a.authors.some((x) => authors.has(x.documentId)) ||
    a.tags.some((x) => tags.has(x.documentId)) ||
    (a.poll && polls.has(a.poll.documentId));
  const shows = (a: Article) =>
    showsListed(a) ||
    [a.cover, ...a.photos].some((p) => p && photos.has(p.documentId)) ||
    imageUrls(a).some((url) => url && media.has(url));
  for (const a of shown ? live.articles : []) if (shows(a)) refetch.add(a.documentId);
  // The named articles were read beside the small collections: one that shows a document changed
  // there may hold it as it was before that read, and is read again after it (else the lists would
  // be newer than the copy, and no later comparison of them would find it).
  const again = new Set(fetchedNamed.filter(showsListed).map((a) => a.documentId));
  for (const id of again) refetch.add(id);
  for (const id of keep) refetch.delete(id);
  const fetchedAt = new Date().toISOString();
  if (refetch.size > live.articles.length / 4) {
    // Read by id ranges, a whole read costs less than this many read by their ids.
    const now = await fetchArticles(cms, undefined, keep, live.articles);
    return {
      version: 1,
      fetchedAt,
      articles: keepLive({ ...live, articles: now }, live, keep).articles,
      ...taxonomies,
    };
  }
  const asked = new Set(named);
  const more = [...refetch].filter((id) => !asked.has(id) || again.has(id));
  const fetched = [
    ...fetchedNamed.filter((a) => !again.has(a.documentId)),
    ...(more.length ? await fetchArticles(cms, more, keep) : []),
  ];
  // Only a story already live is taken out of the live list: a new one (most publishes) is added
  // to it without a walk over every article (~0.1 s of the publisher's event loop at 100,000, its
  // articles scattered over a large heap).
  const articles = holdsAny(live.articles, refetch)
    ? [...live.articles.filter((a) => !refetch.has(a.documentId)), ...fetched]
    : live.articles.concat(fetched);
  return { version: 1, fetchedAt, articles, ...taxonomies };
}

/**
 * Indexes `live` the way the next plan reads it (sorted and grouped, by id, the related boxes'
 * index, the sitemap files), ahead of the publish: at 100,000 articles ~0.6 s that the first
 * publish after a full build or a restart would wait for. A publish's own content has most of
 * them from its plan; its map by id and set of articles (~0.1 s) are made here, once it is live,
 * in steps with `pause` between them (the event loop's next turn), so that the pages, webhooks and
 * status the publisher serves meanwhile do not wait for them.
 */
export async function indexLive(live: Snapshot, pause: () => Promise<unknown> = nextTurn) {
  const content = toContent(live);
  await pause();
  await indexAheadInSteps(content, pause);
  indexRelatedAhead(content);
  await pause();
  sitemapFiles(content);
}

/**
 * The pages that differ between the site built from `live` and the site built from `next`
 * (no I/O): `next` is the new content, every document of it compared with the live one.
 */
export function planChange(live: Snapshot, snapshot: Snapshot): Plan {
  if (changedIds(live.categories, snapshot.categories).size) {
    return { kind: 'full', reason: 'the categories changed, and the menu is on every page' };
  }
  const authors = changedIds(live.authors, snapshot.authors);
  const tags = changedIds(live.tags, snapshot.tags);
  const polls = changedIds(live.polls, snapshot.polls);
  const before = toContent(live);
  const { ids: changed, byId: nowById } = changedArticles(before, snapshot.articles);
  const redirects = changedIds(live.redirects ?? [], snapshot.redirects ?? []);
  if (!changed.size && !authors.size && !tags.size && !polls.size) {
    if (redirects.size) {
      const scope = { articles: [], categories: [], authors: [], tags: [], sitemaps: [] };
      return { kind: 'scoped', snapshot, scope, removed: [], summary: `${redirects.size} redirect(s) changed` };
    }
    return { kind: 'none', reason: 'nothing published changed (a draft was saved?)' };
  }

  const after = toContent(snapshot, live);
  const scope = {
    articles: new Set<string>(),
    categories: new Set<string>(),
    authors: new Set<string>(),
    tags: new Set<string>(),
  };
  // An author's or tag's own page shows its name (and bio) on every page of its listing; a new or
  // removed one appears or goes: all of its pages.
  const whole = { authors: new Set<string>(), tags: new Set<string>() };
  for (const content of [before, after]) {
    for (const x of content.authors) if (authors.has(x.documentId)) whole.authors.add(x.slug);
    for (const x of content.tags) if (tags.has(x.documentId)) whole.tags.add(x.slug);
  }
  for (const slug of whole.authors) scope.authors.add(slug);
  for (const slug of whole.tags) scope.tags.add(slug);
  const removed = new Set<string>();
  for (const slug of whole.authors) removed.add(routes.author(slug));
  for (const slug of whole.tags) removed.add(routes.tag(slug));

  // The listings a changed article was or is on: of those, only the pages that differ.
  const touched = { categories: new Set<string>(), authors: new Set<string>(), tags: new Set<string>() };
  for (const id of changed) {
    const old = before.byId.get(id);
    const now = nowById(id);
    if (now) scope.articles.add(now.slug);
    if (old && old.slug !== now?.slug) removed.add(routes.article(old.slug));
    for (const a of [old, now]) {
      if (!a) continue;
      if (a.category) touched.categories.add(a.category.slug);
      for (const x of a.authors) touched.authors.add(x.slug);
      for (const x of a.tags) touched.tags.add(x.slug);
    }
  }
  const pages: Record<string, number[]> = {};
  const listings: [ListingKind, (content: SiteContent) => Map<string, Article[]>, (slug: string) => string][] = [
    ['categories', (c) => c.byCategory, routes.category],
    ['authors', (c) => c.byAuthor, routes.author],
    ['tags', (c) => c.byTag, routes.tag],
  ];
  for (const [kind, index, base] of listings) {
    for (const slug of touched[kind]) {
      // Its feed (categories) is rendered with it; a listing whose entry changed, in full.
      scope[kind].add(slug);
      if (kind !== 'categories' && whole[kind].has(slug)) continue;
      const { differ, gone } = differingPages(index(before).get(slug) ?? [], index(after).get(slug) ?? [], changed);
      pages[listingKey(kind, slug)] = differ;
      for (const n of gone) removed.add(listingPagePath(base(slug), n));
    }
  }
  for (const slug of relatedPages(before, after, changed, nowById)) scope.articles.add(slug);
  const rendered = Object.values(pages).reduce((n, list) => n + list.length, 0);
  const sitemaps = differingSitemaps(before, after);
  for (const n of sitemaps.gone) removed.add(sitemapPath(n));

  return {
    kind: 'scoped',
    snapshot,
    scope: {
      articles: [...scope.articles],
      categories: [...scope.categories],
      authors: [...scope.authors],
      tags: [...scope.tags],
      pages,
      sitemaps: sitemaps.differ,
    },
    removed: [...removed],
    summary:
      `${changed.size} article(s) changed; ${scope.articles.size} article page(s) and ${rendered} listing page(s) ` +
      `of ${scope.categories.size} categories, ${scope.authors.size} authors, ${scope.tags.size} tags, ` +
      `and ${sitemaps.differ.length} sitemap file(s) to rebuild` +
      (whole.authors.size + whole.tags.size ? ` (${whole.authors.size + whole.tags.size} listing(s) in full)` : ''),
  };
}

/**
 * The pages of a listing that read differently after a change (listing-pages.ts): another set or
 * order of stories, a story whose card changed, other neighbours; and the numbers of the pages
 * that are gone. Pages are numbered from the oldest story, so a new story differs the front page
 * and the newest numbered page only: the cost of a publish does not grow with the archive.
 */
function differingPages(before: Article[], after: Article[], changed: Set<string>) {
  const old = listingPages(before);
  const now = listingPages(after);
  const same = (a: ListingPage<Article> | undefined, b: ListingPage<Article>) =>
    !!a &&
    a.newer === b.newer &&
    a.older === b.older &&
    a.items.length === b.items.length &&
    a.items.every((x, i) => x.documentId === b.items[i].documentId && !changed.has(x.documentId));
  return {
    differ: now.filter((page) => !same(old[page.number], page)).map((page) => page.number),
    gone: old.slice(now.length).map((page) => page.number),
  };
}

/**
 * `plan` for a release rendered at `at`, when the live one (`live`) was rendered earlier: the
 * pages that change by themselves in between (a poll opening or closing, the news sitemap's
 * window, the year) join it, and the new content records `at` as the instant it is rendered at.
 */
export function withClock(plan: Plan, live: Snapshot, at: Date): Plan {
  if (plan.kind === 'full') return plan;
  const content = plan.kind === 'scoped' ? plan.snapshot : live;
  const change = clockChange(content, renderedAt(live), at, toContent(content).articles);
  if (change.kind === 'none') {
    return plan.kind === 'scoped' ? { ...plan, snapshot: { ...plan.snapshot, renderedAt: at.toISOString() } } : plan;
  }
  if (change.kind === 'full') return { kind: 'full', reason: change.reason };
  const snapshot = { ...content, renderedAt: at.toISOString() };
  if (plan.kind === 'none') {
    // The clock changes no sitemap file: they list addresses and last changes only.
    const scope = { articles: change.articles, categories: [], authors: [], tags: [], sitemaps: [] };
    return { kind: 'scoped', snapshot, scope, removed: [], summary: change.reason };
  }
  const articles = [...new Set([...plan.scope.articles, ...change.articles])];
  return {
    ...plan,
    snapshot,
    scope: { ...plan.scope, articles },
    summary: `${plan.summary}; ${change.reason}`,
  };
}

/**
 * Slugs of the unchanged articles whose "related" box changes: those that listed a changed
 * article before, list it now, or whose list shifts because one came or left. Only articles
 * published shortly before or after a changed one, in its category or tags, can be among them
 * (see `related`).
 */
function relatedPages(
  before: SiteContent,
  after: SiteContent,
  changed: Set<string>,
  nowById: (id: string) => Article | undefined
) {
  const window = RELATED_WINDOW;
  const candidates = new Set<string>();
  const sides: [SiteContent, (id: string) => Article | undefined][] = [
    [before, (id) => before.byId.get(id)],
    [after, nowById],
  ];
  for (const [content, byId] of sides) {
    for (const id of changed) {
      const a = byId(id);
      if (!a) continue;
      for (const list of topicLists(content, a)) {
        const at = positionIn(list, a);
        // Newer articles may show it as earlier coverage; older ones only as later coverage,
        // which only a box without enough earlier coverage shows.
        for (const b of list.slice(Math.max(0, at - window), at)) candidates.add(b.documentId);
        for (const b of list.slice(at + 1, at + window + 1)) {
          if (!hasFullEarlierBox(content, b, RELATED_COUNT)) candidates.add(b.documentId);
        }
      }
    }
  }
  const ids = (list: Article[]) => list.map((a) => a.documentId);
  const pages = new Set<string>();
  for (const id of candidates) {
    const now = nowById(id);
    const old = before.byId.get(id);
    if (!now || !old || changed.has(id)) continue;
    const relatedNow = ids(related(after, now, RELATED_COUNT));
    const relatedBefore = ids(related(before, old, RELATED_COUNT));
    if (!isDeepStrictEqual(relatedNow, relatedBefore) || relatedNow.some((x) => changed.has(x))) pages.add(now.slug);
  }
  return pages;
}

import { pollPhase, resultsVisible, type PollTimes } from '@newsroom/contracts/polls';
import type { Article, Poll } from './schema';
import type { Snapshot } from './snapshot';

/**
 * What the site shows that depends on the time, not on any edit, defined once: the pages render
 * with these functions, and the publisher derives from them when a page changes by itself.
 *
 * A build renders at one instant, the snapshot's `renderedAt`, whatever the wall clock says while
 * it runs; so a release stands for a point in time and a scoped build matches a full one. The
 * publisher rebuilds when the next instant at which a page changes (`nextChange`) has come.
 */

/** The Google News sitemap lists the articles of the last two days (until exactly two days after their date). */
export const NEWS_SITEMAP_WINDOW_MS = 2 * 24 * 3600 * 1000;

/** Vietnam keeps UTC+7 all year (no daylight saving): the newsroom's calendar. */
const VIETNAM_OFFSET_MS = 7 * 3600 * 1000;

/** The instant the site is rendered at. */
export const renderedAt = (snapshot: Pick<Snapshot, 'renderedAt' | 'fetchedAt'>) =>
  new Date(snapshot.renderedAt ?? snapshot.fetchedAt);

/** The year in Vietnam at `now` (the footer's copyright line). */
export const vietnamYear = (now: Date) => new Date(now.getTime() + VIETNAM_OFFSET_MS).getUTCFullYear();

/** When the year in Vietnam after `now` begins. */
const nextVietnamYear = (now: Date) => Date.UTC(vietnamYear(now) + 1, 0, 1) - VIETNAM_OFFSET_MS;

/** Everything a poll box shows that depends on the time: open or not, counts shown or not. */
export const pollFace = (poll: PollTimes & Pick<Poll, 'showResultsBeforeClose'>, now: Date) =>
  `${pollPhase(poll, now)}/${resultsVisible(poll, now)}`;

/** The date readers see: the editor's publication date, else the moment it was published. */
export const shownDate = (a: Pick<Article, 'publicationDate' | 'publishedAt'>) => a.publicationDate ?? a.publishedAt;

function* polls(snapshot: Pick<Snapshot, 'polls' | 'articles'>) {
  yield* snapshot.polls;
  for (const a of snapshot.articles) if (a.poll) yield a.poll;
}

/**
 * The first instant after `after` at which a page of `snapshot`'s site changes by itself, or null.
 * `newestFirst`: the same articles by shown date, newest first (toContent's order), when at hand:
 * the news sitemap's next change is then found by bisection, not by reading every article's date
 * (~50 ms at 100,000 articles, twice a publish).
 */
export function nextChange(
  snapshot: Pick<Snapshot, 'polls' | 'articles'>,
  after: Date,
  newestFirst?: readonly Article[]
): Date | null {
  const t = after.getTime();
  let next = nextVietnamYear(after);
  const consider = (at: number) => {
    if (at > t && at < next) next = at;
  };
  for (const poll of polls(snapshot)) {
    if (poll.opensAt) consider(Date.parse(poll.opensAt));
    if (poll.closesAt) consider(Date.parse(poll.closesAt));
  }
  // The news sitemap changes when its oldest story leaves it (every later one leaves later).
  const leaves = (a: Article) => Date.parse(shownDate(a)) + NEWS_SITEMAP_WINDOW_MS;
  if (newestFirst) {
    let lo = 0;
    let hi = newestFirst.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (leaves(newestFirst[mid]) > t) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) consider(leaves(newestFirst[lo - 1]));
  } else {
    for (const a of snapshot.articles) consider(leaves(a));
  }
  return Number.isFinite(next) ? new Date(next) : null;
}

export type ClockChange =
  | { kind: 'none' }
  /** Every page changes (the year in the footer). */
  | { kind: 'full'; reason: string }
  /**
   * The article pages whose poll box changes (slugs); home, feeds and sitemaps are rendered by
   * every build anyway.
   */
  | { kind: 'pages'; articles: string[]; reason: string };

/** What changes on the site of `snapshot` between rendering it at `from` and at `to`. */
export function clockChange(
  snapshot: Pick<Snapshot, 'polls' | 'articles'>,
  from: Date,
  to: Date,
  newestFirst?: readonly Article[]
): ClockChange {
  const next = nextChange(snapshot, from, newestFirst);
  if (!next || next > to) return { kind: 'none' };
  if (vietnamYear(from) !== vietnamYear(to)) return { kind: 'full', reason: `the year is now ${vietnamYear(to)}` };
  const articles = snapshot.articles
    .filter((a) => a.poll && pollFace(a.poll, from) !== pollFace(a.poll, to))
    .map((a) => a.slug);
  return {
    kind: 'pages',
    articles,
    reason: `the clock passed ${next.toISOString()}: ${articles.length} poll box(es), the home page and the news sitemap`,
  };
}

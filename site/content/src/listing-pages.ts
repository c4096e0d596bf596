/**
 * How a category's, an author's or a tag's stories are split into pages, defined once for the
 * site (which renders them) and the publisher's plan (which works out which of them a change
 * touches).
 *
 * Pages are numbered from the oldest story, so they keep their contents as news comes in: page 1
 * holds the first `size` stories ever published there, page 2 the next, and so on. The listing's
 * own address (page 0, the front page) shows the newest `size`. A new story then changes the front
 * page and the newest numbered page (or adds one), not every page of the listing: publishing costs
 * the same with 100 stories as with 100,000, and a link to page 37 shows tomorrow what it shows
 * today (for readers, caches and search engines alike). A page links only to its neighbours,
 * the front page and page 1, never to "the last page", which would change with every story.
 */

/** Stories per listing page. */
export const LISTING_PAGE_SIZE = 20;

export interface ListingPage<T> {
  /** 0: the front page (the newest stories); n ≥ 1: page n, counted from the oldest. */
  number: number;
  /** The page's stories, newest first. */
  items: T[];
  /** The page of the next newer stories (0: the front page), null on the front page. */
  newer: number | null;
  /** The page of the next older stories, null when there are none. */
  older: number | null;
}

/** How many numbered pages a listing of `total` stories has (the front page comes on top). */
export function numberedPageCount(total: number, size = LISTING_PAGE_SIZE) {
  if (!Number.isInteger(size) || size < 1) throw new Error(`A listing page holds at least one story, not ${size}.`);
  return Math.ceil(total / size);
}

/** The pages of a listing whose stories are `newestFirst`, `size` to a page. */
export function listingPages<T>(newestFirst: readonly T[], size = LISTING_PAGE_SIZE): ListingPage<T>[] {
  const total = newestFirst.length;
  const numbered = numberedPageCount(total, size);
  /** The numbered page holding the story at `index` (newest first). */
  const pageOf = (index: number) => Math.floor((total - 1 - index) / size) + 1;
  const front: ListingPage<T> = {
    number: 0,
    items: newestFirst.slice(0, size),
    newer: null,
    older: total > size ? pageOf(size) : null,
  };
  const pages = [front];
  for (let n = 1; n <= numbered; n++) {
    // Oldest-first positions [(n - 1) × size, n × size), as newest-first indexes.
    const end = total - (n - 1) * size;
    const start = Math.max(0, end - size);
    pages.push({
      number: n,
      items: newestFirst.slice(start, end),
      newer: n < numbered ? n + 1 : 0,
      older: n > 1 ? n - 1 : null,
    });
  }
  return pages;
}

/** The address of page `number` of the listing at `base` (e.g. /chuyen-muc/thoi-su/). */
export const listingPagePath = (base: string, number: number) => (number === 0 ? base : `${base}${number}/`);

import type { Article } from './schema';
import type { SiteContent } from './snapshot';

/** How many related articles an article page shows (site/src/lib/config.ts shows it as SITE.relatedCount). */
export const RELATED_COUNT = 4;

/** How many of the articles published just before `a`, in each of its category and tags, are considered. */
export const RELATED_WINDOW = 200;

/** Where `a` would sit in `list` (newest first): the index of the first article older than `a`. */
function olderStart(content: SiteContent, list: Article[], a: Article) {
  const rank = content.rank.get(a)!;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (content.rank.get(list[mid])! <= rank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The lists `a` is on: its category's and its tags', newest first. */
export function topicLists(content: SiteContent, a: Article): Article[][] {
  const lists = [
    a.category ? content.byCategory.get(a.category.slug) : undefined,
    ...a.tags.map((t) => content.byTag.get(t.slug)),
  ];
  return lists.filter((list): list is Article[] => !!list);
}

/** True when `a` has at least `count` earlier articles in one of its lists: its box holds no later coverage. */
export function hasFullEarlierBox(content: SiteContent, a: Article, count: number) {
  return topicLists(content, a).some((list) => list.length - olderStart(content, list, a) >= count);
}

/**
 * The same facts as numbers, built once per content: each article's category and tags as small
 * integers by rank, each topic list as the ascending ranks of its articles. Every article page
 * scores up to RELATED_WINDOW × (1 + tags) candidates; on objects scattered over a large heap that
 * cost ~0.5 ms a page in a 10k build, on these arrays a fraction of it.
 */
interface RelatedIndex {
  category: Int32Array;
  tagStart: Int32Array;
  tagIds: Int32Array;
  categoryList: Map<string, Int32Array>;
  tagList: Map<string, Int32Array>;
  tagId: Map<string, number>;
  /** Candidates already scored in the current call (call numbers, by rank). */
  seen: Int32Array;
  call: number;
}

/**
 * By list of articles: everything in the index follows from it (toContent makes the ranks and
 * topic lists once per list), and the publisher plans every publish against the live content's.
 */
const indexes = new WeakMap<readonly Article[], RelatedIndex>();

function relatedIndex(content: SiteContent): RelatedIndex {
  let index = indexes.get(content.articles);
  if (index) return index;
  const ids = (keys: Iterable<string>) => new Map([...keys].map((key, i) => [key, i]));
  const categoryId = ids(content.byCategory.keys());
  const tagId = ids(content.byTag.keys());
  // One pass in rank order: each topic list's ranks come out ascending, as its articles are listed.
  const categoryRanks = new Map<string, number[]>([...content.byCategory.keys()].map((key) => [key, []]));
  const tagRanks = new Map<string, number[]>([...content.byTag.keys()].map((key) => [key, []]));
  const n = content.articles.length;
  const tagStart = new Int32Array(n + 1);
  const tagIds: number[] = [];
  const category = new Int32Array(n);
  content.articles.forEach((a, rank) => {
    category[rank] = a.category ? (categoryId.get(a.category.slug) ?? -2) : -1;
    if (a.category) categoryRanks.get(a.category.slug)?.push(rank);
    tagStart[rank] = tagIds.length;
    for (const t of a.tags) {
      tagIds.push(tagId.get(t.slug) ?? -1);
      tagRanks.get(t.slug)?.push(rank);
    }
  });
  tagStart[n] = tagIds.length;
  const typed = (lists: Map<string, number[]>) =>
    new Map([...lists].map(([key, ranks]) => [key, Int32Array.from(ranks)]));
  index = {
    category,
    tagStart,
    tagIds: Int32Array.from(tagIds),
    categoryList: typed(categoryRanks),
    tagList: typed(tagRanks),
    tagId,
    seen: new Int32Array(n),
    call: 0,
  };
  indexes.set(content.articles, index);
  return index;
}

/** The first index of `ranks` (ascending) holding a rank above `rank`. */
function firstAfter(ranks: Int32Array, rank: number) {
  let lo = 0;
  let hi = ranks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranks[mid] <= rank) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Coverage of the same story: articles sharing `a`'s category or tags, most shared tags first.
 * Earlier coverage comes first, nearest in time first; only when there is not enough of it (the
 * first stories on a topic) does later coverage fill the box. Only RELATED_WINDOW articles on each
 * side are considered, so a page costs the same on 10 or 10,000 articles, and publishing a new
 * story changes only the few older pages whose box was not full (site/content/src/plan.ts finds them).
 */
export function related(content: SiteContent, a: Article, count: number): Article[] {
  const index = relatedIndex(content);
  const rank = content.rank.get(a)!;
  const category = index.category[rank];
  const tags = a.tags.map((t) => index.tagId.get(t.slug) ?? -1);
  const lists = [
    a.category ? index.categoryList.get(a.category.slug) : undefined,
    ...a.tags.map((t) => index.tagList.get(t.slug)),
  ].filter((list): list is Int32Array => !!list);

  const pick = (older: boolean, n: number) => {
    const call = ++index.call;
    index.seen[rank] = call;
    // The best `n` so far: most shared tags, then nearest in time (distances never tie on one side).
    const best: { rank: number; score: number; distance: number }[] = [];
    for (const list of lists) {
      const start = firstAfter(list, rank);
      const self = start > 0 && list[start - 1] === rank ? start - 1 : start;
      const [from, to] = older
        ? [start, Math.min(list.length, start + RELATED_WINDOW)]
        : [Math.max(0, self - RELATED_WINDOW), self];
      for (let i = from; i < to; i++) {
        const b = list[i];
        if (index.seen[b] === call) continue;
        index.seen[b] = call;
        let score = index.category[b] === category ? 1 : 0;
        for (let t = index.tagStart[b]; t < index.tagStart[b + 1]; t++) if (tags.includes(index.tagIds[t])) score += 2;
        const distance = Math.abs(b - rank);
        let at = best.length;
        while (
          at > 0 &&
          (score > best[at - 1].score || (score === best[at - 1].score && distance < best[at - 1].distance))
        )
          at--;
        if (at < n) {
          best.splice(at, 0, { rank: b, score, distance });
          if (best.length > n) best.pop();
        }
      }
    }
    return best.map((x) => content.articles[x.rank]);
  };
  const earlier = pick(true, count);
  return earlier.length < count ? [...earlier, ...pick(false, count - earlier.length)] : earlier;
}

import type { Article } from './schema';
import { derivedFrom, olderStart, positionIn, type SiteContent } from './snapshot';

/** How many related articles an article page shows (site/src/lib/config.ts shows it as SITE.relatedCount). */
export const RELATED_COUNT = 4;

/** How many of the articles published just before `a`, in each of its category and tags, are considered. */
export const RELATED_WINDOW = 200;

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
  return topicLists(content, a).some((list) => list.length - olderStart(list, a) >= count);
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
  /** The numbers of categories and tags (any, as long as one key has one number). */
  categoryId: Map<string, number>;
  tagId: Map<string, number>;
  /** Candidates already scored in the current call (call numbers, by rank). */
  seen: Int32Array;
  call: number;
}

/**
 * By list of articles: everything in the index follows from it (toContent makes the topic lists
 * once per list), and the publisher plans every publish against the live content's.
 */
const indexes = new WeakMap<readonly Article[], RelatedIndex>();

function relatedIndex(content: SiteContent): RelatedIndex {
  let index = indexes.get(content.articles);
  if (index) return index;
  const from = derivedFrom(content.articles);
  const base = from && indexes.get(from.base);
  index = from && base ? deriveIndex(base, from.base, content.articles, from) : buildIndex(content);
  indexes.set(content.articles, index);
  return index;
}

/**
 * Makes `content`'s index now (related() would make it at its first call): a build does it for
 * the content it waits to receive a change of, the publisher for the live content, so that the
 * index of the changed content is derived from it (deriveIndex) rather than read again from every
 * article (~90 ms at 100,000).
 */
export function indexRelatedAhead(content: SiteContent) {
  relatedIndex(content);
}

function buildIndex(content: SiteContent): RelatedIndex {
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
  return {
    category,
    tagStart,
    tagIds: Int32Array.from(tagIds),
    categoryList: typed(categoryRanks),
    tagList: typed(tagRanks),
    categoryId,
    tagId,
    seen: new Int32Array(n),
    call: 0,
  };
}

/**
 * The index of `list` from that of `old`, the list it was made from by a few articles `added` and
 * `gone` (toContent's indexFrom: the kept articles in the same order). The kept articles' numbers
 * are copied and renumbered, array to array, rather than read again from 100,000 objects (~0.1 s
 * of each publish at that size). Related boxes the same as from buildIndex (tested).
 */
function deriveIndex(
  base: RelatedIndex,
  old: readonly Article[],
  list: readonly Article[],
  { added, gone }: { added: readonly Article[]; gone: readonly Article[] }
): RelatedIndex {
  const n = list.length;
  const goneRanks = gone.map((a) => positionIn(old, a)).sort((x, y) => x - y);
  const addedRanks = added.map((a) => positionIn(list, a)).sort((x, y) => x - y);
  const addedAt = new Map(added.map((a) => [positionIn(list, a), a]));
  const categoryId = new Map(base.categoryId);
  const tagId = new Map(base.tagId);
  const idOf = (ids: Map<string, number>, key: string) => {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  };
  // Each old rank's new one (-1: gone), and the numbers by rank, in one pass.
  const renumber = new Int32Array(old.length).fill(-1);
  const category = new Int32Array(n);
  const tagStart = new Int32Array(n + 1);
  const tagIds = new Int32Array(base.tagIds.length + added.reduce((sum, a) => sum + a.tags.length, 0));
  let o = 0;
  let g = 0;
  let t = 0;
  for (let r = 0; r < n; r++) {
    tagStart[r] = t;
    const a = addedAt.get(r);
    if (a) {
      category[r] = a.category ? idOf(categoryId, a.category.slug) : -1;
      for (const x of a.tags) tagIds[t++] = idOf(tagId, x.slug);
      continue;
    }
    for (; g < goneRanks.length && goneRanks[g] === o; g++) o++;
    renumber[o] = r;
    category[r] = base.category[o];
    for (let i = base.tagStart[o]; i < base.tagStart[o + 1]; i++) tagIds[t++] = base.tagIds[i];
    o++;
  }
  tagStart[n] = t;
  const lists = (from: Map<string, Int32Array>, keys: (a: Article) => string[]) => {
    const extra = new Map<string, number[]>();
    for (const r of addedRanks) {
      for (const key of keys(addedAt.get(r)!)) {
        const ranks = extra.get(key);
        if (ranks) ranks.push(r);
        else extra.set(key, [r]);
      }
    }
    const out = new Map<string, Int32Array>();
    for (const key of new Set([...from.keys(), ...extra.keys()])) {
      const ranks = from.get(key) ?? new Int32Array(0);
      const more = extra.get(key) ?? [];
      const next = new Int32Array(ranks.length + more.length);
      let k = 0;
      let e = 0;
      for (const was of ranks) {
        const r = renumber[was];
        if (r < 0) continue;
        while (e < more.length && more[e] < r) next[k++] = more[e++];
        next[k++] = r;
      }
      while (e < more.length) next[k++] = more[e++];
      if (k) out.set(key, k === next.length ? next : next.slice(0, k));
    }
    return out;
  };
  return {
    category,
    tagStart,
    tagIds: tagIds.slice(0, t),
    categoryList: lists(base.categoryList, (a) => (a.category ? [a.category.slug] : [])),
    tagList: lists(base.tagList, (a) => a.tags.map((x) => x.slug)),
    categoryId,
    tagId,
    seen: new Int32Array(n),
    call: 0,
  };
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
  const rank = positionIn(content.articles, a);
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

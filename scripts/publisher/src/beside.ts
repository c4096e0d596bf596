import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from '@newsroom/content/snapshot';
import type { ChangeKey } from './queue.js';

/**
 * What the publishes beside a full build (a category renamed, new templates) may show. The full
 * build renders what needs every page; the publishes meanwhile go live on the live release, which
 * shows the categories as they were: they keep them so, and leave the rest to the full build.
 */

export const CATEGORY = 'api::category.category';

/** What only a full build makes (every page shows it): a full build asked for, a category. */
export const madeByFullBuild = (key: ChangeKey) => key === 'full' || key.startsWith(`doc:${CATEGORY}:`);

/**
 * A publish beside a full build shows the categories as the live release has them (the full build
 * shows them as they are now): the list, and in the articles it fetched anew. Null when one of those
 * is in a category the live release does not have: only a full build can show it.
 */
export function withLiveCategories(content: Snapshot, live: Snapshot): Snapshot | null {
  const liveCategories = new Map(live.categories.map((c) => [c.documentId, c]));
  const unchanged = new Set(live.articles);
  let missing = false;
  const articles = content.articles.map((a) => {
    if (unchanged.has(a) || !a.category) return a;
    const category = liveCategories.get(a.category.documentId);
    if (!category) missing = true;
    return category && !isDeepStrictEqual(category, a.category) ? { ...a, category } : a;
  });
  return missing ? null : { ...content, categories: live.categories, articles };
}

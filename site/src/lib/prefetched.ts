import type { Snapshot } from '@newsroom/content/snapshot';

/**
 * The content a build started fetching before its pages were bundled (src/integrations/prefetch.ts).
 * The integration and the pages are separate bundles: they meet on a global symbol.
 */
export interface Prefetched {
  startedAt: number;
  snapshot: Promise<Snapshot>;
}

const KEY = Symbol.for('newsroom.prefetchedSnapshot');
const slot = globalThis as { [KEY]?: Prefetched };

export const setPrefetched = (prefetched: Prefetched) => void (slot[KEY] = prefetched);
export const getPrefetched = (): Prefetched | undefined => slot[KEY];

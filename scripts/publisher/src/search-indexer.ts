import fs from 'node:fs';
import path from 'node:path';
import type { Releases } from './releases.js';
import { readPages, sweepShardCache, type PageLines, type SearchIndexOptions } from '@newsroom/content/search-index';
import type { Logger } from './log.js';

/**
 * Writes a search index of the site in `siteDir` to `outputPath` (astro.ts: Pagefind, in shards),
 * reusing the shards kept in `options.cache` that were made from the same pages.
 */
export type IndexSite = (siteDir: string, outputPath: string, options: SearchIndexOptions) => Promise<unknown>;

/** How long the pages read in full are trusted with only the changes read since (10 minutes). */
export const FULL_READ_MS = 10 * 60_000;

/** A failed index is tried again after 30 s, then twice as long each time, at most 10 minutes. */
export const RETRY_MS = 30_000;
const RETRY_MAX_MS = 10 * 60_000;

/** Where the shards' bundles are kept, in the search store: its indexes link to them as `../.shards/<key>`. */
const SHARDS = '.shards';

export interface IndexRecord {
  release: string;
  result: 'done' | 'failed';
  durationMs: number;
  error?: string;
}

/**
 * Search for the live release, in the background. A new release goes live with the previous
 * search index (shared by symlink), narrowed to the shards where nothing it no longer has as it was
 * would be found (Releases.narrowSearchIndex); once the publisher is idle, the release is indexed and its
 * `pagefind` link is switched to the new index (Releases.swapSearchIndex): no copy of the release
 * is made (at 100,000 articles a copy took longer than the time between two publishes, and the
 * index never went live). Publishing always comes first: a publish cancels a running indexing,
 * which runs again for the release that is live after it, and keeps the shards it finished. The
 * shards being indexed (niced) finish first, into the cache: killed, a desk publishing more often
 * than a shard takes (a few seconds) never saw one done, and a new story was not found until the
 * desk went quiet.
 */
export class SearchIndexer {
  private running: { release: string; abort: AbortController; kill: AbortController } | undefined;
  private due: string | undefined;
  /**
   * The article pages of the release last read (readPages): the next release's are read again only
   * where the two differ (Releases.changedBetween), not all of them; all of them again once the
   * whole read is FULL_READ_MS old, so that the index converges on the pages whatever was missed.
   */
  private known: { release: string; lines: PageLines; readAt: number } | undefined;
  last: IndexRecord | undefined;

  constructor(
    private readonly releases: Releases,
    private readonly log: Logger,
    private readonly indexSite: IndexSite,
    private readonly now: () => number = Date.now,
    /** Whether the publisher is idle: a run that yielded, once its shards finished, starts the next then. */
    private readonly idle: () => boolean = () => false
  ) {}

  /** Release `id` is live and wants its own search index. */
  schedule(id: string) {
    this.due = id;
    this.failures = 0;
    this.retryAt = 0;
  }

  /** Failed indexes of the release due in a row, and when it is tried again (RETRY_MS, doubling). */
  private failures = 0;
  private retryAt = 0;

  /** A publish comes first: stops the indexing in progress once its shards being indexed are (it is done again after). */
  yieldTo() {
    this.running?.abort.abort();
  }

  /** The publisher stops: the indexing in progress ends now, its shards unfinished. */
  stop() {
    this.running?.abort.abort();
    this.running?.kill.abort();
  }

  /** The release being indexed, if any. */
  get indexing() {
    return this.running ? { release: this.running.release } : null;
  }

  /** Indexes the release due, if it is still live; resolves when done, failed or cancelled. */
  async run() {
    const release = this.due;
    if (!release || this.running || this.now() < this.retryAt) return;
    if (this.releases.live()?.id !== release) {
      this.due = undefined;
      return;
    }
    const abort = new AbortController();
    const kill = new AbortController();
    this.running = { release, abort, kill };
    // The index's name in the store.
    const id = this.releases.newId();
    const started = this.now();
    const out = path.join(this.releases.workDir, `${id}-pagefind`);
    let yielded = false;
    try {
      // The shards of earlier indexes (finished or interrupted) whose pages did not change are reused.
      const cache = { dir: path.join(this.releases.searchDir, SHARDS), link: path.join('..', SHARDS) };
      const dir = this.releases.path(release);
      const known = this.known && started - this.known.readAt < FULL_READ_MS ? this.known : undefined;
      const changed = known && this.releases.changedBetween(known.release, release);
      const pages = await readPages(dir, abort.signal, changed ? { lines: known.lines, changed } : undefined);
      this.known = { release, lines: pages, readAt: changed ? known.readAt : started };
      if (abort.signal.aborted) throw new Error('cancelled');
      const pagesMs = this.now() - started;
      const done = (await this.indexSite(dir, out, { signal: abort.signal, kill: kill.signal, cache, pages })) as
        { shards?: number; indexed?: number } | undefined;
      if (abort.signal.aborted || this.releases.live()?.id !== release) throw new Error('cancelled');
      if (this.releases.paused()) throw new Error('cancelled');
      this.releases.swapSearchIndex(release, out, id);
      this.due = undefined;
      this.failures = 0;
      const durationMs = this.now() - started;
      this.last = { release, result: 'done', durationMs };
      this.log('search index live', {
        build: release,
        of: release,
        index: id,
        durationMs,
        // Pages read again (all of them, or where the release differs from the last one read).
        pagesRead: changed ? 'changed' : 'all',
        pagesMs,
        ...(done?.shards ? { shards: done.shards, indexed: done.indexed } : {}),
      });
      // What no release links to any more: the indexes (prune does it too) and the shards only they used.
      this.releases.sweepSearchIndexes();
      const indexes = fs.readdirSync(this.releases.searchDir).filter((name) => name !== SHARDS);
      await sweepShardCache(
        cache.dir,
        indexes.map((name) => path.join(this.releases.searchDir, name)),
        (dir) => this.releases.removeLater(dir)
      );
    } catch (error) {
      const cancelled = abort.signal.aborted || (error as Error).message === 'cancelled';
      if (cancelled) {
        this.log('search index postponed', { build: release, reason: 'a publish came first' });
        yielded = !kill.signal.aborted;
      } else {
        // Still due: until it is indexed, the release searches the index it shares, narrowed to
        // the stories it has as they are (Releases.narrowSearchIndex). Tried again when the
        // publisher is next idle after the wait (the reconciliation asks every few seconds).
        const message = (error as Error).message;
        const retryInMs = Math.min(RETRY_MAX_MS, RETRY_MS * 2 ** this.failures++);
        this.retryAt = this.now() + retryInMs;
        this.last = { release, result: 'failed', durationMs: this.now() - started, error: message };
        this.log('search index failed', { build: release, error: message, retryInMs });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
      this.running = undefined;
    }
    // The publish it yielded to may have ended while its shards finished: the release live now is due.
    if (yielded && this.idle()) await this.run();
  }
}

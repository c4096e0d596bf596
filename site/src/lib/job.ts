import fs from 'node:fs';
import { parseBuildMessage, type BuildJob, type BuildMessage } from '@newsroom/content/build-protocol';
import { distinctIds, indexAhead, readSnapshot, toContent, type Snapshot } from '@newsroom/content/snapshot';
import { sitemapFiles } from '@newsroom/content/sitemaps';
import { indexRelatedAhead } from '@newsroom/content/related';

/** A snapshot read while the build waited for its job, and the file it came from. */
export interface Preloaded {
  file: string;
  snapshot: Snapshot;
}

/**
 * A build started ahead of time by the publisher (SITE_JOB_IPC): Astro compiles the site (most
 * of a small build's time) and then, when pages ask for content, tells the publisher it is waiting
 * and waits for the job — which snapshot to render and which pages — on the IPC channel. Meanwhile
 * the publisher may name the snapshot the job will most likely start from (the live release's),
 * which is read (and indexed) at once, so that the job only brings what changed. A publish then costs only the
 * rendering. The build exits if the publisher goes away, before or during rendering. Such a build
 * renders job after job from one compile (site/render-jobs.mjs): this is asked again for each.
 */
export function waitForJob(): Promise<{ job: BuildJob; preloaded: Preloaded | null }> {
  const send = process.send?.bind(process);
  if (!send) throw new Error('SITE_JOB_IPC is set but this build has no IPC channel to the publisher.');
  void loadLibraries();
  let preloaded: Preloaded | null = null;
  // Listened to while the build waits (the channel unreferenced after a job: see below).
  process.channel?.ref();
  if (!process.listeners('disconnect').includes(gone)) process.once('disconnect', gone);
  return new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      let parsed: BuildMessage;
      try {
        parsed = parseBuildMessage(message);
      } catch (error) {
        console.error(`[content] ${(error as Error).message}`);
        return;
      }
      if (parsed.type === 'preload') {
        // Read for the last job and unchanged since, with its indexes: a base stays the same over
        // many publishes (the checkpoint's), and reading it again after each took seconds of CPU
        // at 100,000 articles.
        preloaded = keptFor(parsed.snapshot) ?? shareOf(parsed.snapshot, parsed.of);
        const kept = !!preloaded;
        try {
          preloaded ??= preload(parsed.snapshot);
        } catch (error) {
          // Only a head start: the job names its snapshot, read then.
          preloaded = null;
          console.warn(`[content] could not preload ${parsed.snapshot}: ${(error as Error).message}`);
        }
        send({ type: 'preloaded', snapshot: parsed.snapshot, kept } satisfies BuildMessage);
        return;
      }
      if (parsed.type !== 'job') return;
      const { job } = parsed;
      // Kept for the next job only when this one starts from it (a full build's share reads a
      // whole snapshot of its own, and would hold both).
      preloaded ??= keptFor(job.snapshot);
      if (preloaded?.file !== job.snapshot) last = null;
      share = null;
      process.off('message', onMessage);
      // Nothing more comes until the pages are written (and the build still exits at once should
      // the publisher go away while it renders).
      process.channel?.unref();
      resolve({ job, preloaded });
    };
    process.on('message', onMessage);
    send({ type: 'waiting' } satisfies BuildMessage);
  });
}

/**
 * The last snapshot preloaded, with its file's identity when it was read (stampOf), for the next
 * job of a build that renders job after job (site/render-jobs.mjs). Snapshots are not changed once
 * written; the stamp still tells a file written anew under the same name.
 */
let last: (Preloaded & { stamp: string }) | null = null;
const stampOf = (file: string) => {
  const { ino, size, mtimeMs } = fs.statSync(file);
  return `${ino}:${size}:${mtimeMs}`;
};

/** `last` when it was read from `file` as it is now; else null, and `last` let go. */
function keptFor(file: string): Preloaded | null {
  try {
    if (last?.file === file && last.stamp === stampOf(file)) return last;
  } catch {
    // gone: read (and failing) as the job's own
  }
  last = null;
  return null;
}

/**
 * The whole snapshot this build last rendered a share of a full build from (its own articles whole,
 * the others lean: content.ts), with its file's identity: the content the publishes after that
 * full build start from, which the publisher then asks the build to preload as its lean copy.
 */
let share: (Preloaded & { stamp: string }) | null = null;

/** Keeps `snapshot`, read from `file` for a share of a full build, for the preload after it (shareOf). */
export function keepShare(file: string, snapshot: Snapshot) {
  try {
    share = { file, snapshot, stamp: stampOf(file) };
  } catch {
    share = null;
  }
}

/**
 * The share kept (keepShare) as the preload of `file`, the lean copy of `of`, when `of` is the file
 * it was read from, unchanged since: at 100,000 articles, reading the lean copy again took each of
 * the full build's processes seconds of CPU right after it went live, beside the copy of the new
 * release and the first publish, which waited for both. The share's own articles stay whole: the
 * pages a job renders from a base show only what the lean copy has of the articles it does not
 * send whole (snapshotDelta), and a full build renders every page from such shares.
 */
function shareOf(file: string, of: string | undefined): Preloaded | null {
  const kept = share;
  share = null;
  try {
    if (!kept || !of || kept.file !== of || kept.stamp !== stampOf(of)) return null;
    return index(file, kept.snapshot, stampOf(file));
  } catch {
    return null; // read (and failing) as a preload of its own
  }
}

/** Reads `file` and makes its indexes now: the job's content is made from them. */
function preload(file: string): Preloaded {
  const stamp = stampOf(file);
  return index(file, readSnapshot(file), stamp);
}

/** Makes the indexes of `snapshot` (those its last render made are kept), and keeps it as the base read from `file`. */
function index(file: string, snapshot: Snapshot, stamp: string): Preloaded {
  // Sorted, grouped and mapped now: the job's content is made from these indexes (toContent), its
  // related boxes' index from this one's, and its sitemap entries from these (sitemapFiles).
  distinctIds(snapshot.articles);
  const content = toContent(snapshot);
  indexAhead(content);
  indexRelatedAhead(content);
  sitemapFiles(content);
  last = { file, snapshot, stamp };
  return last;
}

/** The publisher went away: no job will come, and none is wanted from a build under way. */
function gone() {
  console.error('[content] the publisher is gone; no job for this build.');
  process.exit(1);
}

/**
 * The libraries pages load when they are first rendered (marked and sanitize-html, @astrojs/rss),
 * loaded while the build waits: ~0.1 s of compiling and evaluating that a job paid for otherwise
 * at 100,000 articles. A failure shows where the pages load them.
 */
function loadLibraries() {
  return Promise.all([import('./markdown'), import('./feeds')]).catch(() => undefined);
}

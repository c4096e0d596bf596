import { setImmediate as nextTurn } from 'node:timers/promises';
import fs from 'node:fs';
import path from 'node:path';
import { createStrapiClient } from '@newsroom/content/strapi';
import {
  fetchSnapshot,
  InvalidContentError,
  keepLive,
  leanArticle,
  leanSnapshot,
  snapshotDelta,
  toContent,
  writeSnapshot,
  type Snapshot,
} from '@newsroom/content/snapshot';
import { indexLive, liveContentWith, planChange, withClock, type Plan } from '@newsroom/content/plan';
import { nextChange, renderedAt } from '@newsroom/content/clock';
import type { PublisherConfig } from './config.js';
import { readEnvFile } from './env-file.js';
import { addEvent, isEmpty, mergeChanges, noChanges, type PendingChanges, type StrapiEvent } from './events.js';
import { filesUnder, type FoldersAhead, makeFoldersAhead, moveInto, Releases } from './releases.js';
import { SearchIndexer } from './search-indexer.js';
import { ARTICLES_DIR, articleCount, pageFiles, validateRelease } from './validate.js';
import { JOBS_PER_BUILD, outOfMemory, PreparedBuild, renderInParts, searchIndex } from './astro.js';
import { withHeapLimit } from './bin.js';
import type { Logger } from './log.js';
import { realTimers, Scheduler, type Timers } from './scheduler.js';
import { ChangeQueue, docKey, keysOf, parseKey, type ChangeKey, type Claim } from './queue.js';
import {
  diffPartial,
  diffState,
  draftsReadable,
  fetchPartialState,
  fetchPublishDigest,
  fetchPublishState,
  versionIn,
  withHeld,
  withShown,
  withPartialInSteps,
  type PartialState,
  type PublishState,
} from './state.js';
import { ARTICLE, Bisection, BuildError, RenderError } from './bisection.js';
import { CATEGORY, madeByFullBuild, withLiveCategories } from './beside.js';
import { routes } from '@newsroom/content/routes';
import { PUBLISHED_TYPES } from '@newsroom/contracts/publish-webhook';
import { writeRedirects } from '@newsroom/content/redirects';

export interface BuildRecord {
  id: string;
  kind: 'full' | 'scoped' | 'none';
  result: 'live' | 'failed' | 'skipped';
  startedAt: string;
  durationMs: number;
  attempt: number;
  summary?: string;
  error?: string;
  /** Milliseconds per step: plan (fetch what changed), fetch (full builds), render, assemble, validate. */
  phases?: Record<string, number>;
  /**
   * The build process the render was handed to: 'waiting' (compiled and its content read: it only
   * rendered), 'preloading', 'compiling', or 'new' (none was prepared).
   */
  compiled?: PreparedBuild['state'] | 'new';
  /**
   * The build process that rendered it, and which of the jobs it rendered from its one compile
   * this was (site/render-jobs.mjs); how many snapshots it had read by then to start its jobs
   * from (a base kept from its last job is not read again).
   */
  renderer?: { pid: number; job: number; snapshotsRead: number };
  /** A full build brought up to date before it went live: the id it rendered under (its logs name it). */
  rendered?: string;
}

/** A hard-link copy of release `of`'s tree in the work folder, being made (`done`: whether it was). */
interface Skeleton {
  of: string;
  dir: string;
  done: Promise<boolean>;
  /** Set once it is made. */
  finished?: boolean;
  /** Set once it is made or has failed. */
  settled?: boolean;
}

/** A build under way: the release it makes, and the build processes rendering it. */
interface Running {
  id: string;
  startedAt: number;
  abort: AbortController;
  /**
   * The builds rendering the release. When the build ends, a publish's is kept for the next one
   * (recycle); the others are stopped and their folders removed.
   */
  rendering: PreparedBuild[];
  /** How the build process was when the render was handed over (BuildRecord.compiled). */
  compiled?: BuildRecord['compiled'];
  /** BuildRecord.renderer. */
  renderer?: BuildRecord['renderer'];
  /** Called once a scoped render is handed to its build (render): what may wait for it starts then. */
  handedOver?: () => void;
}

/**
 * A full build rendering beside the publishes (a category renamed, new templates: every page). It
 * renders the content the CMS had published when it started; the stories published meanwhile go
 * live on the live release, by scoped builds that keep what needs every page (the categories, the
 * templates) as it is live. Once rendered and validated it is `ready`, and the next build brings
 * its tree up to date with whatever changed since it started (the whole state compared, the change
 * rendered on its tree): only then is it live. Nothing published meanwhile goes missing from the
 * site, nothing taken down comes back.
 */
interface FullBuild {
  job: Running;
  /** Why every page is rendered. */
  reason: string;
  /** What was pending when it started, and the revision of the full build asked for (if one was). */
  claim: Claim;
  /** The live release when it started: when it is still live and nothing new came, it goes live as it is. */
  liveAtStart: string | null;
  /** A publish found a change only a full build makes (another category renamed): it waits for this one. */
  waiting: boolean;
  /** Its tree has been taken by the build bringing it up to date (its own folder is gone). */
  adopted: boolean;
  /** A copy of its tree, made while it is validated: the next publish's start once it is live (skeletonFrom). */
  copy?: Skeleton;
  /** Rendered and validated, it waits for that copy to be made before it is ready (startFull). */
  copying?: boolean;
  /** That copy's folder, its article pages' folders made while it renders (makeFoldersAhead); the copy's once it starts. */
  ahead?: FoldersAhead;
  ended: Promise<void>;
  ready?: {
    snapshot: Snapshot;
    state: PublishState;
    articlePages: number;
    /** Whether its content was read whole from the CMS (else made from the live one's). */
    read: 'whole' | 'live';
    phases: Record<string, number>;
    summary: string;
    startedAt: string;
    carried: ChangeKey[];
    compiled: BuildRecord['compiled'];
  };
}

const RECENT_EVENTS = 20;
/** A rendered full build waits at most this long for the copy of its tree before it is ready (startFull). */
const COPY_WAIT_MS = 60_000;
/** How long the desk is quiet before the whole state is compared after a build that read only its events' documents. */
const COMPARE_AFTER_MS = 1500;
/** At most this many documents are checked one by one (partialCheck); more, and the whole state is read. */
const PARTIAL_STATE_MAX = 100;
/** The clock's timer fires this long after the instant a page changes (timers may fire early). */
const CLOCK_MARGIN_MS = 250;
/** Node's timers hold at most 2^31-1 ms (24.8 days): a later change re-arms on the way. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/**
 * Articles changed since the checkpoint above which a release is recorded whole (recordContent):
 * the journal entry, and the change each build is handed, stay a few megabytes at most.
 */
const JOURNAL_MAX_ARTICLES = 1000;
/** Automatic comparisons of the whole state take at most 1 / (1 + COMPARE_PACE) of the time (compareWait). */
const COMPARE_PACE = 4;
/** Probes of the CMS's digest take at most 1 / (1 + PROBE_PACE) of the time (probe). */
const PROBE_PACE = 10;
/** How long a moved digest waits for the webhook that tells of its change before the probe compares. */
const PROBE_GRACE_MS = 500;
const CONTENT_CODE_CHANGED = 'the code that reads the content changed since the live content was read';
/** A hash the publisher recorded in `file` (templates, content code), or null. */
const readMark = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null);

/** The least time a full build is given per article (PUBLISH_BUILD_TIMEOUT_MS when that is more). */
const FULL_BUILD_MS_PER_ARTICLE = 20;

/**
 * Turns CMS changes into live releases, and makes sure every published change gets there.
 *
 * Changes come from webhooks (the fast path) and from reconciliation (the safety net): at start and
 * every PUBLISH_RECONCILE_SECONDS, the CMS's publishing state (a version per document) is compared
 * with the state the live release was built from, and every difference becomes a pending change.
 * Pending changes live in a durable queue (queue.ts) and leave it only when a release containing
 * them is live. A release records exactly which versions it carries: a build reads the state of
 * the documents its events name before their content (the whole state when it must: partialCheck),
 * and the whole state is compared right after it.
 *
 * Bursts are coalesced: at most one build runs, everything that arrives meanwhile folds into the
 * next. A build re-renders only what changed when it can (site/content/src/plan.ts), validates the
 * release structurally and makes it live atomically; the release is then indexed for search in
 * the background. When a build fails because of its content, the documents it carried are split
 * in halves until the one that breaks it is found; that one is held back at its live version
 * (with the cause, for the editor's panel) and everything else publishes.
 */
export class Publisher {
  readonly releases: Releases;
  readonly queue: ChangeQueue;
  private readonly scheduler: Scheduler;
  private reconcileTimer: NodeJS.Timeout | undefined;
  private running: Running | undefined;
  /** The build running, to its last step (its folders given back): what stopping waits for. */
  private building: Promise<void> | undefined;
  private reconciling: Promise<void> | undefined;
  /** The last build read only its events' documents' state: the whole state is compared next. */
  private compareAfter = false;
  private readonly search: SearchIndexer;
  /** Builds compiled ahead of time for the next publishes (config.preparedBuilds), oldest first. */
  private prepared: PreparedBuild[] = [];
  /** The full build rendering beside the publishes, if one is (FullBuild). */
  private full: FullBuild | undefined;
  private preparedCount = 0;
  /**
   * A hard-link copy of the live release (`of`), made in the background once it went live: the
   * next scoped release starts as it, instead of waiting for a copy made while its change renders.
   */
  private skeleton: Skeleton | undefined;
  private skeletonCount = 0;
  private stopped = false;
  private attempt = 0;
  private readonly bisection: Bisection;
  private events: { at: string; event: string; uid?: string; documentId?: string }[] = [];
  /** Builds started since this publisher started (the tests count them). */
  buildsStarted = 0;
  lastBuild: BuildRecord | undefined;
  lastReconcile: { at: string; durationMs: number; differences: number; queued: number; error?: string } | undefined;
  /** The last probe of the CMS's digest: whether it had moved since the last comparison, and unannounced. */
  lastProbe: { at: string; durationMs: number; moved: boolean; unannounced: boolean; error?: string } | undefined;
  /** Events that queued a change, counted: a digest that moved with none between is a change no event told of. */
  private announced = 0;
  /** The CMS's digest read just before the last comparison's state, and the events counted then. */
  private compared: { digest: string; announced: number } | undefined;
  private probeTimer: unknown;
  /** The last proof that the token cannot read drafts (null until checked). */
  draftCheck: { at: string; ok: boolean; problem?: string } | null = null;
  /** The next instant a live page changes by itself (a poll opens or closes…), null when none is known. */
  nextClockChange: Date | null = null;
  private clockTimer: unknown;

  constructor(
    readonly config: PublisherConfig,
    private log: Logger,
    private readonly timers: Timers = realTimers
  ) {
    this.releases = new Releases(config.dir);
    this.scheduler = new Scheduler(() => void this.drain(), config.debounceMs, timers);
    this.queue = new ChangeQueue(path.join(config.dir, 'queue.json'), () => new Date(timers.now()));
    this.search = new SearchIndexer(this.releases, log, searchIndex, Date.now, () => this.idleForSearch());
    this.bisection = new Bisection(this.queue, log, (n) => this.failureBackoff(n));
    if (this.queue.recovered) {
      this.log('queue unreadable', { problem: this.queue.recovered });
      this.queue.add({ ...noChanges(), full: 'the queue of pending changes could not be read' }, 'recovery');
    }
    // Leftovers of a publisher that was killed mid-build: its unfinished release, its work files.
    for (const file of fs.readdirSync(this.releases.workDir)) {
      const unfinished = /^(.+)\.building$/.exec(file)?.[1];
      if (unfinished && this.releases.live()?.id !== unfinished) this.releases.discard(unfinished);
    }
    // In the background: the work folder holds a copy of the live release (12,000 folders at 10,000 articles).
    for (const d of [this.releases.workDir, config.buildDir]) this.releases.removeLater(d);
    fs.mkdirSync(this.releases.workDir, { recursive: true });
    this.prepare();
  }

  /**
   * Catches up: a full build when nothing is live or the site's templates changed, else a
   * reconciliation (whatever changed while the publisher was stopped), then one every `reconcileMs`.
   */
  start() {
    if (!this.releases.live()) this.requestFull('nothing is live yet');
    // A new version of the site (a deploy): its pages go live now, not with the next publish.
    else if (this.liveTemplates() !== this.config.templateHash) this.requestFull("the site's templates changed");
    else if (this.liveContentCode() !== this.config.contentHash) this.requestFull(CONTENT_CODE_CHANGED);
    else if (!this.queue.isEmpty()) this.schedule(0);
    void this.reconcile();
    this.reconcileTimer = setInterval(() => {
      if (!this.compareWait()) void this.reconcile();
    }, this.config.reconcileMs);
    this.armProbe(this.config.probeMs);
    this.armClock();
    this.indexLiveSoon();
  }

  /**
   * Indexes the live content for the next plan (indexLive) once the event loop is free: after a
   * release goes live, and at start. Made once per content: a plan meanwhile finds it done, or does it.
   */
  private indexLiveSoon() {
    setImmediate(() => {
      const live = this.releases.live();
      const snapshot = live && !this.stopped ? this.snapshotOf(live.id) : null;
      if (!snapshot) return;
      indexLive(snapshot).catch((error: Error) =>
        this.log('indexing the live content failed', { build: live!.id, error: error.message })
      );
    });
  }

  /**
   * The clock, from the live release's content (so it survives restarts): one timer, for the next
   * instant a page changes by itself. When it comes, the clock joins the pending changes; the
   * reconciliation checks the same, should the timer be lost.
   */
  private armClock() {
    if (this.clockTimer !== undefined) this.timers.clearTimeout(this.clockTimer);
    this.clockTimer = undefined;
    const live = this.releases.live();
    const snapshot = live && this.snapshotOf(live.id);
    // The live content's articles by date: sorted once for its plans (a publish's, from its plan's).
    this.nextClockChange = snapshot ? nextChange(snapshot, renderedAt(snapshot), toContent(snapshot).articles) : null;
    if (!this.nextClockChange || this.stopped) return;
    const wait = this.nextClockChange.getTime() - this.timers.now() + CLOCK_MARGIN_MS;
    this.clockTimer = this.timers.setTimeout(
      () => {
        this.clockTimer = undefined;
        if (this.queueClock('clock')) this.schedule(0);
        else this.armClock();
      },
      Math.max(0, Math.min(wait, MAX_TIMER_MS))
    );
  }

  /** Queues the clock when a live page's time has come; returns whether it did. */
  private queueClock(source: string) {
    const due = this.nextClockChange;
    if (!due || due.getTime() > this.timers.now()) return false;
    this.queue.add({ ...noChanges(), clock: due.toISOString() }, source);
    return true;
  }

  /**
   * Keeps builds compiled and waiting for their job (config.preparedBuilds), reading the live
   * release's content meanwhile, so the next publishes only hand them what changed and render.
   */
  private prepare() {
    if (this.stopped) return;
    this.prepareSkeleton();
    const live = this.releases.live();
    // The lean snapshot of the live content's checkpoint (recordContent): the base of the job.
    const checkpoint = live && this.snapshotCache?.id === live.id && this.checkpoint?.id ? this.checkpoint.id : null;
    this.keepPrepared(live && (checkpoint ?? this.releases.journalBase(live.id) ?? live.id));
  }

  /**
   * Tops the builds kept ready up to config.preparedBuilds, each told to preload the lean snapshot
   * of release `base` (when it is on disk). None are started while nothing is live: every change
   * waits for the first full build, whose builds (startRender) are the ones kept after it.
   */
  private keepPrepared(base: string | null) {
    if (this.stopped) return;
    this.prepared = this.prepared.filter((build) => build.ready);
    while (this.prepared.length < this.config.preparedBuilds && this.releases.live()) {
      const dir = path.join(this.config.buildDir, `build-${++this.preparedCount}`);
      this.prepared.push(new PreparedBuild(dir, this.astroOptions()));
    }
    const lean = base && this.releases.leanSnapshot(base);
    if (lean && fs.existsSync(lean))
      for (const build of this.prepared) build.preload(lean, this.releases.snapshot(base!));
  }

  /** The prepared build the next publish takes: the first that only has to render, else the oldest. */
  private nextPrepared() {
    const ready = this.prepared.filter((build) => build.ready);
    return ready.find((build) => build.state === 'waiting') ?? ready[0];
  }

  /**
   * Starts the copy of the live release (or of `id`, a release about to go live) the next build
   * will start from, unless one is made of it already.
   */
  private prepareSkeleton(id = this.releases.live()?.id) {
    if (this.skeleton && this.skeleton.of === id) return;
    this.dropSkeleton(this.skeleton);
    this.skeleton = undefined;
    if (!id) return;
    const dir = path.join(this.releases.workDir, `skeleton-${++this.skeletonCount}`);
    const done = this.releases.copyTree(id, dir).then(
      () => true,
      (error: unknown) => this.copyFailed(id, error)
    );
    this.skeleton = this.tracked({ of: id, dir, done });
  }

  /**
   * `skeleton`, marked settled once its copy is made or has failed; the search index waits for
   * that (idleForSearch), and runs then. The copy is what the next publish starts from: after a
   * full build at 100,000 articles it links every folder again (seconds of the kernel's time), and
   * the search index read and indexed the whole release beside it, the first publish after the
   * full build waiting seconds for its copy.
   */
  private tracked(skeleton: Skeleton) {
    void skeleton.done.then(() => {
      skeleton.settled = true;
      if (this.skeleton === skeleton && this.idleForSearch()) void this.search.run();
    });
    return skeleton;
  }

  private dropSkeleton(skeleton: Skeleton | undefined) {
    if (skeleton) void skeleton.done.then(() => this.releases.removeLater(skeleton.dir));
  }

  /**
   * Starts a hard-link copy of release `id`'s whole tree in the work folder: in `ahead.dir`, when
   * folders were made there ahead for it.
   */
  private copyOf(id: string, ahead?: FoldersAhead): Skeleton {
    const dir = ahead?.dir ?? path.join(this.releases.workDir, `skeleton-${++this.skeletonCount}`);
    const copy: Skeleton = { of: id, dir, done: Promise.resolve(false) };
    copy.done = this.releases.linkCopy(id, dir, ahead).then(
      () => (copy.finished = true),
      (error: unknown) => this.copyFailed(id, error)
    );
    return this.tracked(copy);
  }

  /**
   * The copy the next publish starts from, for release `id`: the full build `full`'s tree with
   * `touched` changed. Its copy, made while it was validated, brought up to `id` by those paths
   * (Releases.copyTree, from a spare), instead of linking every folder again.
   */
  private skeletonFrom(full: FullBuild, id: string, touched: string[]) {
    const copy = full.copy;
    full.copy = undefined;
    if (!copy) return this.prepareSkeleton(id);
    this.dropSkeleton(this.skeleton);
    if (id === copy.of) {
      this.skeleton = copy;
      return;
    }
    this.releases.derived(id, copy.of, touched);
    const dir = path.join(this.releases.workDir, `skeleton-${++this.skeletonCount}`);
    const done = copy.done.then(async (made) => {
      if (!made) return false;
      this.releases.addSpare(copy.dir, copy.of);
      return this.releases.copyTree(id, dir).then(
        () => true,
        (error: unknown) => this.copyFailed(id, error)
      );
    });
    this.skeleton = this.tracked({ of: id, dir, done });
  }

  /**
   * Fills releases/<id> with hard links of the live release `live`: by moving the prepared copy
   * there when it is of `live` (waiting for it to finish), else by copying now. Resolves false when
   * the copy failed.
   */
  private takeSkeleton(live: string, id: string): Promise<boolean> {
    const skeleton = this.skeleton;
    this.skeleton = undefined;
    const to = this.releases.path(id);
    if (skeleton?.of !== live) {
      this.dropSkeleton(skeleton);
      return this.releases.copyTree(live, to).then(
        () => true,
        (error: unknown) => this.copyFailed(live, error)
      );
    }
    return skeleton.done.then(async (copied) => {
      try {
        if (!copied) return false;
        await fs.promises.rename(skeleton.dir, to);
        // What a live release changes after it went live: the search index it links to.
        this.releases.relinkSearchIndex(live, id);
        return true;
      } catch (error) {
        return this.copyFailed(live, error);
      }
    });
  }

  /**
   * Nothing is pending or building, and the copy the next publish starts from is made (tracked):
   * the live release's search index may run (SearchIndexer).
   */
  private idleForSearch() {
    return (
      !this.stopped &&
      this.config.searchIndex &&
      this.queue.isEmpty() &&
      !this.running &&
      (!this.skeleton || !!this.skeleton.settled)
    );
  }

  /** A copy of release `of` that failed: logged with its cause (the build using it fails, and is retried). */
  private copyFailed(of: string, error: unknown) {
    this.log('copy of a release failed', { release: of, error: (error as Error).message ?? String(error) });
    return false;
  }

  /**
   * The documents a build may read the publishing state of, instead of the whole of it: those its
   * events name, when the live release records its state and content and nothing else asks for
   * more (a full build, files, failures being narrowed down or held back, a large batch). Their
   * versions are read before their content, so the release never records a version newer than
   * what it shows; every other document keeps the version the live release recorded, and the
   * whole state is compared soon after the build (`compareAfter`): a change that came without
   * its event is found there and built next, as a reconciliation would.
   */
  private partialCheck(changes: PendingChanges, baseState: PublishState | null, baseSnapshot: Snapshot | null) {
    const { documents, media, full } = changes;
    const count = Object.values(documents).reduce((n, ids) => n + ids.length, 0);
    if (!baseState || !baseSnapshot || full || media.length || !count || count > PARTIAL_STATE_MAX) return null;
    // Another type's event (a user, a vote) names nothing the state answers for: the whole state, as before.
    if (Object.keys(documents).some((uid) => !(PUBLISHED_TYPES as readonly string[]).includes(uid))) return null;
    if (this.queue.failures().length || this.bisection.held().size) return null;
    return documents;
  }

  /**
   * partialCheck for the build bringing `full` up to date: the documents whose versions differ
   * between the state the full build recorded and the live release's (what went live beside it,
   * or what it read newer than the live release shows) and those the claim's events name. Every
   * other document keeps the full build's version; one changed without its event since the full
   * build read the state is found by the comparison after (`compareAfter`), as after a publish.
   * At 100,000 articles the whole state is a 5-12 s answer the CMS assembles in memory.
   */
  private catchUpCheck(full: FullBuild, claim: Claim, liveState: PublishState | null) {
    const { state, snapshot } = full.ready!;
    // The full build asked for since it started is another one: every page, the whole state.
    if (!liveState || claim.revs.get('full') !== full.claim.revs.get('full')) return null;
    const beside = diffState(state, liveState);
    return this.partialCheck(mergeChanges({ ...claim.changes, full: null }, beside), state, snapshot);
  }

  /**
   * Renders `snapshot` (only `scope`, when given; with `delta` applied to it, when given) with
   * `build` (the prepared one); returns it.
   */
  private async render(
    job: Running,
    snapshot: string,
    scope: string | null,
    delta?: string,
    build = this.takePrepared(job)
  ) {
    const { signal } = job.abort;
    try {
      const rendered = build.run({ snapshot, scope, delta: delta ?? null }, signal);
      job.handedOver?.();
      await rendered;
      if (build.pid) job.renderer = { pid: build.pid, job: build.jobs, snapshotsRead: build.snapshotsRead };
    } catch (error) {
      throw signal.aborted ? error : new RenderError((error as Error).message);
    }
    return build;
  }

  /** The build compiled ahead of time (or a new one, when it is not ready), as `job`'s. */
  private takePrepared(job: Running) {
    const prepared = this.nextPrepared();
    job.compiled = prepared?.state ?? 'new';
    const build = prepared ?? this.newBuild();
    this.prepared = this.prepared.filter((other) => other !== build);
    job.rendering.push(build);
    return build;
  }

  /** A new build, compiling at once. */
  private newBuild() {
    const dir = path.join(this.config.buildDir, `build-${++this.preparedCount}`);
    return new PreparedBuild(dir, this.astroOptions());
  }

  /**
   * A build whose job is over: kept among the prepared builds when it can render a next publish
   * from its compile (alive and idle; started as builds are started now; under JOBS_PER_BUILD
   * jobs; one is wanted), else stopped and its folder removed. The folder of the job's pages goes
   * either way: they were moved into the release, or the release failed.
   */
  private recycle(build: PreparedBuild) {
    const keep =
      !this.stopped &&
      build.ready &&
      build.jobs < JOBS_PER_BUILD &&
      JSON.stringify(build.options) === JSON.stringify(this.astroOptions()) &&
      this.prepared.length < this.config.preparedBuilds;
    if (!keep) {
      build.cancel();
      this.releases.removeLater(build.dir);
      return;
    }
    if (build.jobs) this.releases.removeLater(build.outDir);
    this.prepared.push(build);
  }

  /**
   * The builds that render a full build of `articles` articles, started now so that they compile
   * while its content is fetched: one, or one per process (PUBLISH_BUILD_PROCESSES) when the archive
   * is large enough for a second process to pay (splitFullBuildsFrom), the others rendering from the
   * first one's compile. While a release is live, new
   * ones: the builds kept compiled are left to the publishes beside it (a burst of renames and
   * publishes otherwise left them all compiling at once, and a takedown waited ~10 s for one), niced.
   * With nothing live there are none beside it: those kept (after a failed first build) are taken.
   */
  private startRender(job: Running, articles: number) {
    if (job.rendering.length) return;
    const processes = articles < this.config.splitFullBuildsFrom ? 1 : this.config.buildProcesses;
    if (!this.releases.live()) {
      job.rendering = this.prepared.filter((build) => build.ready).slice(0, processes);
      this.prepared = this.prepared.filter((build) => !job.rendering.includes(build));
    }
    // Beside the publishes (a release is live), at a lower priority (PUBLISH_FULL_BUILD_NICENESS):
    // they come first on the cores. Such a build is not kept for them after (recycle: its options
    // are not theirs).
    const options = this.releases.live()
      ? { ...this.astroOptions(), priority: this.config.fullBuildNiceness }
      : this.astroOptions();
    while (job.rendering.length < processes) {
      const dir = path.join(this.config.buildDir, `build-${++this.preparedCount}`);
      // The second and later parts render from the first one's compile: one compile, not one each.
      job.rendering.push(new PreparedBuild(dir, options, job.rendering[0]));
    }
  }

  /** Takes one Strapi event; the build follows after the debounce (scheduler.ts: ~0.1 s for a lone event). */
  receive(e: StrapiEvent) {
    const documentId = e.entry?.documentId;
    this.events = [{ at: new Date().toISOString(), event: e.event, uid: e.uid, documentId }, ...this.events].slice(
      0,
      RECENT_EVENTS
    );
    this.log('event received', { event: e.event, uid: e.uid, documentId });
    const changes = addEvent(noChanges(), e);
    if (isEmpty(changes)) return;
    this.announced++;
    this.queue.add(changes, 'webhook');
    this.attempt = 0; // a new event earns a fresh set of attempts
    this.search.yieldTo(); // it runs again after, for the release then live
    this.scheduler.heard();
    this.schedule();
  }

  /** Asks for a full build (first start, template change, by hand). */
  requestFull(reason: string) {
    this.queue.add({ ...noChanges(), full: reason }, 'request');
    this.schedule(0);
  }

  private schedule(delay?: number) {
    if (this.running || this.stopped) return; // folds into the next build, started when this one ends
    this.scheduler.soon(delay);
  }

  /** The site token: as the CMS last wrote it, when it writes it to a file. */
  private token() {
    const fromFile = this.config.siteEnvFile && readEnvFile(this.config.siteEnvFile).SITE_API_TOKEN;
    return fromFile || this.config.siteToken;
  }

  private cms() {
    // The token as the CMS last wrote it: it may have renewed it since the last build.
    return createStrapiClient({ baseUrl: this.config.cmsUrl, token: this.token() });
  }

  /** Proves the token cannot read drafts; returns the problem when it can. */
  private async checkDrafts(cms = this.cms()) {
    const problem = await draftsReadable(cms);
    this.draftCheck = { at: new Date().toISOString(), ok: !problem, ...(problem ? { problem } : {}) };
    if (problem) this.log('drafts readable', { problem });
    return problem;
  }

  /**
   * Compares what the CMS has published with what the live release was built from; every
   * difference becomes a pending change. Skipped while a build runs: it reads the CMS too, and a
   * build that read only its events' documents asks for the comparison when it is done.
   */
  reconcile(): Promise<void> {
    if (this.running) this.compareAfter = true;
    if (this.reconciling || this.running || this.stopped) return this.reconciling ?? Promise.resolve();
    const run = this.compare();
    this.reconciling = run;
    return run.finally(() => {
      if (this.reconciling === run) this.reconciling = undefined;
    });
  }

  /** One comparison of the CMS's publishing state with the live release's. */
  private async compare() {
    const started = performance.now();
    const at = new Date().toISOString();
    try {
      const live = this.releases.live();
      if (!live) {
        if (this.queue.isEmpty()) this.requestFull('nothing is live yet');
        return;
      }
      const cms = this.cms();
      // The digest before the state: a change made between the two moves the next probe's.
      const announced = this.announced;
      const digest = await fetchPublishDigest(cms).catch(() => null); // a CMS without one: no probing
      const [state, problem] = await Promise.all([fetchPublishState(cms), this.checkDrafts(cms)]);
      // Read (~0.1 s at 100,000 articles) and compared (as long) in two turns of the event loop, not one.
      await nextTurn();
      if (this.stopped) return;
      if (this.running) {
        this.compareAfter = true; // a build started meanwhile: compared again after it
        return;
      }
      const liveState = this.releases.readState(this.releases.live()?.id ?? live.id);
      let differences = 0;
      let queued = 0;
      if (!liveState) {
        differences = 1;
        queued = this.queue.add(
          { ...noChanges(), full: 'the live release does not record what it was built from' },
          'reconcile'
        );
      } else {
        const diff = diffState(liveState, state);
        const held = this.queue.held((uid, id) => versionIn(state, uid, id));
        for (const [uid, ids] of Object.entries(diff.documents)) {
          diff.documents[uid] = ids.filter((id) => !held.has(docKey(uid, id)));
          if (!diff.documents[uid].length) delete diff.documents[uid];
        }
        differences = keysOf(diff).length;
        if (differences) queued = this.queue.add(diff, 'reconcile');
      }
      this.compared = digest ? { digest: digest.digest, announced } : undefined;
      if (this.queueClock('reconcile')) {
        differences++;
        queued++;
      }
      const durationMs = Math.round(performance.now() - started);
      this.lastReconcile = { at, durationMs, differences, queued };
      this.lastCompare = { endedAt: this.timers.now(), durationMs };
      if (queued) this.log('reconciliation found changes', { differences, queued, durationMs });
      if (problem) return;
      if (!this.queue.isEmpty() && !this.scheduler.armed) this.schedule(0);
      // Idle and equal: the live release's search index, if it is still due (one that failed, after its wait).
      else if (this.idleForSearch()) void this.search.run();
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      this.lastReconcile = { at, durationMs, differences: 0, queued: 0, error: (error as Error).message };
      this.log('reconciliation failed', { error: (error as Error).message });
      this.lastCompare = { endedAt: this.timers.now(), durationMs };
    }
  }

  /**
   * Between comparisons of the whole state, asks the CMS for a digest of it (milliseconds where the
   * state takes seconds) and compares the whole state at once when the digest moved since the last
   * comparison though no event came meanwhile: a change whose webhook was lost goes live within
   * seconds, not at the next periodic comparison. A digest that moved with events is left to the
   * comparison their build asks for. An equal digest proves nothing: the periodic comparison stays
   * the guarantee. Paced: the next probe waits PROBE_PACE times as long as this one took.
   */
  async probe(): Promise<void> {
    const compared = this.compared;
    if (!compared || this.stopped || this.running || this.reconciling) return;
    if (this.scheduler.armed) return; // a build is due: the comparison after it follows
    const at = new Date().toISOString();
    const started = performance.now();
    try {
      const { digest } = await fetchPublishDigest(this.cms());
      const durationMs = Math.round(performance.now() - started);
      const moved = digest !== compared.digest;
      // A webhook follows its change within milliseconds: it is given PROBE_GRACE_MS to come.
      if (moved) await new Promise((resolve) => this.timers.setTimeout(() => resolve(undefined), PROBE_GRACE_MS));
      // Not when a comparison ended meanwhile (it read a newer state) or an event came (its build compares).
      const unannounced = moved && this.compared === compared && this.announced === compared.announced;
      this.lastProbe = { at, durationMs, moved, unannounced };
      if (unannounced && !this.stopped && !this.running && !this.scheduler.armed) {
        this.log('probe found an unannounced change', { durationMs });
        // Now, and instead of the comparison a build asked for (compareSoon), which this one makes.
        if (this.compareTimer !== undefined) this.timers.clearTimeout(this.compareTimer);
        this.compareTimer = undefined;
        this.compareAfter = false;
        await this.reconcile();
      }
    } catch (error) {
      const durationMs = Math.round(performance.now() - started);
      this.lastProbe = { at, durationMs, moved: false, unannounced: false, error: (error as Error).message };
    }
  }

  private armProbe(delay: number) {
    if (this.stopped || !this.config.probeMs) return;
    this.probeTimer = this.timers.setTimeout(() => {
      this.probeTimer = undefined;
      const before = this.lastProbe;
      void this.probe().finally(() => {
        const probed = this.lastProbe !== before ? this.lastProbe : undefined;
        // A CMS that does not answer is asked again at the comparisons' pace, not every second.
        const pace = probed?.error ? this.config.reconcileMs : PROBE_PACE * (probed?.durationMs ?? 0);
        this.armProbe(Math.max(this.config.probeMs, pace));
      });
    }, delay);
  }

  private async drain() {
    if (this.running || this.stopped) return;
    const full = this.full;
    // A full build rendering: the publishes go on beside it, but for what only a full build makes.
    const beside = full && !full.ready ? full : undefined;
    if (beside?.waiting) return; // the build that brings it up to date makes it
    if (this.queue.isEmpty() && !full?.ready) return;
    if (this.releases.paused()) {
      this.log('publishing paused', { reason: this.releases.paused(), note: 'npm run rollback -- --resume' });
      return;
    }
    const claim = beside ? this.queue.claim((key) => !madeByFullBuild(key)) : this.queue.claim();
    if (beside && !claim.revs.size) return; // only what the full build makes is pending
    this.search.yieldTo(); // it runs again after, for the release then live
    this.attempt++;
    try {
      const building = this.build(claim);
      this.building = building.then(
        () => {},
        () => {}
      );
      const kept = await building;
      this.queue.settle(claim, kept);
      // (A full build handed to render beside the publishes took its attempt's number along: startFull.)
      this.attempt = 0;
      // It read only its events' documents: the whole state is compared once the desk is quiet
      // for a moment (see partialCheck), not while the next publish reads the CMS.
      if (this.compareAfter) this.compareSoon();
    } catch (error) {
      if (!this.stopped) this.retryAfter(error);
      return;
    }
    if (!this.queue.isEmpty() || this.full?.ready) this.schedule();
    else if (this.idleForSearch()) void this.search.run();
  }

  /** After a build failed: the next one at once (a document held back), later (a retry), or at the next change. */
  private retryAfter(error: unknown) {
    if (this.bisection.failed(error)) {
      this.attempt = 0; // narrowing down is not a retry
      this.schedule(0); // the rest goes on at once, without what was held back
      return;
    }
    if (this.attempt < this.config.maxAttempts) {
      const delay = this.config.retryBaseMs * 2 ** (this.attempt - 1);
      this.log('build retry scheduled', { inMs: delay, attempt: this.attempt + 1 });
      this.scheduler.retry(delay);
      return;
    }
    // Nothing is dropped: the changes stay queued, and the next event or reconciliation retries.
    this.log('build given up', {
      attempts: this.attempt,
      note: 'the changes stay pending; the next event or reconciliation retries',
    });
    this.attempt = 0;
  }

  /** A failed version is tried again after PUBLISH_FAILURE_RETRY_MS (30 s), then twice as long each time, at most 10 minutes. */
  private failureBackoff(attempts: number) {
    return Math.max(1000, Math.min(this.config.failureRetryMs * 2 ** (attempts - 1), 600_000));
  }

  /** The marker of a release being made: it is removed at start should the publisher be killed meanwhile. */
  private marker(id: string) {
    return path.join(this.releases.workDir, `${id}.building`);
  }

  /**
   * Builds and publishes what `claim` asks (and whatever else the CMS has that is not live); returns
   * the keys kept pending. A change that needs every page is handed to a full build rendering
   * beside the publishes (startFull); the build after it has rendered brings it up to date.
   */
  private async build(claim: Claim): Promise<Set<string>> {
    const cms = this.cms();
    const full = this.full;
    /** A full build rendered and validated: this build brings it up to date and makes it live. */
    const candidate = full?.ready ? full : undefined;
    /** A full build rendering: this build publishes beside it, on the live release. */
    const beside = full && !candidate ? full : undefined;
    const id = this.releases.newId();
    const job: Running = { id, startedAt: Date.now(), abort: new AbortController(), rendering: [] };
    this.running = job;
    if (candidate && this.unchangedSince(candidate, claim)) {
      try {
        return await this.fullAsItIs(candidate, claim);
      } finally {
        this.running = undefined;
        this.prepare();
      }
    }
    let timedOut = false;
    const timeoutMs = this.config.buildTimeoutMs;
    const deadline = setTimeout(() => {
      timedOut = true;
      job.abort.abort();
    }, timeoutMs);
    if (!candidate) this.buildsStarted++; // bringing a full build up to date is part of it
    const startedAt = new Date().toISOString();
    // The instant this release shows (poll boxes, the news sitemap's window): see @newsroom/content/clock.
    const renderAt = new Date(this.timers.now());
    // Marks releases/<id> unfinished until this build ends, should the publisher be killed.
    fs.writeFileSync(this.marker(id), '');
    const alongside = candidate ? { completes: candidate.job.id } : beside ? { beside: beside.job.id } : {};
    this.log('build started', { build: id, attempt: this.attempt, changes: claim.changes, ...alongside });
    let kind: BuildRecord['kind'] = 'full';
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      mark = now;
    };
    let summary: string | undefined;
    let carried: ChangeKey[] = [];
    let state: PublishState | null = null;
    /** The whole state this release records, being made (see below), and being written. */
    let whole: Promise<PublishState> | undefined;
    let staged: Promise<PublishState> | undefined;
    /** This build's release is now the full build's, rendering beside the publishes (startFull). */
    let handedOff = false;
    const live = this.releases.live();
    /** The release this one is made from: the live one, or the full build it brings up to date. */
    const base = candidate ? { id: candidate.job.id } : live;
    /** The tree this release starts as: taken once its plan is scoped (see below). */
    let skeleton = Promise.resolve(false);
    try {
      const liveSnapshot = live && this.snapshotOf(live.id);
      const liveState = live && this.releases.readState(live.id);
      const baseSnapshot = candidate ? candidate.ready!.snapshot : liveSnapshot;
      const baseState = candidate ? candidate.ready!.state : liveState;
      // Its content is the base of this build's render, and of the journal entry recording it.
      if (candidate) this.checkpoint = { id: candidate.job.id, snapshot: candidate.ready!.snapshot };
      // What the CMS has published now (of the documents the events name, when that is enough:
      // see partialCheck; against a full build's content, with those that went live beside it:
      // catchUpCheck); and the proof that this token sees nothing else.
      const partial = candidate
        ? this.catchUpCheck(candidate, claim, liveState)
        : this.partialCheck(claim.changes, liveState, liveSnapshot);
      const [read, problem] = await Promise.all([
        partial ? fetchPartialState(cms, partial) : fetchPublishState(cms),
        this.checkDrafts(cms),
      ]);
      if (problem) throw new Error(`Publishing is stopped: ${problem}.`);
      // The whole state this release records: with a partial read, the live one with it applied,
      // copied in steps while the change is planned (~0.15 s at 100,000 articles, mostly while the
      // plan waits for the CMS's answers).
      whole = partial
        ? withPartialInSteps(baseState!, read as PartialState, nextTurn)
        : Promise.resolve(read as PublishState);
      const made = whole;
      const wholeState = async () => (state = await made);
      /** A document's version now: the same answers as the whole state's, before it is made. */
      const versionNow = (uid: string, doc: string) =>
        partial && !(doc in (read.types[uid] ?? {})) ? versionIn(baseState, uid, doc) : versionIn(read, uid, doc);
      this.compareAfter = !!partial;
      lap('state');
      // Whatever differs from the base release is part of this build, announced or not. With a
      // partial state that is among the documents it names: a photo the story points to whose
      // caption changed without its event is re-rendered on every story showing it, before its new
      // version is recorded. Beyond them, the comparison after this build finds it.
      const found = !baseState
        ? null
        : partial
          ? diffPartial(baseState!, read as PartialState)
          : diffState(baseState, read as PublishState);
      let changes = found ? mergeChanges(claim.changes, found) : claim.changes;
      // The full build asked for is the one this build completes; asked for again since, it is another.
      if (candidate && claim.revs.get('full') === candidate.claim.revs.get('full'))
        changes = { ...changes, full: null };
      const held = new Set<ChangeKey>([...this.queue.held(versionNow), ...this.bisection.held()]);
      // Beside a full build, the categories (on every page) stay as they are live: it makes them.
      if (beside) {
        const known = [baseState, partial ? null : (read as PublishState)].flatMap((st) =>
          Object.keys(st?.types[CATEGORY] ?? {})
        );
        for (const doc of [...known, ...(changes.documents[CATEGORY] ?? [])]) held.add(docKey(CATEGORY, doc));
      }
      const keep = new Set([...held].map(parseKey).flatMap((k) => ('documentId' in k ? [k.documentId] : [])));
      // Only articles are split and held back when a render fails: the other documents also live
      // inside the articles that show them, so holding them alone would not keep them out.
      carried = keysOf(changes)
        .map(([key]) => key)
        .filter((key) => key.startsWith(`doc:${ARTICLE}:`) && !held.has(key));
      // A full build renders with this publisher's templates and reads with its code; beside one,
      // the publishes render with them too.
      const templatesChanged = !full && live && this.liveTemplates() !== this.config.templateHash;
      // Content the code before read (another shape, other fields) is not reused: read anew, whole.
      const sameCode = !!candidate || this.liveContentCode() === this.config.contentHash;
      let plan: Plan = {
        kind: 'full',
        reason:
          changes.full ??
          (!base
            ? 'first build'
            : templatesChanged
              ? "the site's templates changed"
              : !sameCode
                ? CONTENT_CODE_CHANGED
                : !baseSnapshot
                  ? 'no snapshot of the live release'
                  : 'the live release does not record what it was built from'),
      };
      const allPages = !!changes.full || !!templatesChanged;
      // The content now, made from the base release's: what differs from it by the versions (and
      // the articles showing that) fetched anew, every other document as the base release has it.
      // A publish's plan compares it with the base content; a full build (templates changed, a
      // category renamed, …) renders it all, without reading the whole archive again. Only with
      // nothing live, nothing recorded, or other content code is everything fetched.
      let content: Snapshot | undefined;
      if (base && baseSnapshot && baseState && sameCode) {
        let made = await liveContentWith(cms, baseSnapshot, changes, keep);
        if (beside && !('reason' in made)) {
          made = withLiveCategories(made, baseSnapshot) ?? {
            reason: 'a story is in a category the live release does not have yet',
          };
        }
        if ('reason' in made) {
          if (!allPages) plan = { kind: 'full', reason: made.reason };
        } else {
          content = made;
          if (!allPages) plan = withClock(planChange(baseSnapshot, made), baseSnapshot, renderAt);
        }
        lap('plan');
      }
      kind = plan.kind;
      // The versions this release carries: the CMS's, but held documents' as they are live.
      const heldDocs = [...held].map(parseKey).filter((k) => 'documentId' in k);
      if (plan.kind === 'full') {
        if (beside) {
          // Only a full build makes it (another category renamed…): the one after the one rendering.
          beside.waiting = true;
          this.log('publish waits for the full build', { build: id, full: beside.job.id, reason: plan.reason });
          this.releases.discard(id);
          return new Set(claim.revs.keys());
        }
        if (candidate) {
          this.dropFull(candidate, 'a change since it started needs every page again');
          this.buildsStarted++;
        }
        handedOff = true;
        this.startFull(job, {
          claim,
          reason: plan.reason,
          content,
          keep,
          state: await wholeState(),
          baseState: baseState ?? null,
          heldDocs,
          baseSnapshot: baseSnapshot ?? null,
          renderAt,
          carried,
          startedAt,
          phases,
        });
        // Pending until the full build is live.
        return new Set(claim.revs.keys());
      }
      if (plan.kind === 'none') {
        // Nothing on any page changes: the base release now stands for these versions too.
        const recorded = withShown(
          withHeld(await wholeState(), baseState ?? null, heldDocs),
          baseSnapshot?.articles ?? []
        );
        if (candidate) return await this.fullAsItIs(candidate, claim, recorded);
        this.releases.writeState(live!.id, recorded);
        this.finish(job, { id, kind, result: 'skipped', startedAt, summary: plan.reason });
        this.releases.discard(id);
        return this.bisection.settled(carried, claim);
      }
      summary = candidate ? `full build: ${candidate.reason}; brought up to date: ${plan.summary}` : plan.summary;
      this.log('build planned', { build: id, kind, summary, state: partial ? 'partial' : 'whole' });
      const snapshot = plan.snapshot;
      // The versions this release carries, written beside their place (Releases.stageState) once
      // its pages are handed to their build (their JSON, 6.7 MB at 100,000 articles, made in steps
      // before that held the job back), while they render; a held article the new content does not
      // carry (its live copy was not at hand) as absent, so that reconciliation brings it back.
      const stage = () =>
        wholeState().then(async (whole) => {
          const recorded = recordedState(whole, baseState ?? null, heldDocs, snapshot.articles);
          await this.releases.stageStateInSteps(id, recorded, nextTurn);
          return recorded;
        });
      job.handedOver = () => {
        job.handedOver = undefined;
        staged = stage();
        staged.catch(() => undefined); // awaited below, or by the failure's cleanup
      };
      // The next release starts as hard links of the live one: prepared after it went live, or made
      // while the change is rendered. One bringing a full build up to date takes that one's tree.
      if (!candidate) skeleton = this.takeSkeleton(live!.id, id);
      const tree = candidate ? () => this.adopt(candidate, id) : () => skeleton;
      const { written, touched } = await this.buildScoped(job, plan, base!.id, baseSnapshot!, tree, lap);
      // The same files from the same content, built whole or in part.
      const redirects = writeRedirects(this.releases.path(id), snapshot);
      if (redirects.skipped.length) {
        this.log('redirects left out', {
          build: id,
          count: redirects.skipped.length,
          some: redirects.skipped.slice(0, 5),
        });
      }
      const releaseState = await (staged ?? stage());
      if (live) {
        // The full build's tree links to the index of the release live when it rendered: to today's.
        if (candidate) this.releases.relinkSearchIndex(live.id, id);
        // It searches the live release's index until it is indexed itself: without the shards where
        // a story it no longer has as it was (unpublished, or changed) would be found.
        // A publish on the live release differs from it only where its partial read does, or holds.
        const among = partial && !candidate ? [...Object.keys(read.types[ARTICLE] ?? {}), ...keep] : undefined;
        this.releases.narrowSearchIndex(id, supersededSlugs(liveState, releaseState, liveSnapshot, among));
      }
      // A scoped release is the live one but where this build wrote or removed: its pages are
      // counted from the live release's count; one that brings a full build up to date, from the full
      // build's (on the copy of its tree, when that is made), else whole.
      const counted = candidate
        ? candidate.copy?.finished && { dir: candidate.copy.dir, articlePages: candidate.ready!.articlePages }
        : this.counted?.id === live?.id &&
          this.counted && { ...this.counted, dir: this.releases.path(this.counted.id) };
      const { articlePages } = validateRelease({
        dir: this.releases.path(id),
        snapshot,
        base: counted ? { ...counted, touched: [...written, ...plan.removed] } : undefined,
        liveArticles: this.liveArticles(live, liveSnapshot),
        maxDrop: this.config.maxDrop,
        written,
      });
      const paused = this.releases.paused();
      if (paused) throw new Error(`Publishing is paused (${paused}): npm run rollback -- --resume.`);
      // The next publish's copy: the full build's, brought up to this release by the paths it changed.
      if (candidate) this.skeletonFrom(candidate, id, [...touched, ...redirects.touched]);
      this.releases.commitState(id, releaseState);
      if (!candidate) this.releases.derived(id, live!.id, [...touched, ...redirects.touched]);
      this.releases.activate(id);
      this.counted = { id, articlePages };
      lap('validate');
      if (candidate) {
        this.endFull(candidate);
        const { phases: rendered, startedAt: began, compiled } = candidate.ready!;
        const update = Object.values(phases).reduce((sum, ms) => sum + ms, 0);
        this.finish(candidate.job, {
          id,
          kind: 'full',
          result: 'live',
          startedAt: began,
          summary,
          phases: { ...rendered, update },
          compiled,
          rendered: candidate.job.id,
        });
      } else
        this.finish(job, {
          id,
          kind,
          result: 'live',
          startedAt,
          summary,
          phases,
          compiled: job.compiled,
          renderer: job.renderer,
        });
      const marks = { templates: !!candidate, contentCode: candidate?.ready!.read === 'whole' };
      await this.afterLive(id, 'scoped', snapshot, marks, false);
      return this.bisection.settled(candidate ? [...candidate.ready!.carried, ...carried] : carried, claim);
    } catch (error) {
      await skeleton; // the copy of the live release may still be filling the folder
      await staged?.catch(() => undefined); // and its state being written beside it
      if (!handedOff) this.releases.discard(id);
      // Its tree was the full build's: that one goes, and is made again.
      if (candidate?.adopted) this.dropFull(candidate, 'bringing it up to date failed');
      // The versions the failed build was to carry: a held document is held at its own.
      state ??= (await whole?.catch(() => null)) ?? null;
      throw this.failure(job, error, { kind, startedAt, summary, carried, state, timedOut, timeoutMs });
    } finally {
      clearTimeout(deadline);
      if (!handedOff) {
        for (const f of [`${id}.scope.json`, `${id}.lean.json`, `${id}.delta.json`, `${id}.building`])
          fs.rmSync(path.join(this.releases.workDir, f), { force: true });
        for (const build of job.rendering) this.recycle(build);
      }
      this.running = undefined;
      this.prepare();
    }
  }

  /**
   * Records a build that failed; returns what to throw: the content the schema refused, or a
   * BuildError saying whether a document it carried may be the cause (bisection.ts).
   */
  private failure(
    job: Running,
    error: unknown,
    failed: {
      kind: BuildRecord['kind'];
      startedAt: string;
      summary?: string;
      carried: ChangeKey[];
      state: PublishState | null;
      timedOut: boolean;
      timeoutMs: number;
    }
  ) {
    const { signal } = job.abort;
    const message = failed.timedOut
      ? `the build ran longer than ${Math.round(failed.timeoutMs / 1000)} s and was stopped (PUBLISH_BUILD_TIMEOUT_MS)`
      : signal.aborted
        ? 'cancelled'
        : (error as Error).message;
    const { kind, startedAt, summary } = failed;
    this.finish(job, { id: job.id, kind, result: 'failed', startedAt, summary, error: message });
    if (error instanceof InvalidContentError) return Object.assign(error, { state: failed.state });
    // A build out of memory under the heap limit is nobody's story either: it is built again without the limit.
    const oom = error instanceof RenderError && outOfMemory(message) && !!this.config.buildMaxHeapMb;
    if (oom && !this.heapLimitLifted) {
      this.heapLimitLifted = true;
      // The builds kept ready were started under the limit too: the retry must not take one.
      for (const build of this.prepared) {
        build.cancel();
        this.releases.removeLater(build.dir);
      }
      this.prepared = [];
      this.log('build heap limit lifted', {
        build: job.id,
        limitMb: this.config.buildMaxHeapMb,
        note: 'a build ran out of memory under PUBLISH_BUILD_MAX_HEAP_MB: builds now have Node’s own limit; raise it',
      });
    }
    // Only a render failure may be a document's doing: a refused release (the mass-drop guard),
    // the CMS, the disk or a timeout are nobody's story, and are retried as they are.
    const attributable = error instanceof RenderError && !failed.timedOut && !signal.aborted && !oom;
    return new BuildError(message, failed.carried, failed.state, attributable);
  }

  /**
   * Starts the full build `job` (its release id already taken) beside the publishes: it renders
   * every page of the content the CMS has published now, and is validated, while the stories
   * published meanwhile go live on the live release; the next build then brings it up to date.
   */
  private startFull(
    job: Running,
    args: {
      claim: Claim;
      reason: string;
      /** The content, when made from the live one's (else read whole from the CMS). */
      content: Snapshot | undefined;
      keep: ReadonlySet<string>;
      /** What the CMS has published now (the versions it carries, but those of `heldDocs`). */
      state: PublishState;
      /** The state of the release its content was made from, and the documents kept as they are there. */
      baseState: PublishState | null;
      heldDocs: { uid: string; documentId: string }[];
      baseSnapshot: Snapshot | null;
      renderAt: Date;
      carried: ChangeKey[];
      startedAt: string;
      phases: Record<string, number>;
    }
  ) {
    const attempt = this.attempt;
    const full: FullBuild = {
      job,
      reason: args.reason,
      claim: args.claim,
      liveAtStart: this.releases.live()?.id ?? null,
      waiting: false,
      adopted: false,
      ended: Promise.resolve(),
    };
    this.full = full;
    this.releases.pin(job.id);
    this.log('full build rendering beside the publishes', { build: job.id, reason: args.reason });
    full.ended = this.renderFull(full, args).then(
      async (ready) => {
        if (this.full !== full) return;
        // Ready (to go live, or to be brought up to date) once the copy of its tree is made: the
        // publish after it starts from that copy, and would otherwise wait for what is left of it
        // (seconds at 100,000 articles). Until then it is not ready: a publish meanwhile goes live
        // beside it, on the live release and that one's copy, and this one is brought up to date
        // with it after. Its build processes are let go first (renderFull).
        // A copy far slower than that (a stalled disk) does not hold it back: past COPY_WAIT_MS it
        // is ready, and the publish after it waits for what is left of the copy, as it must.
        const waited = performance.now();
        full.copying = true;
        let timer: unknown;
        const late = await Promise.race([
          full.copy?.done.then(() => false),
          new Promise<boolean>((resolve) => (timer = this.timers.setTimeout(() => resolve(true), COPY_WAIT_MS))),
        ]);
        this.timers.clearTimeout(timer);
        full.copying = false;
        ready.phases.copy = Math.round(performance.now() - waited);
        if (late) this.log('full build ready before its copy is made', { build: job.id, waitedMs: ready.phases.copy });
        if (this.full !== full) return;
        full.ready = ready;
        this.log('full build rendered', { build: job.id, note: 'brought up to date by the next build, then live' });
        // The build that brings it up to date starts from its content: read while it waits.
        // A build that rendered a share of it holds that content already (site/src/lib/job.ts: shareOf).
        for (const build of this.prepared)
          build.preload(this.releases.leanSnapshot(job.id), this.releases.snapshot(job.id));
        this.schedule(0);
      },
      (error) => {
        if (this.full === full) this.dropFull(full);
        if (this.stopped) return;
        this.attempt = Math.max(this.attempt, attempt); // its own count, not the publishes' beside it
        this.retryAfter(error);
      }
    );
  }

  /** Renders and validates the full build `full` (startFull); returns what the build bringing it up to date needs. */
  private async renderFull(full: FullBuild, args: Parameters<Publisher['startFull']>[1]) {
    const { job } = full;
    const { id } = job;
    let timedOut = false;
    let timeoutMs = this.config.buildTimeoutMs;
    const stop = () => {
      timedOut = true;
      job.abort.abort();
    };
    let deadline = setTimeout(stop, timeoutMs);
    const phases = { ...args.phases };
    let mark = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      mark = now;
    };
    const summary = `full build: ${args.reason}`;
    let leanWritten = Promise.resolve(false);
    try {
      // The published articles, as the CMS's state counts them: its builds compile while the
      // content is fetched.
      this.startRender(job, Object.keys(args.state.types[ARTICLE] ?? {}).length);
      if (args.content) this.log('content from the live release', { build: id });
      const snapshot: Snapshot = {
        ...(args.content ??
          keepLive(await fetchSnapshot(this.cms(), args.keep, args.baseSnapshot), args.baseSnapshot, args.keep)),
        renderedAt: args.renderAt.toISOString(),
      };
      await writeSnapshot(this.releases.snapshot(id), snapshot);
      lap('fetch');
      // The folders of its article pages in the copy the publish after it will start from: made
      // while the pages render, so that copy is mostly hard links (makeFoldersAhead).
      full.ahead = makeFoldersAhead(
        path.join(this.releases.workDir, `skeleton-${++this.skeletonCount}`),
        ARTICLES_DIR,
        snapshot.articles.map((article) => article.slug)
      );
      // The base of the build that brings it up to date, and of the publishes after it: written
      // while the pages render.
      const lean = this.releases.leanSnapshot(id);
      leanWritten = writeSnapshot(lean, snapshot, leanArticle).then(
        () => true,
        () => false
      );
      // Rendering every page takes as long as the archive is large (~4 ms an article here): a
      // full build is given at least FULL_BUILD_MS_PER_ARTICLE an article, not stopped as hung.
      const allowed = Math.max(this.config.buildTimeoutMs, snapshot.articles.length * FULL_BUILD_MS_PER_ARTICLE);
      if (allowed > timeoutMs) {
        clearTimeout(deadline);
        deadline = setTimeout(stop, allowed - (Date.now() - job.startedAt));
        timeoutMs = allowed;
      }
      const written = await this.buildFull(job, lap);
      const recorded = recordedState(args.state, args.baseState, args.heldDocs, snapshot.articles);
      const redirects = writeRedirects(this.releases.path(id), snapshot);
      if (redirects.skipped.length) {
        this.log('redirects left out', {
          build: id,
          count: redirects.skipped.length,
          some: redirects.skipped.slice(0, 5),
        });
      }
      // Its tree is complete: its copy for the publish after it goes live starts now, while it is
      // validated (into the article pages' folders made ahead: hard links, mostly).
      full.copy = this.copyOf(id, full.ahead);
      full.ahead = undefined;
      const live = this.releases.live();
      const { articlePages } = validateRelease({
        dir: this.releases.path(id),
        snapshot,
        liveArticles: this.liveArticles(live, live && this.snapshotOf(live.id)),
        maxDrop: this.config.maxDrop,
        written,
      });
      this.releases.writeState(id, recorded);
      if (!(await leanWritten)) await writeSnapshot(lean, snapshot, leanArticle);
      lap('validate');
      return {
        snapshot,
        state: recorded,
        articlePages,
        read: args.content ? ('live' as const) : ('whole' as const),
        phases,
        summary,
        startedAt: args.startedAt,
        carried: args.carried,
        compiled: job.compiled,
      };
    } catch (error) {
      this.dropAhead(full);
      await leanWritten; // the lean snapshot being written, before it is removed
      throw this.failure(job, error, {
        kind: 'full',
        startedAt: args.startedAt,
        summary,
        carried: args.carried,
        state: args.state,
        timedOut,
        timeoutMs,
      });
    } finally {
      clearTimeout(deadline);
      // Kept for the publishes when fewer are kept than wanted (the first full build's).
      for (const build of job.rendering) this.recycle(build);
      job.rendering = [];
    }
  }

  /**
   * Whether the full build `full` can go live as it rendered: the release live when it started
   * still is, and nothing came since (`claim`, what is pending now, is what it started with).
   */
  private unchangedSince(full: FullBuild, claim: Claim) {
    if ((this.releases.live()?.id ?? null) !== full.liveAtStart) return false;
    if (claim.revs.size !== full.claim.revs.size) return false;
    for (const [key, rev] of claim.revs) if (full.claim.revs.get(key) !== rev) return false;
    return true;
  }

  /** Makes the full build `full` live as it rendered (with `state`, the versions it stands for now, when compared). */
  private async fullAsItIs(full: FullBuild, claim: Claim, state?: PublishState) {
    const ready = full.ready!;
    const { id } = full.job;
    if (state) this.releases.writeState(id, state);
    const live = this.releases.live();
    if (live) {
      this.releases.relinkSearchIndex(live.id, id);
      const superseded = supersededSlugs(
        this.releases.readState(live.id),
        state ?? ready.state,
        this.snapshotOf(live.id)
      );
      this.releases.narrowSearchIndex(id, superseded);
    }
    const paused = this.releases.paused();
    if (paused) throw new Error(`Publishing is paused (${paused}): npm run rollback -- --resume.`);
    this.skeletonFrom(full, id, []);
    this.releases.activate(id);
    this.counted = { id, articlePages: ready.articlePages };
    this.endFull(full);
    const { summary, startedAt, phases, compiled } = ready;
    this.finish(full.job, { id, kind: 'full', result: 'live', startedAt, summary, phases, compiled });
    await this.afterLive(id, 'full', ready.snapshot, { templates: true, contentCode: ready.read === 'whole' }, true);
    return this.bisection.settled(ready.carried, claim);
  }

  /** The build bringing `full` up to date takes its tree as its own release's, `id` (it is not served: no copy). */
  private async adopt(full: FullBuild, id: string) {
    try {
      // Its copy (copyOf: the next publish's start) walks this tree: renamed under it, it fails (ENOENT).
      // Made before the full build was ready (startFull): settled by now, unless it failed.
      const copy = full.copy;
      if (copy && !copy.finished) this.log('build waits for a copy', { build: id, release: full.job.id });
      await copy?.done;
      await fs.promises.rename(this.releases.path(full.job.id), this.releases.path(id));
      full.adopted = true;
      return true;
    } catch (error) {
      return this.copyFailed(full.job.id, error);
    }
  }

  /** The full build `full` is live (as itself, or as the release that brought it up to date). */
  private endFull(full: FullBuild) {
    const { id } = full.job;
    this.releases.unpin(id);
    fs.rmSync(this.marker(id), { force: true });
    if (full.adopted) this.releases.forgetState(id);
    if (this.full === full) this.full = undefined;
  }

  /** Removes the folders made ahead for `full`'s copy, if no copy was started in them. */
  private dropAhead(full: FullBuild) {
    const { ahead } = full;
    full.ahead = undefined;
    if (ahead) void ahead.made.then(() => this.releases.removeLater(ahead.dir));
  }

  /** Drops the full build `full` without making it live (it failed, or another must be made). */
  private dropFull(full: FullBuild, reason?: string) {
    const { id } = full.job;
    if (reason) this.log('full build dropped', { build: id, reason });
    this.dropSkeleton(full.copy);
    this.dropAhead(full);
    full.job.abort.abort();
    this.releases.unpin(id);
    this.releases.discard(id);
    fs.rmSync(this.marker(id), { force: true });
    if (this.full === full) this.full = undefined;
    // The publishes after start from the live content's checkpoint again.
    if (this.checkpoint?.id === id) {
      this.checkpoint = undefined;
      this.snapshotCache = undefined;
    }
  }

  /**
   * Housekeeping once a release is live; a failure here is logged, the release stays live.
   * `marks`: whether it completes a full build with this publisher's templates, and whether its
   * content was read whole from the CMS with this publisher's code (else made from the live one's).
   */
  private async afterLive(
    id: string,
    kind: 'full' | 'scoped',
    snapshot: Snapshot,
    marks: { templates: boolean; contentCode: boolean },
    leanWritten: boolean
  ) {
    try {
      // The next release's start: a copy of this one, made while the desk reads what it published,
      // from the tree of a release retired now when it can (Releases.copyTree).
      const retired = this.releases.retireBeyond(this.config.keepReleases);
      this.prepareSkeleton();
      // The live release's content, for the next publish (kept in memory, and on disk for restarts).
      this.snapshotCache = { id, snapshot };
      this.search.schedule(id);
      await this.recordContent(id, kind, snapshot, leanWritten);
      if (marks.templates) fs.writeFileSync(this.templatesFile, this.config.templateHash);
      if (marks.contentCode) fs.writeFileSync(this.contentCodeFile, this.config.contentHash);
      this.indexLiveSoon();
      const pruned = [...retired, ...this.releases.prune(this.config.keepReleases)];
      if (pruned.length) this.log('releases pruned', { build: id, pruned });
      this.armClock();
    } catch (error) {
      this.log('housekeeping failed', { build: id, error: (error as Error).message });
    }
  }

  /**
   * Puts release `id`'s content on disk, for restarts and for the next build to start from. A
   * publish records it as the change from the last checkpoint, a release whose content is on disk
   * whole with its lean snapshot: the articles changed since, a few kilobytes. Writing the whole
   * archive again after every publish cost ~0.5 s at 10,000 articles and ~26 s at 100,000. Once
   * the change has grown past JOURNAL_MAX_ARTICLES (or after a full build), the release is the
   * new checkpoint, written whole.
   */
  private async recordContent(id: string, kind: 'full' | 'scoped', snapshot: Snapshot, leanWritten = false) {
    const checkpoint = this.checkpoint;
    if (kind === 'scoped' && checkpoint && fs.existsSync(this.releases.snapshot(checkpoint.id))) {
      const delta = snapshotDelta(checkpoint.snapshot, snapshot);
      if (delta.articles.length + delta.removed.length <= JOURNAL_MAX_ARTICLES) {
        this.releases.writeJournal(id, checkpoint.id, delta);
        // The builds' base: written again should it be missing (a publisher stopped while writing it).
        const lean = this.releases.leanSnapshot(checkpoint.id);
        if (!fs.existsSync(lean)) await writeSnapshot(lean, checkpoint.snapshot, leanArticle);
        return;
      }
    }
    // A full build's snapshot is on disk already (the build read it).
    if (kind === 'scoped') await writeSnapshot(this.releases.snapshot(id), snapshot);
    if (!leanWritten) await writeSnapshot(this.releases.leanSnapshot(id), snapshot, leanArticle);
    this.checkpoint = { id, snapshot };
  }

  /**
   * The content a release was built from, or null when it is not known (absent or unreadable):
   * its snapshot, or its checkpoint's with its journal entry applied.
   */
  private snapshotOf(id: string): Snapshot | null {
    if (this.snapshotCache?.id === id) return this.snapshotCache.snapshot;
    try {
      const content = this.releases.readContent(id, this.checkpoint);
      if (!content) return null;
      this.checkpoint = content.whole;
      this.snapshotCache = { id, snapshot: content.snapshot };
    } catch (error) {
      // Cut short, or from another version: the next build is a full one, which writes it again.
      this.log('live snapshot unreadable', { build: id, error: (error as Error).message });
      return null;
    }
    return this.snapshotCache.snapshot;
  }
  private snapshotCache: { id: string; snapshot: Snapshot } | undefined;
  /** The last release whose content is on disk whole, with its lean snapshot (recordContent). */
  private checkpoint: { id: string; snapshot: Snapshot } | undefined;
  /** The article pages of the release this publisher last made live, as validated. */
  private counted: { id: string; articlePages: number } | undefined;

  /** Hash of the site's sources the live pages were last fully built with. */
  private get templatesFile() {
    return path.join(this.config.dir, 'templates.sha256');
  }
  private liveTemplates() {
    return readMark(this.templatesFile);
  }
  /** Hash of the code that last read every document of the live content (config.contentHash). */
  private get contentCodeFile() {
    return path.join(this.config.dir, 'content-code.sha256');
  }
  private liveContentCode() {
    return readMark(this.contentCodeFile);
  }

  /** How many articles the live release has: from its content, or by counting its pages; null when nothing is live. */
  private liveArticles(live: { id: string } | null, content: Snapshot | null | undefined) {
    return content ? content.articles.length : live ? articleCount(this.releases.path(live.id)) : null;
  }

  private finish(job: Running, record: Omit<BuildRecord, 'durationMs' | 'attempt'>) {
    const durationMs = Date.now() - job.startedAt;
    this.lastBuild = { ...record, durationMs, attempt: this.attempt };
    const { id, ...fields } = this.lastBuild;
    const msg = { live: 'release live', failed: 'build failed', skipped: 'build skipped' }[record.result];
    this.log(msg, { build: id, ...fields });
  }

  /** Renders every page of `job`'s release (its snapshot on disk) into its folder; returns the pages. */
  private async buildFull(job: Running, lap: (phase: string) => void) {
    const { id } = job;
    const dir = this.releases.path(id);
    const snapshot = this.releases.snapshot(id);
    const [first, ...parts] = job.rendering; // started by startRender
    if (parts.length) {
      const pids = job.rendering.flatMap((build) => build.pid ?? []);
      // Compiled once: the other parts render from the first one's compile (startRender).
      const compiles = job.rendering.filter((build) => !build.follows).length;
      this.log('build split', { build: id, processes: parts.length + 1, pids, compiles });
    }
    job.compiled = first.state;
    const build = parts.length
      ? await this.renderParts(job, job.rendering, snapshot)
      : await this.render(job, snapshot, null, undefined, first);
    moveInto(build.outDir, dir);
    lap('render');
    // Search keeps working (on the previous index) until this release is indexed.
    const live = this.releases.live();
    if (live) this.releases.shareSearchIndex(live.id, id);
    return pageFiles(dir);
  }

  /** Every page, rendered by `builds` between them (renderInParts); the pages end in the first one's output. */
  private async renderParts(job: Running, builds: PreparedBuild[], snapshot: string) {
    const { signal } = job.abort;
    try {
      await renderInParts(builds, snapshot, signal);
    } catch (error) {
      throw signal.aborted ? error : new RenderError((error as Error).message);
    }
    return builds[0];
  }

  /**
   * Renders a scoped plan on the tree of release `baseId` (whose content is `baseSnapshot`): `tree`
   * puts that tree, as hard links, where `job`'s release goes, and resolves false when it could not.
   */
  private async buildScoped(
    job: Running,
    plan: Extract<Plan, { kind: 'scoped' }>,
    baseId: string,
    baseSnapshot: Snapshot,
    tree: () => Promise<boolean>,
    lap: (phase: string) => void
  ) {
    const { id } = job;
    const scopeFile = path.join(this.releases.workDir, `${id}.scope.json`);
    fs.writeFileSync(scopeFile, JSON.stringify(plan.scope));
    const out = (await this.renderChange(job, plan, baseId, baseSnapshot, scopeFile)).outDir;
    lap('render');
    const dir = this.releases.path(id);
    if (!(await tree())) throw new Error(`Could not copy the release ${baseId} as hard links.`);
    for (const gone of plan.removed) fs.rmSync(path.join(dir, gone), { recursive: true, force: true });
    const written = pageFiles(out);
    // Every file the build wrote, the pages and what they use, and what went; the search index the copy was relinked to.
    const touched = [...filesUnder(out), ...plan.removed, 'pagefind'];
    moveInto(out, dir);
    lap('assemble');
    return { written, touched };
  }

  /**
   * Renders a scoped plan. The build starts from the lean snapshot of the base content's
   * checkpoint (read while it waited for the job) and is handed only the change since
   * (snapshotDelta): the articles added, changed or gone, and those it renders, whole. When that
   * file is not on disk, it gets the whole content, lean but for the articles it renders.
   */
  private async renderChange(
    job: Running,
    plan: Extract<Plan, { kind: 'scoped' }>,
    baseId: string,
    baseSnapshot: Snapshot,
    scopeFile: string
  ) {
    const { id } = job;
    const rendered = new Set(plan.scope.articles);
    // The base content's checkpoint (snapshotOf, or the full build's content): its lean snapshot and what changed since.
    const checkpoint = this.checkpoint ?? { id: baseId, snapshot: baseSnapshot };
    const base = this.releases.leanSnapshot(checkpoint.id);
    if (fs.existsSync(base)) {
      const deltaFile = path.join(this.releases.workDir, `${id}.delta.json`);
      const delta = snapshotDelta(checkpoint.snapshot, plan.snapshot, (a) => rendered.has(a.slug));
      await fs.promises.writeFile(deltaFile, JSON.stringify(delta));
      return this.render(job, base, scopeFile, deltaFile);
    }
    const leanFile = path.join(this.releases.workDir, `${id}.lean.json`);
    await writeSnapshot(leanFile, leanSnapshot(plan.snapshot, rendered));
    return this.render(job, leanFile, scopeFile);
  }

  private astroOptions() {
    // V8 lets a process's heap grow far past what it holds live before collecting it all (config.ts:
    // BUILD_MAX_HEAP_MB); a content that needs more than the limit is built without it.
    const heap = this.heapLimitLifted ? 0 : this.config.buildMaxHeapMb;
    return { cmsUrl: this.config.cmsUrl, siteUrl: this.config.siteUrl, env: withHeapLimit(this.config.buildEnv, heap) };
  }
  /** A build ran out of memory under PUBLISH_BUILD_MAX_HEAP_MB: the builds after it have Node's own limit. */
  private heapLimitLifted = false;

  /**
   * What is live and what is happening. `detail` adds what names documents (recent events,
   * failures): only for callers holding the secret.
   */
  status(detail = true) {
    const live = this.releases.live();
    const building = this.running ?? this.full?.job;
    const failures = this.queue.failures();
    return {
      live: live && { release: live.id, since: live.since },
      building: building ? { build: building.id, since: new Date(building.startedAt).toISOString() } : null,
      /**
       * A full build rendering beside the publishes, rendered and waiting for the copy of its tree
       * the publish after it starts from ('copying'), or ready and waiting to be brought up to date.
       */
      fullBuild: this.full
        ? {
            build: this.full.job.id,
            reason: this.full.reason,
            since: new Date(this.full.job.startedAt).toISOString(),
            state: this.full.ready
              ? ('rendered' as const)
              : this.full.copying
                ? ('copying' as const)
                : ('rendering' as const),
            waiting: this.full.waiting,
            /** The processes rendering it (an operator may lower their priority, or see them stall). */
            processes: this.full.job.rendering.flatMap((build) => build.pid ?? []),
          }
        : null,
      queued: !this.queue.isEmpty(),
      pending: { changes: this.queue.size, oldest: this.queue.oldest() },
      /** A build is due: 'debounce' (changes came in) or 'retry' (after a failure); null when none is. */
      nextAttempt: this.scheduler.armed,
      /** The whole publishing state is being compared, or will be in a moment (after a publish). */
      comparing: this.compareTimer !== undefined || this.reconciling !== undefined,
      paused: this.releases.paused(),
      indexing: this.search.indexing,
      /** The build kept ready for the next publish (of config.preparedBuilds). */
      nextBuild: this.nextPrepared()?.state ?? null,
      /**
       * The copy of the live release the next publish starts from: 'copying' (a publish now waits
       * for it: after a full build every folder is linked anew, seconds at 100,000 articles),
       * 'made', or null (none is kept: a publish copies what it needs).
       */
      nextCopy: this.skeleton ? (this.skeleton.settled ? ('made' as const) : ('copying' as const)) : null,
      /** How many of the prepared builds only have to render. */
      buildsWaiting: this.prepared.filter((build) => build.ready && build.state === 'waiting').length,
      lastBuild: this.lastBuild ?? null,
      lastSearchIndex: this.search.last ?? null,
      lastReconcile: this.lastReconcile ?? null,
      reconcileEverySeconds: this.config.reconcileMs / 1000,
      lastProbe: this.lastProbe ?? null,
      /** The proof, at start and before every build, that the site token cannot read drafts. */
      draftCheck: this.draftCheck,
      buildsStarted: this.buildsStarted,
      /** When a live page next changes by itself (a poll opens or closes, the news sitemap's window). */
      nextClockChange: this.nextClockChange?.toISOString() ?? null,
      releases: this.releases.list(),
      failures: detail ? failures : failures.length,
      recentEvents: detail ? this.events : this.events.map(({ at, event, uid }) => ({ at, event, uid })),
    };
  }

  /**
   * Where one document stands on the site (the editor's panel in the CMS): `version` is its
   * published version now (cms/src/api/publishing), null when it is not published.
   */
  documentStatus(uid: string, documentId: string, version: string | null) {
    const live = this.releases.live();
    const liveVersion = live ? versionIn(this.releases.readState(live.id), uid, documentId) : null;
    const failure = this.queue.failure(uid, documentId);
    const article =
      uid === ARTICLE && live ? this.snapshotOf(live.id)?.articles.find((a) => a.documentId === documentId) : null;
    const url = article ? new URL(routes.article(article.slug), this.config.siteUrl).toString() : null;
    const base = { liveVersion, version, release: live?.id ?? null, releaseSince: live?.since ?? null };
    if (failure && failure.version === version && version !== liveVersion)
      return {
        ...base,
        state: 'failed' as const,
        error: failure.error,
        failedAt: failure.at,
        retryAt: failure.retryAt,
      };
    if (version === liveVersion) {
      return version === null ? { ...base, state: 'not-published' as const } : { ...base, state: 'live' as const, url };
    }
    return {
      ...base,
      state: 'pending' as const,
      building: Boolean(this.running || this.full),
      url,
      reconcileEverySeconds: this.config.reconcileMs / 1000,
    };
  }

  /**
   * The comparison a build asked for (`compareAfter`), COMPARE_AFTER_MS after the last build or
   * event; a build running then asks again when it ends. The periodic reconciliation runs
   * whatever happens.
   */
  private compareSoon(delay = COMPARE_AFTER_MS) {
    if (this.compareTimer !== undefined) this.timers.clearTimeout(this.compareTimer);
    this.compareTimer = this.timers.setTimeout(() => {
      this.compareTimer = undefined;
      if (this.running || this.scheduler.armed) return; // compared after that build (compareAfter)
      const wait = this.compareWait();
      if (wait) return this.compareSoon(wait);
      this.compareAfter = false;
      void this.reconcile();
    }, delay);
  }
  private compareTimer: unknown;

  /**
   * How long the automatic comparisons (the periodic one, the one after a publish) wait yet: the
   * whole state costs the CMS what the archive weighs (6-13 s at 100,000 articles, during which
   * it answers editors late), so after one that took D the next waits COMPARE_PACE × D. At
   * 10,000 articles that is about a second; an explicit reconcile() is not held back.
   */
  private compareWait() {
    const last = this.lastCompare;
    return last ? Math.max(0, last.endedAt + COMPARE_PACE * last.durationMs - this.timers.now()) : 0;
  }
  private lastCompare: { endedAt: number; durationMs: number } | undefined;

  /**
   * Resolves once the build that was running when the service stopped has ended (its folders
   * given back), and the copy of a release being made has (its `cp` runs writing in the work
   * folder), so that a publisher started after it on the same directory never meets them.
   */
  async ended() {
    const { full } = this;
    await Promise.all([this.building, full?.ended, this.skeleton?.done, full?.copy?.done, full?.ahead?.made]);
  }

  /** Cancels timers and any running build or indexing (the service is stopping). */
  stop() {
    this.stopped = true;
    clearInterval(this.reconcileTimer);
    if (this.compareTimer !== undefined) this.timers.clearTimeout(this.compareTimer);
    if (this.clockTimer !== undefined) this.timers.clearTimeout(this.clockTimer);
    if (this.probeTimer !== undefined) this.timers.clearTimeout(this.probeTimer);
    for (const build of [...this.prepared, ...(this.running?.rendering ?? []), ...(this.full?.job.rendering ?? [])])
      build.cancel();
    this.scheduler.cancel();
    this.running?.abort.abort();
    this.full?.job.abort.abort();
    this.search.stop();
  }
}

/**
 * The slugs, as live, of the articles whose published version `live` records and `next` does not
 * carry (changed, or gone); null when the live release's state or content is not known.
 */
export function supersededSlugs(
  live: PublishState | null,
  next: PublishState,
  content: Snapshot | null,
  /** The only articles whose versions may differ (a partial read's and those held), when known. */
  among?: Iterable<string>
) {
  if (!live || !content) return null;
  const before = live.types[ARTICLE] ?? {};
  const after = next.types[ARTICLE] ?? {};
  const ids = new Set<string>();
  // At 100,000 articles a walk over every version is ~50 ms of the publish's event loop.
  for (const doc of among ?? Object.keys(before)) if (doc in before && after[doc] !== before[doc]) ids.add(doc);
  return ids.size ? content.articles.filter((a) => ids.has(a.documentId)).map((a) => a.slug) : [];
}

/**
 * The versions a release carries: the CMS's (`whole`), but held documents' as the base release has
 * them, and a held article `articles` does not carry (its copy was not at hand) as absent, so that
 * reconciliation brings it back; and the articles it shows (withShown).
 */
function recordedState(
  whole: PublishState,
  base: PublishState | null,
  held: { uid: string; documentId: string }[],
  articles: Snapshot['articles']
) {
  let ids: Set<string> | undefined;
  const carried = (uid: string, doc: string) =>
    uid !== ARTICLE || (ids ??= new Set(articles.map((a) => a.documentId))).has(doc);
  return withShown(withHeld(whole, base, held, carried), articles);
}

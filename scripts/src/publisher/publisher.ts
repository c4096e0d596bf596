import fs from 'node:fs';
import path from 'node:path';
import { createStrapiClient } from '../../../site/src/lib/strapi.js';
import { fetchSnapshot, readSnapshot, writeSnapshot, type Snapshot } from '../../../site/src/lib/snapshot.js';
import { planPublish, type Plan } from '../../../site/src/lib/plan.js';
import type { PublisherConfig } from './config.js';
import { readEnvFile } from '../../../cms/src/utils/env-file.js';
import { addEvent, isEmpty, mergeChanges, noChanges, type PendingChanges, type StrapiEvent } from './events.js';
import { linkTree, linkTreeAsync, moveInto, Releases } from './releases.js';
import { articleCount, pageFiles, validateRelease } from './validate.js';
import { PreparedBuild, searchIndex } from './astro.js';
import type { Logger } from './log.js';

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
}

interface Running {
  id: string;
  startedAt: number;
  abort: AbortController;
}

const RECENT_EVENTS = 20;
const MAX_DRAFT_TITLES = 500;

/**
 * Turns CMS events into live releases. Bursts are coalesced: events wait a debounce window, at
 * most one build runs and everything that arrives meanwhile folds into one next build. A build
 * re-renders only what the events touched when it can (see site/src/lib/plan.ts), assembles a
 * complete release, validates it and makes it live atomically; after it goes live the release is
 * indexed for search in the background. A failed build changes nothing live, is retried with
 * backoff a bounded number of times, then waits for the next event.
 */
export class Publisher {
  readonly releases: Releases;
  private pending: PendingChanges = noChanges();
  /** Changes of a burst whose build gave up, folded into the next one. */
  private carried: PendingChanges = noChanges();
  private pendingSince = 0;
  private debounce: NodeJS.Timeout | undefined;
  private retry: NodeJS.Timeout | undefined;
  private running: Running | undefined;
  private indexing: { release: string; abort: AbortController } | undefined;
  private indexDue: string | undefined;
  private prepared: PreparedBuild | undefined;
  /** The build rendering the current release (its folder is removed when the build ends). */
  private rendering: PreparedBuild | undefined;
  private preparedCount = 0;
  private stopped = false;
  private attempt = 0;
  private events: { at: string; event: string; uid?: string; documentId?: string }[] = [];
  private draftTitles = new Map<string, string>();
  /** Builds started since this publisher started (the tests count them). */
  buildsStarted = 0;
  lastBuild: BuildRecord | undefined;
  lastIndex: { release: string; result: 'done' | 'failed'; durationMs: number; error?: string } | undefined;

  constructor(
    readonly config: PublisherConfig,
    private log: Logger
  ) {
    this.releases = new Releases(config.dir);
    // Leftovers of a publisher that was killed mid-build: its unfinished release, its work files.
    for (const file of fs.readdirSync(this.releases.workDir)) {
      const unfinished = /^(.+)\.building$/.exec(file)?.[1];
      if (unfinished && this.releases.live()?.id !== unfinished) this.releases.discard(unfinished);
    }
    for (const d of [this.releases.workDir, config.buildDir]) fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(this.releases.workDir, { recursive: true });
    this.prepare();
  }

  /** Keeps one build compiled and waiting for its job, so the next publish only renders. */
  private prepare() {
    if (this.stopped || this.prepared?.ready) return;
    const dir = path.join(this.config.buildDir, `build-${++this.preparedCount}`);
    this.prepared = new PreparedBuild(dir, this.astroOptions());
  }

  /** Renders `snapshot` (only `scope`, when given) with the prepared build; returns it. */
  private async render(snapshot: string, scope: string | null, signal: AbortSignal) {
    const build = this.prepared?.ready
      ? this.prepared
      : new PreparedBuild(path.join(this.config.buildDir, `build-${++this.preparedCount}`), this.astroOptions());
    this.prepared = undefined;
    this.rendering = build;
    await build.run({ snapshot, scope }, signal);
    return build;
  }
  /** Takes one Strapi event; the build follows after the debounce window. */
  receive(e: StrapiEvent) {
    const documentId = e.entry?.documentId;
    this.events = [{ at: new Date().toISOString(), event: e.event, uid: e.uid, documentId }, ...this.events].slice(
      0,
      RECENT_EVENTS
    );
    this.log('event received', { event: e.event, uid: e.uid, documentId });
    this.rememberDraft(e);
    if (isEmpty(this.pending)) this.pendingSince = Date.now();
    this.pending = addEvent(this.pending, e);
    if (isEmpty(this.pending)) return;
    this.attempt = 0; // a new event earns a fresh set of attempts
    this.indexing?.abort.abort(); // search indexing yields to publishing; it runs again after
    this.schedule();
  }

  /** Asks for a full build (first start, template change, by hand). */
  requestFull(reason: string) {
    if (isEmpty(this.pending)) this.pendingSince = Date.now();
    this.pending = mergeChanges(this.pending, { ...noChanges(), full: reason });
    this.schedule(0);
  }

  private rememberDraft(e: StrapiEvent) {
    if (e.uid !== 'api::article.article' || !e.entry?.documentId || typeof e.entry.title !== 'string') return;
    if (e.entry.publishedAt) this.draftTitles.delete(e.entry.documentId);
    else if (e.event === 'entry.create' || e.event === 'entry.update') {
      this.draftTitles.delete(e.entry.documentId);
      this.draftTitles.set(e.entry.documentId, e.entry.title);
      if (this.draftTitles.size > MAX_DRAFT_TITLES) this.draftTitles.delete(this.draftTitles.keys().next().value!);
    }
  }

  private schedule(delay = this.config.debounceMs) {
    if (this.running) return; // folds into the next build, started when this one ends
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    // Trailing debounce, but a steady stream of events cannot hold publishing back for long.
    const waited = Date.now() - this.pendingSince;
    const wait = Math.max(0, Math.min(delay, this.config.debounceMs * 5 - waited));
    this.debounce = setTimeout(() => void this.drain(), wait);
  }

  private async drain() {
    this.debounce = undefined;
    if (this.running || isEmpty(this.pending)) return;
    const changes = this.pending;
    this.pending = noChanges();
    this.attempt++;
    try {
      await this.build(changes);
      this.attempt = 0;
    } catch {
      this.pending = mergeChanges(changes, this.pending);
      if (this.attempt < this.config.maxAttempts) {
        const delay = this.config.retryBaseMs * 2 ** (this.attempt - 1);
        this.log('build retry scheduled', { inMs: delay, attempt: this.attempt + 1 });
        clearTimeout(this.retry);
        this.retry = setTimeout(() => void this.drain(), delay);
        return;
      }
      this.log('build given up', { attempts: this.attempt, note: 'the next event retries' });
      this.attempt = 0;
      // Kept for the next burst, so nothing is forgotten.
      this.carried = mergeChanges(this.carried, this.pending);
      this.pending = noChanges();
    }
    if (!isEmpty(this.pending)) this.schedule();
    else void this.index();
  }

  private async build(changes: PendingChanges) {
    const withCarried = mergeChanges(changes, this.carried);
    // The token as the CMS last wrote it: it may have renewed it since the last build.
    const cms = createStrapiClient({ baseUrl: this.config.cmsUrl, token: this.token() });
    this.carried = noChanges();
    const id = this.releases.newId();
    const abort = new AbortController();
    this.running = { id, startedAt: Date.now(), abort };
    let timedOut = false;
    const deadline = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, this.config.buildTimeoutMs);
    this.buildsStarted++;
    const startedAt = new Date().toISOString();
    // Marks releases/<id> unfinished until this build ends, should the publisher be killed.
    fs.writeFileSync(path.join(this.releases.workDir, `${id}.building`), '');
    this.log('build started', { build: id, attempt: this.attempt, changes: withCarried });
    let kind: BuildRecord['kind'] = 'full';
    const phases: Record<string, number> = {};
    let mark = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      phases[name] = Math.round(now - mark);
      mark = now;
    };
    let summary: string | undefined;
    // The next release starts as hard links of the live one, made while the change is rendered.
    const startLive = this.releases.live();
    const skeleton =
      startLive && !withCarried.full
        ? linkTreeAsync(this.releases.path(startLive.id), this.releases.path(id)).then(
            () => true,
            () => false
          )
        : Promise.resolve(false);
    try {
      const live = startLive;
      const liveSnapshot = live && this.snapshotOf(live.id);
      const templatesChanged = live && this.liveTemplates() !== this.config.templateHash;
      let plan: Plan = {
        kind: 'full',
        reason:
          withCarried.full ??
          (!live
            ? 'first build'
            : templatesChanged
              ? "the site's templates changed"
              : 'no snapshot of the live release'),
      };
      if (live && liveSnapshot && !withCarried.full && !templatesChanged) {
        plan = await planPublish(cms, liveSnapshot, withCarried);
        lap('plan');
      }
      kind = plan.kind;
      if (plan.kind !== 'scoped' && (await skeleton))
        fs.rmSync(this.releases.path(id), { recursive: true, force: true });
      if (plan.kind === 'none') {
        this.finish({ id, kind, result: 'skipped', startedAt, summary: plan.reason });
        return;
      }
      summary = plan.kind === 'full' ? `full build: ${plan.reason}` : plan.summary;
      this.log('build planned', { build: id, kind, summary });
      let snapshot: Snapshot;
      let written: string[];
      if (plan.kind === 'full') {
        snapshot = await fetchSnapshot(cms);
        await writeSnapshot(this.releases.snapshot(id), snapshot);
        lap('fetch');
        written = await this.buildFull(id, abort.signal, lap);
      } else {
        snapshot = plan.snapshot;
        written = await this.buildScoped(id, plan, skeleton, abort.signal, lap);
      }
      validateRelease({
        dir: this.releases.path(id),
        snapshot,
        // The live release's content says how many articles it has, without listing its pages.
        liveArticles: liveSnapshot
          ? liveSnapshot.articles.length
          : live
            ? articleCount(this.releases.path(live.id))
            : null,
        maxDrop: this.config.maxDrop,
        draftTitles: this.draftTitlesNotPublished(snapshot),
        written,
      });
      this.releases.activate(id);
      lap('validate');
      this.finish({ id, kind, result: 'live', startedAt, summary, phases });
      await this.afterLive(id, plan.kind, snapshot);
    } catch (error) {
      this.releases.discard(id);
      const message = timedOut
        ? `the build ran longer than ${Math.round(this.config.buildTimeoutMs / 1000)} s and was stopped (PUBLISH_BUILD_TIMEOUT_MS)`
        : abort.signal.aborted
          ? 'cancelled'
          : (error as Error).message;
      this.finish({ id, kind, result: 'failed', startedAt, summary, error: message });
      throw error;
    } finally {
      clearTimeout(deadline);
      for (const f of [`${id}.scope.json`, `${id}.lean.json`, `${id}.building`])
        fs.rmSync(path.join(this.releases.workDir, f), { force: true });
      if (this.rendering) fs.rmSync(this.rendering.dir, { recursive: true, force: true });
      this.rendering = undefined;
      this.running = undefined;
      this.prepare();
    }
  }

  /** Housekeeping once a release is live; a failure here is logged, the release stays live. */
  private async afterLive(id: string, kind: 'full' | 'scoped', snapshot: Snapshot) {
    try {
      // The live release's content, for the next publish (kept in memory, and on disk for restarts).
      this.snapshotCache = { id, snapshot };
      this.indexDue = id;
      if (kind === 'scoped') await writeSnapshot(this.releases.snapshot(id), snapshot);
      if (kind === 'full') fs.writeFileSync(this.templatesFile, this.config.templateHash);
      const pruned = this.releases.prune(this.config.keepReleases);
      if (pruned.length) this.log('releases pruned', { build: id, pruned });
    } catch (error) {
      this.log('housekeeping failed', { build: id, error: (error as Error).message });
    }
  }

  /** The content a release was built from, or null when it is not known. */
  private snapshotOf(id: string): Snapshot | null {
    if (this.snapshotCache?.id === id) return this.snapshotCache.snapshot;
    const file = this.releases.snapshot(id);
    if (!fs.existsSync(file)) return null;
    this.snapshotCache = { id, snapshot: readSnapshot(file) };
    return this.snapshotCache.snapshot;
  }
  private snapshotCache: { id: string; snapshot: Snapshot } | undefined;

  /** The site token: as the CMS last wrote it, when it writes it to a file. */
  private token() {
    const fromFile = this.config.siteEnvFile && readEnvFile(this.config.siteEnvFile).SITE_API_TOKEN;
    return fromFile || this.config.siteToken;
  }

  /** Hash of the site's sources the live pages were last fully built with. */
  private get templatesFile() {
    return path.join(this.config.dir, 'templates.sha256');
  }
  private liveTemplates() {
    return fs.existsSync(this.templatesFile) ? fs.readFileSync(this.templatesFile, 'utf8') : null;
  }

  private finish(record: Omit<BuildRecord, 'durationMs' | 'attempt'>) {
    const durationMs = Date.now() - (this.running?.startedAt ?? Date.now());
    this.lastBuild = { ...record, durationMs, attempt: this.attempt };
    const { id, ...fields } = this.lastBuild;
    const msg = { live: 'release live', failed: 'build failed', skipped: 'build skipped' }[record.result];
    this.log(msg, { build: id, ...fields });
  }

  private draftTitlesNotPublished(snapshot: Snapshot) {
    const published = new Set(snapshot.articles.map((a) => a.title));
    return [...this.draftTitles.values()].filter((t) => !published.has(t));
  }

  private async buildFull(id: string, signal: AbortSignal, lap: (phase: string) => void) {
    const dir = this.releases.path(id);
    const build = await this.render(this.releases.snapshot(id), null, signal);
    moveInto(build.outDir, dir);
    lap('render');
    // Search keeps working (on the previous index) until this release is indexed.
    const live = this.releases.live();
    if (live) this.releases.shareSearchIndex(live.id, id);
    return pageFiles(dir);
  }

  private async buildScoped(
    id: string,
    plan: Extract<Plan, { kind: 'scoped' }>,
    skeleton: Promise<boolean>,
    signal: AbortSignal,
    lap: (phase: string) => void
  ) {
    const live = this.releases.live()!;
    const scopeFile = path.join(this.releases.workDir, `${id}.scope.json`);
    fs.writeFileSync(scopeFile, JSON.stringify(plan.scope));
    // Only the rendered articles need their bodies: a much smaller file to write and to read.
    const rendered = new Set(plan.scope.articles);
    // (Photos, SEO and poll appear only on an article's own page, too.)
    const lean = {
      ...plan.snapshot,
      articles: plan.snapshot.articles.map((a) =>
        rendered.has(a.slug) ? a : { ...a, body: null, photos: [], seo: null, poll: null }
      ),
    };
    const leanFile = path.join(this.releases.workDir, `${id}.lean.json`);
    await writeSnapshot(leanFile, lean);
    lap('fetch');
    const out = (await this.render(leanFile, scopeFile, signal)).outDir;
    lap('render');
    const dir = this.releases.path(id);
    if (!(await skeleton)) throw new Error(`Could not copy the live release ${live.id} as hard links.`);
    for (const gone of plan.removed) fs.rmSync(path.join(dir, gone), { recursive: true, force: true });
    const written = pageFiles(out);
    moveInto(out, dir);
    lap('assemble');
    return written;
  }

  private astroOptions() {
    return { cmsUrl: this.config.cmsUrl, siteUrl: this.config.siteUrl, env: this.config.buildEnv };
  }

  /** Indexes the live release for search, as a new release of the same content. */
  private async index() {
    const release = this.indexDue;
    if (!release || !this.config.searchIndex || this.running || this.indexing) return;
    if (this.releases.live()?.id !== release) {
      this.indexDue = undefined;
      return;
    }
    const abort = new AbortController();
    this.indexing = { release, abort };
    const id = this.releases.newId();
    const started = Date.now();
    const out = path.join(this.releases.workDir, `${id}-pagefind`);
    try {
      await searchIndex(this.releases.path(release), out, abort.signal);
      if (abort.signal.aborted || this.releases.live()?.id !== release) throw new Error('cancelled');
      linkTree(this.releases.path(release), this.releases.path(id), new Set(['pagefind']));
      this.releases.addSearchIndex(id, out);
      fs.linkSync(this.releases.snapshot(release), this.releases.snapshot(id));
      this.releases.activate(id);
      this.indexDue = undefined;
      this.lastIndex = { release: id, result: 'done', durationMs: Date.now() - started };
      this.log('search index live', { build: id, of: release, durationMs: Date.now() - started });
    } catch (error) {
      this.releases.discard(id);
      const cancelled = abort.signal.aborted || (error as Error).message === 'cancelled';
      if (!cancelled) {
        this.indexDue = undefined; // not retried until the next release
        this.lastIndex = {
          release,
          result: 'failed',
          durationMs: Date.now() - started,
          error: (error as Error).message,
        };
        this.log('search index failed', { build: release, error: (error as Error).message });
      } else {
        this.log('search index postponed', { build: release, reason: 'a publish came first' });
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
      this.indexing = undefined;
    }
  }

  status() {
    const live = this.releases.live();
    return {
      live: live && { release: live.id, since: live.since },
      building: this.running ? { build: this.running.id, since: new Date(this.running.startedAt).toISOString() } : null,
      queued: !isEmpty(this.pending),
      indexing: this.indexing ? { release: this.indexing.release } : null,
      /** The build kept ready for the next publish. */
      nextBuild: this.prepared?.ready ? this.prepared.state : null,
      lastBuild: this.lastBuild ?? null,
      lastSearchIndex: this.lastIndex ?? null,
      buildsStarted: this.buildsStarted,
      releases: this.releases.list(),
      recentEvents: this.events,
    };
  }

  /** Cancels timers and any running build or indexing (the service is stopping). */
  stop() {
    this.stopped = true;
    this.prepared?.cancel();
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    this.running?.abort.abort();
    this.indexing?.abort.abort();
  }
}

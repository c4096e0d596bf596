import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { publishStateSchema, type PublishState } from '@newsroom/content/publish-state';
import {
  contentFile,
  head,
  journalBase,
  readJournal,
  readReleaseContent,
  type JournalEntry,
} from '@newsroom/content/release-content';
import type { Snapshot, SnapshotDelta } from '@newsroom/content/snapshot';
import { withoutPages } from '@newsroom/content/search-index';
import { stateChange, withStateChange, type StateChange } from './state.js';

/** Releases whose lineage is remembered (a few dozen paths each). */
const MAX_LINEAGE = 1000;
/** Spare trees kept for the next release's copy (one retires with each publish, two with a content that had an indexed copy). */
const MAX_SPARES = 2;
/** Beyond this many changed paths, a spare is not brought up to date: the tree is linked anew. */
const MAX_SYNCED = 20_000;
/** Beyond this many documents changed since the last whole state, a release's state is recorded whole (a new base). */
const MAX_STATE_CHANGES = 5_000;
/** The names of the whole states that releases' states are recorded against: base-<uuid>.state.json. */
const STATE_BASE = /^(base-[0-9a-f-]+)\.state\.json$/;
/** How a release's state file that is the change from a base starts (none is whole any more: see stageState). */
const STATE_JOURNAL_HEAD = /^\{"journal":1,"base":"(base-[0-9a-f-]+)"/;

/** A release's state on disk: the change (StateChange) from a whole state, its base. */
interface StateEntry extends StateChange {
  journal: 1;
  base: string;
  generatedAt: string;
}

/**
 * Releases on disk: <dir>/releases/<id>/ holds a whole site, <dir>/snapshots/<id>.json the
 * content it was built from (whole, or as the change from an earlier release's: a journal entry),
 * and <dir>/current is a relative symlink to the live release, which
 * the web server follows. Going live is one rename of a new symlink over `current`: a reader gets
 * the old site or the new one, never a mix.
 */
export class Releases {
  readonly releasesDir: string;
  readonly snapshotsDir: string;
  readonly workDir: string;
  readonly current: string;
  /** Search indexes, shared by the releases of the same content through a `pagefind` symlink. */
  readonly searchDir: string;
  /** Where discarded trees wait for their removal in the background (removeLater). */
  readonly trashDir: string;

  constructor(
    readonly dir: string,
    private readonly now: () => Date = () => new Date()
  ) {
    this.releasesDir = path.join(dir, 'releases');
    this.snapshotsDir = path.join(dir, 'snapshots');
    this.workDir = path.join(dir, 'work');
    this.current = path.join(dir, 'current');
    this.searchDir = path.join(dir, 'search');
    this.trashDir = path.join(dir, 'trash');
    for (const d of [this.releasesDir, this.snapshotsDir, this.workDir, this.searchDir, this.trashDir])
      fs.mkdirSync(d, { recursive: true });
    // What a stopped publisher had not finished removing.
    for (const name of fs.readdirSync(this.trashDir)) removeInBackground(path.join(this.trashDir, name));
  }

  /**
   * Removes a tree without holding the publisher: renamed into the trash at once (so it is gone
   * from where it was), deleted by a niced `rm -rf` in the background. A release of 10,000 articles
   * is 12,000 folders: deleting it in the event loop held the publisher, and the site it serves in
   * development, about 2.5 s after every publish.
   */
  removeLater(dir: string) {
    if (!fs.existsSync(dir)) return;
    const name = `${path.basename(dir)}.removing-${process.pid}-${++this.trashed}`;
    // Into the trash; from another file system (a build folder under site/), beside itself: either
    // way the name is free at once, for the next build to use.
    for (const trash of [path.join(this.trashDir, name), path.join(path.dirname(dir), name)]) {
      try {
        fs.renameSync(dir, trash);
        removeInBackground(trash);
        return;
      } catch {
        // the next place
      }
    }
    fs.rmSync(dir, { recursive: true, force: true });
  }
  private trashed = 0;

  /**
   * How releases' trees were made from one another: release → the release its tree started as
   * (hard links of it) and every path (relative to the release) written, replaced or removed
   * since. A scoped publish at 100,000 articles changes a few dozen of its ~230,000 entries.
   */
  private lineage = new Map<string, { parent: string; touched: readonly string[] }>();
  /**
   * Trees of releases pruned by this process, kept to become the next copy of the live release:
   * brought up to it by the paths changed in between (see copyTree), instead of linking every entry
   * of the archive again (~10 s at 100,000 articles).
   */
  private spares: { dir: string; of: string }[] = [];
  private spareCount = 0;

  /**
   * Release `id`'s tree is release `parent`'s with `touched` written, replaced or removed: paths in
   * the release, as files (`bai-viet/x/index.html`) or as the site's addresses (`/bai-viet/x/`, a
   * page the plan removed), kept relative (`bai-viet/x`).
   */
  derived(id: string, parent: string, touched: Iterable<string>) {
    const relative = [...touched].map((p) => p.split('/').filter(Boolean).join('/'));
    this.lineage.set(id, { parent, touched: [...new Set(relative)] });
    // The oldest go first: a spare that far behind is linked anew.
    for (const old of this.lineage.keys()) {
      if (this.lineage.size <= MAX_LINEAGE) break;
      this.lineage.delete(old);
    }
  }

  /**
   * The paths where the trees of releases `a` and `b` may differ: those changed on the way from
   * their nearest common ancestor to either; null when their lineage is not known.
   */
  changedBetween(a: string, b: string): Set<string> | null {
    const up = (id: string) => {
      const chain = [id];
      for (let at = this.lineage.get(id); at && chain.length <= MAX_LINEAGE; at = this.lineage.get(at.parent))
        chain.push(at.parent);
      return chain;
    };
    const [fromA, fromB] = [up(a), up(b)];
    const atB = new Map(fromB.map((id, i) => [id, i]));
    const i = fromA.findIndex((id) => atB.has(id));
    if (i < 0) return null;
    const changed = new Set<string>();
    for (const id of [...fromA.slice(0, i), ...fromB.slice(0, atB.get(fromA[i]))])
      for (const rel of this.lineage.get(id)!.touched) changed.add(rel);
    return changed;
  }

  /**
   * Fills `to` (which must not exist) with hard links of release `from`'s tree, but for the
   * top-level entries in `skip`. From a spare tree when one's lineage reaches `from`: only the
   * paths changed in between are linked again (syncTree); else by linking the whole tree (linkTreeAsync).
   */
  copyTree(from: string, to: string, skip: ReadonlySet<string> = new Set()): Promise<void> {
    return this.copying(from, () => this.copyTreeNow(from, to, skip));
  }

  private async copyTreeNow(from: string, to: string, skip: ReadonlySet<string>): Promise<void> {
    const source = this.path(from);
    for (;;) {
      const spare = this.spares.shift();
      if (!spare) break;
      const changed = this.changedBetween(spare.of, from);
      if (changed && changed.size <= MAX_SYNCED) {
        try {
          syncTree(spare.dir, source, changed);
          for (const name of skip) fs.rmSync(path.join(spare.dir, name), { recursive: true, force: true });
          fs.renameSync(spare.dir, to);
          return;
        } catch {
          // linked anew below
        }
      }
      this.removeLater(spare.dir);
    }
    await linkTreeAsync(source, to, skip);
  }

  /**
   * Fills `to` with hard links of release `from`'s whole tree: `to` must not exist, or hold only
   * the folders `ahead` made (makeFoldersAhead).
   */
  linkCopy(from: string, to: string, ahead?: FoldersAhead) {
    return this.copying(from, () => linkTreeAsync(this.path(from), to, new Set(), { ahead }));
  }

  /**
   * Releases whose trees a copy is linking from now, and how many copies: not retired until those
   * end (retireBeyond), as a tree renamed or removed under a `cp` fails that copy. A copy of a
   * release that stopped being live (the one replaced by a full build brought up to date) may
   * still run while the desk publishes on; at 100,000 articles it takes seconds.
   */
  private copiesFrom = new Map<string, number>();
  private async copying(id: string, copy: () => Promise<void>) {
    this.copiesFrom.set(id, (this.copiesFrom.get(id) ?? 0) + 1);
    try {
      await copy();
    } finally {
      const left = this.copiesFrom.get(id)! - 1;
      if (left) this.copiesFrom.set(id, left);
      else this.copiesFrom.delete(id);
    }
  }

  /** `dir`, a complete hard-link copy of release `of`'s tree, is a spare for copyTree (see spares). */
  addSpare(dir: string, of: string) {
    if (this.spares.length >= MAX_SPARES) this.removeLater(this.spares.shift()!.dir);
    this.spares.push({ dir, of });
  }

  /**
   * Takes release `id` out of the releases, keeping its tree as a spare for copyTree when its
   * lineage reaches the live release; its content files stay until prune finds no release needs them (the next
   * release's journal entry may be the change from them).
   */
  private retire(id: string, live: string | undefined) {
    const tree = this.path(id);
    this.states.delete(id);
    fs.rmSync(this.statePath(id), { force: true });
    // Only a tree copyTree can bring up to the live release is worth keeping: one from before a
    // full build (which has no lineage) never can, and would wait in the work folder for nothing.
    if (live && this.changedBetween(id, live) && this.spares.length < MAX_SPARES) {
      const dir = path.join(this.workDir, `spare-${process.pid}-${++this.spareCount}`);
      try {
        fs.renameSync(tree, dir);
        this.spares.push({ dir, of: id });
        return;
      } catch {
        // removed as any other
      }
    }
    this.removeLater(tree);
  }

  /**
   * Releases being made that are not live yet (a full build rendering beside the publishes, or
   * waiting to be brought up to date): their trees and content files are neither retired nor pruned.
   */
  private pinned = new Set<string>();
  pin(id: string) {
    this.pinned.add(id);
  }
  unpin(id: string) {
    this.pinned.delete(id);
  }

  /** Sortable and unique: 20261129-043012-123. */
  newId() {
    const now = this.now();
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').replace(/\..*/, '');
    let id = `${stamp}-${String(now.getTime() % 1000).padStart(3, '0')}`;
    while (fs.existsSync(this.path(id))) id += 'x';
    return id;
  }

  path = (id: string) => path.join(this.releasesDir, id);
  /** The content release `id` was built from: a snapshot, or a journal entry (writeJournal). */
  snapshot = (id: string) => contentFile(this.snapshotsDir, id);
  /** The same content without what only an article's own page shows (leanSnapshot): what a waiting build preloads. */
  leanSnapshot = (id: string) => path.join(this.snapshotsDir, `${id}.lean.json`);
  /** What the CMS had published that release `id` stands for (see state.ts). */
  statePath = (id: string) => path.join(this.snapshotsDir, `${id}.state.json`);

  /**
   * Kept in memory once read (2 MB at 10,000 articles, asked for by every reconciliation, build and
   * editor's panel); only the publisher holding the directory's lock writes states.
   */
  private states = new Map<string, PublishState>();

  /**
   * The whole state the states staged now are recorded against (base-<uuid>.state.json), and the
   * bases read from disk. At 100,000 articles a whole state is 6.7 MB of JSON, made and written with
   * every publish (~0.3 s of the publisher, while the pages rendered, and now and then after); a
   * publish's state differs from the last whole one by the few documents published since.
   */
  private stateBase: { name: string; state: PublishState } | undefined;
  private bases = new Map<string, PublishState>();
  /** The base each state staged and not yet committed is recorded against. */
  private stagedBase = new Map<string, { name: string; state: PublishState; made: boolean }>();

  private basePath = (name: string) => path.join(this.snapshotsDir, `${name}.state.json`);

  readState(id: string): PublishState | null {
    const cached = this.states.get(id);
    if (cached) return cached;
    const file = this.statePath(id);
    if (!fs.existsSync(file)) return null;
    let state: unknown;
    try {
      const read = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<StateEntry>;
      if (read.journal !== 1)
        state = read; // whole: a state recorded before bases were
      else {
        const base = typeof read.base === 'string' ? this.readBase(read.base) : null;
        if (!base || typeof read.types !== 'object' || typeof read.generatedAt !== 'string') return null;
        state = withStateChange(base, { types: read.types, files: read.files }, read.generatedAt);
      }
    } catch {
      return null;
    }
    const parsed = publishStateSchema.safeParse(state);
    if (!parsed.success) return null;
    this.states.set(id, parsed.data);
    return parsed.data;
  }

  private readBase(name: string): PublishState | null {
    if (this.stateBase?.name === name) return this.stateBase.state;
    const known = this.bases.get(name);
    if (known) return known;
    if (!STATE_BASE.test(`${name}.state.json`) || !fs.existsSync(this.basePath(name))) return null;
    const parsed = publishStateSchema.safeParse(JSON.parse(fs.readFileSync(this.basePath(name), 'utf8')));
    if (!parsed.success) return null;
    this.bases.set(name, parsed.data);
    return parsed.data;
  }

  /** Whole or not at all (a temporary name, then rename): a reader never sees half a state. */
  writeState(id: string, state: PublishState) {
    this.stageState(id, state);
    this.commitState(id, state);
  }

  /**
   * Writes release `id`'s state beside its place, where commitState puts it: as the change from
   * the last whole state (stateChange; a few kilobytes), or, with no such base or more than
   * MAX_STATE_CHANGES documents changed since it, with a new base: the state whole.
   */
  stageState(id: string, state: PublishState) {
    const { base, text } = this.entryOf(state);
    if (base.made) fs.writeFileSync(this.basePath(base.name), JSON.stringify(state));
    fs.writeFileSync(`${this.statePath(id)}.tmp`, text);
    this.stagedBase.set(id, base);
  }

  /**
   * stageState, a new base written as it is made, `pause` awaited between steps: made at once it
   * held the publisher's event loop ~0.2-0.5 s at 100,000 articles while the publish's pages
   * rendered, and the build's word that they were written waited for it.
   */
  async stageStateInSteps(id: string, state: PublishState, pause: () => Promise<unknown>) {
    const { base, text } = this.entryOf(state);
    if (base.made) await fs.promises.writeFile(this.basePath(base.name), await stringifyInSteps(state, pause));
    await fs.promises.writeFile(`${this.statePath(id)}.tmp`, text);
    this.stagedBase.set(id, base);
  }

  /** `state`'s entry: the change from the base it is recorded against (a new one, `made`, when it is the base). */
  private entryOf(state: PublishState) {
    // (Its file is there unless another process removed it: then a new base.)
    const current = this.stateBase && fs.existsSync(this.basePath(this.stateBase.name)) ? this.stateBase : undefined;
    const change = current && stateChange(current.state, state, MAX_STATE_CHANGES);
    const base = current && change ? { ...current, made: false } : { name: `base-${randomUUID()}`, state, made: true };
    const entry: StateEntry = {
      journal: 1,
      base: base.name,
      generatedAt: state.generatedAt,
      ...(change || { types: {} }),
    };
    return { base, text: JSON.stringify(entry) };
  }

  commitState(id: string, state: PublishState) {
    const file = this.statePath(id);
    // Its base removed since it was staged (prune, by a publisher that had not seen it): staged again.
    const staged = this.stagedBase.get(id);
    if (!staged || !fs.existsSync(this.basePath(staged.name))) this.stageState(id, state);
    const base = this.stagedBase.get(id)!;
    this.stagedBase.delete(id);
    fs.renameSync(`${file}.tmp`, file);
    this.states.set(id, state);
    if (base.made) this.stateBase = { name: base.name, state: base.state };
  }

  /**
   * Removes the bases (stageState) no release's state is recorded against any more, but the one
   * states are staged against now.
   */
  private sweepStateBases() {
    const used = new Set([this.stateBase?.name, ...[...this.stagedBase.values()].map((b) => b.name)]);
    const names = fs.readdirSync(this.snapshotsDir);
    for (const name of names) {
      if (!name.endsWith('.state.json') || STATE_BASE.test(name)) continue;
      const base = STATE_JOURNAL_HEAD.exec(head(path.join(this.snapshotsDir, name), 128))?.[1];
      if (base) used.add(base);
    }
    for (const name of names) {
      const base = STATE_BASE.exec(name)?.[1];
      if (!base || used.has(base)) continue;
      fs.rmSync(path.join(this.snapshotsDir, name), { force: true });
      this.bases.delete(base);
    }
  }

  /** Records release `id`'s content as the change from release `base`'s snapshot (whole or not at all). */
  writeJournal(id: string, base: string, delta: SnapshotDelta) {
    const file = this.snapshot(id);
    const entry: JournalEntry = { journal: 1, base, delta };
    fs.writeFileSync(`${file}.tmp`, JSON.stringify(entry));
    fs.renameSync(`${file}.tmp`, file);
  }

  /** The release whose snapshot release `id`'s journal entry is the change from; null for a whole snapshot. */
  journalBase = (id: string) => journalBase(this.snapshotsDir, id);

  /** Release `id`'s journal entry; null when its content is a whole snapshot, or not on disk. */
  readJournal = (id: string) => readJournal(this.snapshotsDir, id);

  /**
   * Release `id`'s content, or null when it is not on disk (`known`: a whole snapshot already
   * read, used when it is the base). Throws when a file cannot be read.
   */
  readContent = (id: string, known?: { id: string; snapshot: Snapshot }) =>
    readReleaseContent(this.snapshotsDir, id, known);

  /** Removes release `id`'s state (its release went live under another id). */
  forgetState(id: string) {
    this.states.delete(id);
    fs.rmSync(this.statePath(id), { force: true });
  }

  copyState(from: string, to: string) {
    if (fs.existsSync(this.statePath(from))) fs.copyFileSync(this.statePath(from), this.statePath(to));
  }

  /** Set by a rollback: no release goes live until someone resumes publishing (the reason, or null). */
  paused(): string | null {
    const file = path.join(this.dir, 'paused');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() || 'paused' : null;
  }

  pause(reason: string) {
    fs.writeFileSync(path.join(this.dir, 'paused'), reason);
  }

  resume() {
    fs.rmSync(path.join(this.dir, 'paused'), { force: true });
  }

  /** The live release's id and since when it is live, or null before the first release. */
  live(): { id: string; since: string } | null {
    const stat = fs.lstatSync(this.current, { throwIfNoEntry: false });
    if (!stat?.isSymbolicLink()) return null;
    return { id: path.basename(fs.readlinkSync(this.current)), since: stat.mtime.toISOString() };
  }

  /** Release ids, oldest first. */
  list() {
    return fs
      .readdirSync(this.releasesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
  }

  /** Makes `id` live atomically. */
  activate(id: string) {
    if (!fs.existsSync(path.join(this.path(id), 'index.html'))) throw new Error(`Release ${id} has no index.html.`);
    const link = path.join(this.dir, `.current-${id}`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join('releases', id), link);
    fs.renameSync(link, this.current);
  }

  /**
   * Releases grouped by the content they were built from, oldest first: releases whose snapshot is
   * a hard link of the same file are one content (earlier versions made a search-indexed copy of a
   * release as a new release of it; the search index now switches in place: swapSearchIndex).
   */
  versions(): string[][] {
    const groups = new Map<number | string, string[]>();
    for (const id of this.list()) {
      const key = fs.statSync(this.snapshot(id), { throwIfNoEntry: false })?.ino ?? id;
      groups.set(key, [...(groups.get(key) ?? []), id]);
    }
    return [...groups.values()];
  }

  /** Goes back to the content live before the current one (its newest release); returns [from, to]. */
  rollback(): [string, string] {
    const live = this.live();
    if (!live) throw new Error(`Nothing is live in ${this.dir}: there is nothing to roll back.`);
    const versions = this.versions();
    const at = versions.findIndex((ids) => ids.includes(live.id));
    const previous = versions.slice(0, Math.max(0, at)).at(-1)?.at(-1);
    if (!previous)
      throw new Error(`Release ${live.id} is the oldest one kept in ${this.releasesDir}: nothing to roll back to.`);
    this.activate(previous);
    return [live.id, previous];
  }

  /**
   * Retires (retire) the releases of all but the newest `keep` contents, never the live one nor
   * one whose tree is being copied (retired at a later call); returns them. Their content files
   * stay until prune.
   */
  retireBeyond(keep: number) {
    const live = this.live()?.id;
    const versions = this.versions();
    const doomed = versions
      .slice(0, Math.max(0, versions.length - keep))
      .flat()
      .filter((id) => id !== live && !this.pinned.has(id) && !this.copiesFrom.has(id));
    for (const id of doomed) this.retire(id, live);
    return doomed;
  }

  /**
   * Deletes the releases of all but the newest `keep` contents, never the live one, and the
   * content files and search indexes no release kept needs; returns the releases it deleted.
   */
  prune(keep: number) {
    const doomed = this.retireBeyond(keep);
    // The snapshots kept releases' journal entries are the change from stay, as long as one does.
    const kept = new Set([...this.list(), ...this.pinned]);
    const bases = new Set([...kept].flatMap((id) => this.journalBase(id) ?? []));
    for (const name of fs.readdirSync(this.snapshotsDir)) {
      const id = /^([^.]+)(\.lean)?\.json$/.exec(name)?.[1]; // not states: discard removes those
      if (id && !kept.has(id) && !bases.has(id)) fs.rmSync(path.join(this.snapshotsDir, name), { force: true });
    }
    this.sweepStateBases();
    this.sweepSearchIndexes();
    return doomed;
  }

  /** Removes the search indexes no release links to. */
  sweepSearchIndexes() {
    const used = new Set(this.list().map((id) => this.searchIndexOf(id)));
    for (const index of fs.readdirSync(this.searchDir)) {
      // (Dot folders are the indexes' own: the shards they link to, kept by the search indexer.)
      if (!used.has(index) && !index.startsWith('.')) this.removeLater(path.join(this.searchDir, index));
    }
  }

  /** The search index a release links to, if any. */
  private searchIndexOf(id: string) {
    const link = path.join(this.path(id), 'pagefind');
    return fs.lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()
      ? path.basename(fs.readlinkSync(link))
      : null;
  }

  /** Moves a freshly written Pagefind bundle into the shared store and links release `id` to it. */
  addSearchIndex(id: string, bundle: string) {
    fs.renameSync(bundle, path.join(this.searchDir, id));
    fs.symlinkSync(path.join('..', '..', 'search', id), path.join(this.path(id), 'pagefind'));
  }

  /**
   * Moves a freshly written Pagefind bundle into the shared store as `name` and points release
   * `id` at it: one rename of a new symlink over its `pagefind`, so a reader's request gets the old
   * index or the new one (as at any switch of releases); the pages do not change.
   */
  swapSearchIndex(id: string, bundle: string, name: string) {
    fs.renameSync(bundle, path.join(this.searchDir, name));
    const target = path.join(this.path(id), 'pagefind');
    const link = path.join(this.path(id), `.pagefind-${name}`);
    fs.rmSync(link, { force: true });
    fs.symlinkSync(path.join('..', '..', 'search', name), link);
    // A folder (an index built by `astro build` itself) cannot be renamed over: it goes first.
    if (fs.lstatSync(target, { throwIfNoEntry: false })?.isDirectory()) fs.rmSync(target, { recursive: true });
    fs.renameSync(link, target);
  }

  /** Release `to` uses the search index of release `from` (until it gets its own). */
  shareSearchIndex(from: string, to: string) {
    const index = this.searchIndexOf(from);
    const link = path.join(this.path(to), 'pagefind');
    if (index && !fs.existsSync(link)) fs.symlinkSync(path.join('..', '..', 'search', index), link);
  }

  /**
   * Release `id` searches the index it links to (the live release's, shared) without the bundles
   * holding the pages of `slugs` (withoutPages), in an index of its own; `slugs` null: pages not
   * known, no index at all. Until it is indexed itself, nothing of a story it no longer has as it
   * was (unpublished, or changed) is found on it; the stories of the other shards are.
   */
  narrowSearchIndex(id: string, slugs: string[] | null) {
    const index = this.searchIndexOf(id);
    if (!index || slugs?.length === 0) return;
    const link = path.join(this.path(id), 'pagefind');
    const name = `${this.newId()}-narrowed`;
    const out = path.join(this.searchDir, name);
    let left: number | null = null;
    try {
      left = slugs && withoutPages(path.join(this.searchDir, index), out, slugs);
    } catch {
      // unlinked below
    }
    if (left === null || left === 0) fs.rmSync(out, { recursive: true, force: true });
    if (left === 0) return; // none of those pages is in it
    fs.rmSync(link, { force: true });
    if (left !== null) fs.symlinkSync(path.join('..', '..', 'search', name), link);
  }

  /** Release `to` links to the search index release `from` links to now, whatever it linked to before. */
  relinkSearchIndex(from: string, to: string) {
    fs.rmSync(path.join(this.path(to), 'pagefind'), { recursive: true, force: true });
    this.shareSearchIndex(from, to);
  }

  /**
   * Removes release `id`, and its content unless another release's journal entry is the change
   * from it (prune removes that once none is).
   */
  discard(id: string) {
    this.states.delete(id);
    this.stagedBase.delete(id);
    this.removeLater(this.path(id));
    fs.rmSync(this.statePath(id), { force: true });
    fs.rmSync(`${this.statePath(id)}.tmp`, { force: true });
    // (The releases folder may be gone already: a search index finishing while its service stops.)
    const others = fs.existsSync(this.releasesDir) ? this.list() : [];
    const base = others.some((other) => other !== id && this.journalBase(other) === id);
    if (base) return;
    fs.rmSync(this.snapshot(id), { force: true });
    fs.rmSync(this.leanSnapshot(id), { force: true });
  }
}

/**
 * JSON.stringify(value), the same text, made `step` object entries at a time with `pause` awaited in
 * between: for records of many entries (a publishing state's 100,000 versions). Objects are walked
 * as JSON.stringify walks them (own enumerable keys in order, undefined values left out); anything
 * else (strings, arrays, …) is JSON.stringify's at once.
 */
export async function stringifyInSteps(value: unknown, pause: () => Promise<unknown>, step = 10_000) {
  const out: string[] = [];
  let entries = 0;
  const write = async (v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || 'toJSON' in v) {
      out.push(JSON.stringify(v));
      return;
    }
    out.push('{');
    let first = true;
    for (const [key, x] of Object.entries(v)) {
      if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue;
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      await write(x);
      if (++entries % step === 0) await pause();
    }
    out.push('}');
  };
  await write(value);
  return out.join('');
}

/**
 * `rm -rf dir` in the background, niced and in the idle I/O class (ionice -c 3: the disk is its
 * only when nothing else wants it); by Node's own removal where there is no `ionice`.
 */
function removeInBackground(dir: string) {
  const rm = spawn('ionice', ['-c', '3', 'nice', '-n', '10', 'rm', '-rf', dir], { stdio: 'ignore' });
  rm.on('error', () => void fs.promises.rm(dir, { recursive: true, force: true }).catch(() => undefined));
  rm.unref();
}

/**
 * Copies a release as hard links (no file data is copied: 12,000 pages take well under a second).
 * Files are never written through a link afterwards, only replaced (see `moveInto`), so the live
 * release cannot change under readers.
 */
export function linkTree(from: string, to: string, skip: ReadonlySet<string> = new Set()) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
    else if (entry.isDirectory()) linkTree(src, dest);
    else fs.linkSync(src, dest);
  }
}

/** Entries a `cp` links at most, in a folder copied by several at once (well within the argument list's limit). */
const LINK_BATCH = 2000;

/**
 * `linkTree` in the background, by `cp -Rl` (a C loop, several times faster on 25,000 files than
 * one Node call per file), leaving the event loop free. Most of a copy is the kernel making a
 * folder per page (~0.1 ms each on this ext4, against ~0.013 ms a hard link: 18-35 s at 100,000
 * articles in one `cp -al`), so a top-level folder of more than `batch` entries (the article pages)
 * is linked by `parallel` `cp` at once, `batch` entries each (four took 14-28 s where one took 21-35
 * s, the same tree in turns), and the folders' times and owners are not copied (`-a` set them on
 * each folder after making it: `cp -Rl` took 0.72-0.74 s where `cp -al` took 0.97-1.07 s for 20,000
 * folders; files are links either way, and a folder's mode comes from its source and the umask).
 * Symlinks are copied as symlinks (`-P`). The `cp` runs are started by `xargs` (one per folder
 * copied in batches), not by this process: at 100,000 articles a copy is 50 of them, and starting a
 * process from a publisher holding the archive (~2 GB) held its event loop up ~0.1 s each — 5-10 s
 * of every copy, pages and webhooks waiting. Not niced: the copy is made as soon as a release is
 * complete, for the next publish, and a publish that comes soon after waits for it; niced, it lost
 * the cores to the next build's compile and made such a publish wait 2-3 s more. Falls back to
 * `linkTree` without GNU cp and xargs. `skip`: top-level entries left out.
 */
export async function linkTreeAsync(
  from: string,
  to: string,
  skip: ReadonlySet<string> = new Set(),
  { batch = LINK_BATCH, parallel = 4, ahead }: { batch?: number; parallel?: number; ahead?: FoldersAhead } = {}
): Promise<void> {
  let failed: unknown;
  try {
    if (ahead) await ahead.made;
    const jobs = await linkJobs(from, to, skip, batch, ahead !== undefined);
    // Every cp has exited before the tree is made again another way: none writes into it then.
    const results = await Promise.allSettled(jobs.map((job) => copyLinks(job, batch, parallel)));
    failed = results.find((result) => result.status === 'rejected')?.reason;
    if (!failed && ahead) await removeUnused(from, to, ahead.parent);
  } catch (error) {
    failed ??= error;
  }
  if (!failed) return;
  try {
    fs.rmSync(to, { recursive: true, force: true });
    linkTree(from, to, skip);
  } catch (fallback) {
    throw new Error(
      `Could not link ${from} to ${to}: ${(fallback as Error).message} (cp: ${(failed as Error).message})`
    );
  }
}

/** Entries of folder `cwd` that `cp` links into folder `into`. */
interface LinkJob {
  cwd: string;
  names: string[];
  into: string;
}

/**
 * Makes folder `to` (as `from`'s mode) and lists what the `cp` runs fill it with: its entries, and
 * those of a top-level folder of more than `batch` entries, made here too.
 */
async function linkJobs(
  from: string,
  to: string,
  skip: ReadonlySet<string>,
  batch: number,
  made: boolean
): Promise<LinkJob[]> {
  const jobs: LinkJob[] = [];
  const folder = async (src: string, dest: string) => {
    const mode = (await fs.promises.stat(src)).mode & 0o7777;
    if (!made) return fs.promises.mkdir(dest, { mode });
    // Made ahead (FoldersAhead), or not: as `from`'s either way.
    await fs.promises.mkdir(dest, { recursive: true, mode });
    await fs.promises.chmod(dest, mode);
  };
  await folder(from, to);
  const loose: string[] = [];
  for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const src = path.join(from, entry.name);
    const names = entry.isDirectory() ? await fs.promises.readdir(src) : [];
    if (names.length > batch) {
      await folder(src, path.join(to, entry.name));
      jobs.push({ cwd: src, names, into: path.join(to, entry.name) });
    } else loose.push(entry.name);
  }
  if (loose.length) jobs.push({ cwd: from, names: loose, into: to });
  return jobs;
}

/**
 * Folders made in a copy's folder `dir` before the tree it is to be a copy of is complete: the
 * folder of each of `names` in `dir/parent` (the article pages' folders of a full build, while
 * it renders). At 100,000 articles most of a whole copy is the kernel making those folders (one
 * `mkdir` ~0.1 ms in a folder that large, a hard link into a folder made ~0.02 ms): made ahead,
 * the copy after the build is the links, and the full build, which goes live once its copy is
 * made (the next publish's start), is ready that much sooner. They are made by `mkdir` runs at the lowest priority (`nice`), so the build
 * keeps the cores as much as the kernel lets it: beside two busy processes on two cores, 100,000
 * `mkdir`s got ~22% of a core niced to 19 or to 10 alike (a check here: done 8.5 / 6.9 s after
 * 60 s of them, 21.5 s alone at that hour; 4-9 s at another), enough in a full build's render of
 * that size (130-210 s).
 * `linkTreeAsync` given them (`ahead`) fills the folders, makes those not made ahead, and removes
 * those its tree does not have (compared with the tree, not guessed): the copy is the same as one
 * made from nothing. A run that fails leaves the rest to `cp`.
 */
export interface FoldersAhead {
  /** The copy's folder, and the folder in it that holds those made ahead. */
  dir: string;
  parent: string;
  /** Settles (never rejects) once the `mkdir` runs are over. */
  made: Promise<void>;
}

export function makeFoldersAhead(dir: string, parent: string, names: readonly string[]): FoldersAhead {
  // (A name that is not one folder's is left to cp, which makes what the tree has.)
  const folders = names.filter((name) => name && !/[/\0]/.test(name) && name !== '.' && name !== '..');
  const made = (async () => {
    await fs.promises.mkdir(path.join(dir, parent), { recursive: true });
    await new Promise<void>((resolve) => {
      const xargs = spawn('nice', ['-n', '19', 'xargs', '-0', '-r', '-n', String(LINK_BATCH), 'mkdir', '-p', '--'], {
        cwd: path.join(dir, parent),
        stdio: ['pipe', 'ignore', 'ignore'],
      });
      xargs.stdin.on('error', () => undefined);
      xargs.stdin.end(folders.map((name) => `${name}\0`).join(''));
      xargs.on('error', () => resolve());
      xargs.on('exit', () => resolve());
    });
  })().catch(() => undefined);
  return { dir, parent, made };
}

/**
 * The folders made ahead in `to/parent` (FoldersAhead) that `from` does not have, removed once
 * the copy is made: each must be empty (no cp wrote into it), or the copy is not `from`'s.
 */
async function removeUnused(from: string, to: string, parent: string) {
  const there = await fs.promises.readdir(path.join(from, parent)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const kept = new Set(there ?? []);
  const dest = path.join(to, parent);
  for (const name of await fs.promises.readdir(dest))
    if (!kept.has(name)) await fs.promises.rmdir(path.join(dest, name));
  if (!there) await fs.promises.rmdir(dest);
}

/** `cp -Rl` of a job's entries, `batch` a run, `parallel` runs at once: one `xargs`, given the names on its input. */
function copyLinks({ cwd, names, into }: LinkJob, batch: number, parallel: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const xargs = spawn(
      'xargs',
      ['-0', '-P', String(parallel), '-n', String(batch), 'cp', '-R', '-l', '-P', '-t', into, '--'],
      { cwd, stdio: ['pipe', 'ignore', 'pipe'] }
    );
    let stderr = '';
    xargs.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    xargs.stdin.on('error', () => undefined); // an xargs that failed to start: its error below
    xargs.stdin.end(names.map((name) => `${name}\0`).join(''));
    xargs.on('error', reject);
    xargs.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`cp -Rl (by xargs) exited with ${signal ?? code}: ${stderr.trim()}`))
    );
  });
}

/**
 * Makes the tree `tree` equal to `source` where they may differ (`changed`: paths relative to
 * both; folders taken whole): every such path is removed from `tree` and linked again from
 * `source` when it has it (a file as a hard link, a folder by linkTree, a symlink as itself). The
 * folders a removal leaves empty go too, unless `source` has them. Throws when a path cannot be
 * made the same (a file where `source` has a folder on the way, say): the caller links anew.
 */
export function syncTree(tree: string, source: string, changed: Iterable<string>) {
  // (Sorted, for a repeatable order: a path and a folder holding it come out the same either way.)
  for (const rel of [...changed].sort()) {
    if (!rel || path.isAbsolute(rel) || rel.split(path.sep).includes('..'))
      throw new Error(`${JSON.stringify(rel)} is not a path inside a release.`);
    const dest = path.join(tree, rel);
    const src = path.join(source, rel);
    fs.rmSync(dest, { recursive: true, force: true });
    const stat = fs.lstatSync(src, { throwIfNoEntry: false });
    if (!stat) {
      for (let folder = path.dirname(rel); folder !== '.'; folder = path.dirname(folder)) {
        const here = path.join(tree, folder);
        if (fs.existsSync(path.join(source, folder)) || !fs.existsSync(here) || fs.readdirSync(here).length) break;
        fs.rmdirSync(here);
      }
      continue;
    }
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
    else if (stat.isDirectory()) linkTree(src, dest);
    else fs.linkSync(src, dest);
  }
}

/** Every file and symlink under `dir`, as paths relative to it. */
export function filesUnder(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/**
 * Moves every file of `from` into `to`, replacing files of the same name: by rename (a new
 * directory entry, never a write into a file a live release shares), or across file systems by
 * copying to a temporary name and renaming that.
 */
export function moveInto(from: string, to: string) {
  if (!fs.existsSync(to)) {
    try {
      fs.renameSync(from, to); // a whole new directory: one rename
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    }
  }
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isDirectory()) moveInto(src, dest);
    else moveFile(src, dest);
  }
}

/**
 * Moves what `from` has and `to` lacks into `to` (whole folders in one rename). A file both have
 * must be the same bytes: the parts of a full build render pages without paths (home, feeds, 404)
 * and the shared assets alike, and anything else means they did not build the same site.
 */
export function mergeInto(from: string, to: string, where = '') {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    const rel = path.join(where, entry.name);
    const there = fs.statSync(dest, { throwIfNoEntry: false });
    if (!there) moveInto(src, dest);
    else if (entry.isDirectory() && there.isDirectory()) mergeInto(src, dest, rel);
    else if (entry.isDirectory() || there.isDirectory() || !fs.readFileSync(src).equals(fs.readFileSync(dest)))
      throw new Error(`The parts of this build wrote different ${rel}: it cannot be assembled.`);
  }
}

function moveFile(src: string, dest: string) {
  try {
    fs.renameSync(src, dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error;
    fs.copyFileSync(src, `${dest}.tmp`);
    fs.renameSync(`${dest}.tmp`, dest);
  }
}

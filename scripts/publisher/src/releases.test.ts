import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import { linkTreeAsync, makeFoldersAhead, mergeInto, Releases, stringifyInSteps, syncTree } from './releases';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A publish directory in a temporary folder, on a clock the test moves by hand. */
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-releases-'));
  dirs.push(dir);
  let t = Date.parse('2026-11-29T08:00:00.000Z');
  const releases = new Releases(dir, () => new Date(t));
  const tick = () => (t += 1000);
  /** A new release of new content, made live as the publisher does. */
  const publish = (html: string) => {
    tick();
    const id = releases.newId();
    fs.mkdirSync(releases.path(id), { recursive: true });
    fs.writeFileSync(path.join(releases.path(id), 'index.html'), html);
    fs.writeFileSync(releases.snapshot(id), JSON.stringify({ html }));
    releases.activate(id);
    return id;
  };
  /** A search-indexed copy of the live release: same content (snapshot hard-linked), its own index. */
  const index = () => {
    tick();
    const of = releases.live()!.id;
    const id = releases.newId();
    fs.cpSync(releases.path(of), releases.path(id), { recursive: true });
    fs.rmSync(path.join(releases.path(id), 'pagefind'), { force: true });
    const bundle = path.join(releases.workDir, `${id}-pagefind`);
    fs.mkdirSync(bundle);
    fs.writeFileSync(path.join(bundle, 'pagefind.js'), `index of ${of}`);
    releases.addSearchIndex(id, bundle);
    fs.linkSync(releases.snapshot(of), releases.snapshot(id));
    releases.activate(id);
    return id;
  };
  const served = () => fs.readFileSync(path.join(dir, 'current', 'index.html'), 'utf8');
  return { dir, releases, publish, index, served };
}

describe('releases on disk', () => {
  it('names releases by the clock, in the order they were made, never twice', () => {
    const { releases } = setup();
    const a = releases.newId();
    fs.mkdirSync(releases.path(a));
    const b = releases.newId(); // same instant
    expect(a).toBe('20261129-080000-000');
    expect(b).not.toBe(a);
    expect([b, a].sort()).toEqual([a, b]);
  });

  it('switches the live release with one symlink, and refuses a release without a home page', () => {
    const { releases, publish, served, dir } = setup();
    const first = publish('one');
    expect(served()).toBe('one');
    expect(releases.live()?.id).toBe(first);
    expect(fs.readlinkSync(path.join(dir, 'current'))).toBe(path.join('releases', first));
    const broken = releases.newId();
    fs.mkdirSync(releases.path(broken));
    expect(() => releases.activate(broken)).toThrow(/has no index.html/);
    expect(served()).toBe('one');
  });

  it('rolls back to the previous content, past the search-indexed copies of the current one', () => {
    const { releases, publish, index, served } = setup();
    const v1 = publish('v1');
    const v1indexed = index();
    publish('v2');
    const v2indexed = index();
    expect(releases.versions()).toHaveLength(2);
    expect(releases.rollback()).toEqual([v2indexed, v1indexed]); // the newest release of v1: with its index
    expect(served()).toBe('v1');
    expect(fs.existsSync(path.join(releases.path(v1indexed), 'pagefind', 'pagefind.js'))).toBe(true);
    expect(() => releases.rollback()).toThrow(new RegExp(`${v1indexed} is the oldest one kept`));
    expect(releases.live()?.id).toBe(v1indexed);
    expect(releases.list()).toContain(v1);
  });

  it('refuses a rollback when nothing is live', () => {
    const { releases } = setup();
    expect(() => releases.rollback()).toThrow(/Nothing is live/);
  });

  it('prunes all but the newest contents, with their search indexes, and never the live one', () => {
    const { releases, publish, index, dir } = setup();
    const v1 = publish('v1');
    const v1indexed = index();
    const v2 = publish('v2');
    const v3 = publish('v3');
    const v3indexed = index();
    expect(releases.prune(2).sort()).toEqual([v1, v1indexed].sort());
    expect(releases.list()).toEqual([v2, v3, v3indexed]);
    expect(fs.readdirSync(releases.searchDir)).toEqual([v3indexed]); // v1's index went with it
    expect(fs.existsSync(releases.snapshot(v1))).toBe(false);

    // After a rollback the live release is the oldest content: pruning keeps it all the same.
    releases.rollback();
    expect(releases.live()?.id).toBe(v2);
    publish('v4');
    releases.activate(v2);
    expect(releases.prune(1)).not.toContain(v2);
    expect(releases.live()?.id).toBe(v2);
    expect(fs.readFileSync(path.join(dir, 'current', 'index.html'), 'utf8')).toBe('v2');
  });

  it('removes what it discards in the background: gone from its place at once, from the disk soon after', async () => {
    const { releases, publish } = setup();
    const v1 = publish('v1');
    for (let i = 0; i < 50; i++)
      fs.mkdirSync(path.join(releases.path(v1), 'bai-viet', `tin-${i}`), { recursive: true });
    publish('v2');
    releases.discard(v1);
    expect(fs.existsSync(releases.path(v1))).toBe(false);
    expect(releases.list()).not.toContain(v1);
    await vi.waitFor(() => expect(fs.readdirSync(releases.trashDir)).toEqual([]), { timeout: 10_000, interval: 50 });
  });

  it('pauses and resumes publishing with a reason kept on disk', () => {
    const { releases, dir } = setup();
    expect(releases.paused()).toBeNull();
    releases.pause('rolled back by the desk');
    expect(new Releases(dir).paused()).toBe('rolled back by the desk');
    releases.resume();
    expect(releases.paused()).toBeNull();
  });

  it('keeps what a release stands for whole, and forgets it with the release', () => {
    const { releases, publish } = setup();
    const id = publish('v1');
    const state = {
      generatedAt: '2026-11-29T08:00:00.000Z',
      types: { 'api::article.article': { a: 'v1' } },
      files: { '1': ['/uploads/a.jpg', '2026-11-29T07:00:00.000Z'] as [string, string] },
    };
    releases.writeState(id, state);
    expect(new Releases(releases.dir).readState(id)).toEqual(state);
    releases.discard(id);
    expect(releases.readState(id)).toBeNull();
    expect(fs.existsSync(releases.path(id))).toBe(false);
  });

  it("keeps a checkpoint's snapshot while a kept release's journal entry is the change from it", () => {
    const { releases, publish } = setup();
    const delta = { version: 1 as const, rest: {} as never, articles: [], removed: [], count: 0 };
    const checkpoint = publish('checkpoint');
    fs.writeFileSync(releases.leanSnapshot(checkpoint), '{}');
    const journaled: string[] = [];
    for (const html of ['a', 'b', 'c']) {
      const id = publish(html);
      releases.writeJournal(id, checkpoint, delta);
      journaled.push(id);
    }
    expect(releases.journalBase(journaled[0])).toBe(checkpoint);
    expect(releases.readJournal(journaled[0])).toEqual({ journal: 1, base: checkpoint, delta });
    expect(releases.journalBase(checkpoint)).toBeNull();
    expect(releases.readJournal(checkpoint)).toBeNull();

    // The checkpoint's release goes, its content stays: the journal entries kept need it.
    expect(releases.prune(2)).toContain(checkpoint);
    expect(fs.existsSync(releases.path(checkpoint))).toBe(false);
    expect(fs.existsSync(releases.snapshot(checkpoint))).toBe(true);
    expect(fs.existsSync(releases.leanSnapshot(checkpoint))).toBe(true);

    // Once no kept release is the change from it, it goes too; a state file is never taken for content.
    const whole = publish('whole');
    releases.writeState(whole, { version: 1, documents: {} } as never);
    releases.prune(1);
    expect(releases.list()).toEqual([whole]);
    expect(
      fs
        .readdirSync(releases.snapshotsDir)
        .filter((name) => !name.startsWith('base-'))
        .sort()
    ).toEqual([`${whole}.json`, `${whole}.state.json`]);
  });

  it("records a release's state as the change from the last whole one, read back whole by another process", () => {
    const { releases, publish } = setup();
    const ARTICLE = 'api::article.article';
    const bases = () => fs.readdirSync(releases.snapshotsDir).filter((name) => name.startsWith('base-'));
    const versions = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`d${i}`, 'v1']));
    const stateAt = (s: number, types: Record<string, Record<string, string>>) => ({
      generatedAt: `2026-11-29T08:00:0${s}.000Z`,
      types,
      files: { '1': ['/uploads/a.jpg', '2026-11-29T07:00:00.000Z'] as [string, string] },
    });
    const v1 = publish('v1');
    const s1 = stateAt(1, { [ARTICLE]: versions });
    releases.writeState(v1, s1);
    expect(bases()).toHaveLength(1);
    const v2 = publish('v2');
    const { d1: _gone, ...rest } = versions;
    const s2 = stateAt(2, { [ARTICLE]: { ...rest, d2: 'v2', moi: 'v1' }, 'api::tag.tag': { t: 'v1' } });
    releases.writeState(v2, s2);
    // The change from v1's (a few bytes), and no new base.
    expect(fs.statSync(releases.statePath(v2)).size).toBeLessThan(300);
    expect(bases()).toHaveLength(1);
    expect(new Releases(releases.dir).readState(v1)).toEqual(s1);
    expect(new Releases(releases.dir).readState(v2)).toEqual(s2);

    // Every version changed: recorded whole, a new base.
    const v3 = publish('v3');
    const s3 = stateAt(3, { [ARTICLE]: Object.fromEntries(Object.keys(versions).map((id) => [id, 'v3'])) });
    releases.writeState(v3, s3);
    expect(bases()).toHaveLength(2);
    // The first base goes with the releases recorded against it; the one v3's is kept.
    releases.prune(1);
    expect(releases.list()).toEqual([v3]);
    expect(bases()).toHaveLength(1);
    expect(new Releases(releases.dir).readState(v3)).toEqual(s3);

    // Its base removed after a state was staged against it (another process's prune): staged anew.
    const v4 = publish('v4');
    const s4 = stateAt(4, { [ARTICLE]: { ...s3.types[ARTICLE], d9: 'v4' } });
    releases.stageState(v4, s4);
    for (const name of bases()) fs.rmSync(path.join(releases.snapshotsDir, name));
    releases.commitState(v4, s4);
    expect(new Releases(releases.dir).readState(v4)).toEqual(s4);
    // A state file from before bases (whole) is read as it is.
    const v5 = publish('v5');
    fs.writeFileSync(releases.statePath(v5), JSON.stringify(s1));
    expect(new Releases(releases.dir).readState(v5)).toEqual(s1);
  });
});

describe('mergeInto (the parts of a full build, into one output)', () => {
  /** A folder holding `files` (relative path → text). */
  function tree(files: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-merge-'));
    dirs.push(dir);
    for (const [file, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
  }
  const read = (dir: string) =>
    Object.fromEntries(
      (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
        .filter((e) => e.isFile())
        .map((e) => {
          const file = path.join(e.parentPath, e.name);
          return [path.relative(dir, file), fs.readFileSync(file, 'utf8')];
        })
    );

  it('moves in the pages only the other part has, and keeps one copy of those both wrote alike', () => {
    const first = tree({ 'index.html': 'home', 'bai-viet/a/index.html': 'A', '_astro/x.css': 'css' });
    const second = tree({
      'index.html': 'home',
      'bai-viet/b/index.html': 'B',
      'the/t/index.html': 'T',
      '_astro/x.css': 'css',
    });
    mergeInto(second, first);
    expect(read(first)).toEqual({
      'index.html': 'home',
      'bai-viet/a/index.html': 'A',
      'bai-viet/b/index.html': 'B',
      'the/t/index.html': 'T',
      '_astro/x.css': 'css',
    });
  });

  it('refuses parts that wrote the same file differently, naming it', () => {
    const first = tree({ 'index.html': 'home', 'rss.xml': 'one' });
    const second = tree({ 'index.html': 'home', 'rss.xml': 'two' });
    expect(() => mergeInto(second, first)).toThrow(/different rss\.xml/);
    // A file where the other has a folder is no more the same site.
    expect(() => mergeInto(tree({ 'index.html/x': 'y' }), first)).toThrow(/different index\.html/);
  });
});

describe('copyTree (the next release starts as the live one, from a retired tree when it can)', () => {
  /** Every entry of a tree: folders, files by inode (hard links of the same file match), symlinks by target. */
  function entries(dir: string, prefix = ''): string[] {
    return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
      const rel = path.join(prefix, e.name);
      const full = path.join(dir, rel);
      if (e.isSymbolicLink()) return [`link ${rel} → ${fs.readlinkSync(full)}`];
      if (e.isDirectory()) return [`dir ${rel}`, ...entries(dir, rel)];
      return [`file ${rel} #${fs.statSync(full).ino}`];
    });
  }
  const sorted = (dir: string) => entries(dir).sort();

  /** A seeded generator (mulberry32), so that a failure can be run again. */
  function random(seed: number) {
    return () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
    };
  }

  it('equals a fresh copy of the live release after any run of publishes and rollbacks', async () => {
    const { releases, dir } = setup();
    const rand = random(42);
    const pick = <T>(list: T[]) => list[Math.floor(rand() * list.length)];
    let clock = 0;
    const newId = () => `20261129-0800${String(++clock).padStart(4, '0')}`;
    // The first release: written whole (a full build: no lineage).
    const first = newId();
    const slugs = Array.from({ length: 40 }, (_, i) => `tin-${i}`);
    for (const slug of slugs) {
      fs.mkdirSync(path.join(releases.path(first), 'bai-viet', slug), { recursive: true });
      fs.writeFileSync(path.join(releases.path(first), 'bai-viet', slug, 'index.html'), slug);
    }
    fs.writeFileSync(path.join(releases.path(first), 'index.html'), 'home');
    fs.writeFileSync(releases.snapshot(first), '{}');
    releases.activate(first);
    const retired = new Set<number>();
    let reused = 0;
    for (let step = 0; step < 120; step++) {
      const live = releases.live()!.id;
      const id = newId();
      const to = releases.path(id);
      await releases.copyTree(live, to);
      if (retired.has(fs.statSync(to).ino)) reused++;
      expect(sorted(to), `step ${step}: the copy of ${live}`).toEqual(sorted(releases.path(live)));
      // What a publish does to its copy: pages replaced, added in new folders, removed with their folder, a symlink relinked.
      const touched: string[] = [];
      for (let n = 0; n < 1 + Math.floor(rand() * 4); n++) {
        const action = rand();
        const slug = pick(slugs);
        const page = path.join('bai-viet', slug, 'index.html');
        if (action < 0.5) {
          fs.mkdirSync(path.dirname(path.join(to, page)), { recursive: true });
          fs.writeFileSync(path.join(to, `${page}.tmp`), `${slug} at ${id}`);
          fs.renameSync(path.join(to, `${page}.tmp`), path.join(to, page));
          touched.push(page);
        } else if (action < 0.75) {
          fs.rmSync(path.join(to, 'bai-viet', slug), { recursive: true, force: true });
          // As the build names a folder, or as the plan names a page it removes: by its address.
          touched.push(rand() < 0.5 ? path.join('bai-viet', slug) : `/bai-viet/${slug}/`);
        } else if (action < 0.9) {
          // A file whose removal leaves its folder empty (a fallback page gone).
          fs.rmSync(path.join(to, page), { force: true });
          const folder = path.join(to, 'bai-viet', slug);
          if (fs.existsSync(folder) && !fs.readdirSync(folder).length) fs.rmdirSync(folder);
          touched.push(page);
        } else {
          fs.rmSync(path.join(to, 'pagefind'), { force: true });
          fs.symlinkSync(`../../search/${id}`, path.join(to, 'pagefind'));
          touched.push('pagefind');
        }
      }
      fs.writeFileSync(releases.snapshot(id), JSON.stringify({ id }));
      releases.derived(id, live, touched);
      releases.activate(id);
      // Now and then, the editor rolls back (the next copy is of an older release).
      if (rand() < 0.15 && releases.list().length > 2) releases.rollback();
      const before = new Map(releases.list().map((r) => [r, fs.statSync(releases.path(r)).ino]));
      for (const gone of releases.prune(3)) retired.add(before.get(gone)!);
    }
    // Most copies came from a retired tree, not from linking the whole archive again.
    expect(reused).toBeGreaterThan(100);
    expect(fs.readdirSync(dir)).toContain('current');
  });

  it('links the whole tree anew when the lineage does not reach the live release', async () => {
    const { releases, publish } = setup();
    const v1 = publish('v1');
    const v2 = publish('v2'); // written whole: no lineage
    fs.mkdirSync(path.join(releases.path(v2), 'bai-viet', 'a'), { recursive: true });
    fs.writeFileSync(path.join(releases.path(v2), 'bai-viet', 'a', 'index.html'), 'A');
    releases.derived(v1, 'older', ['index.html']);
    releases.prune(1); // v1 retired, kept as a spare it cannot be brought to v2 from
    const copy = path.join(releases.workDir, 'copy');
    await releases.copyTree(v2, copy);
    expect(sorted(copy)).toEqual(sorted(releases.path(v2)));
  });

  /** A release's shape: a top-level folder of many pages (more than `pages`), loose files, nested listings, a symlink. */
  function archive(pages: number) {
    const from = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-link-'));
    dirs.push(from);
    for (let i = 0; i < pages; i++) {
      fs.mkdirSync(path.join(from, 'bai-viet', `tin-${i}`), { recursive: true });
      fs.writeFileSync(path.join(from, 'bai-viet', `tin-${i}`, 'index.html'), `tin ${i}`);
    }
    fs.writeFileSync(path.join(from, 'bai-viet', 'ban-tin.xml'), 'feed');
    fs.mkdirSync(path.join(from, 'bai-viet', 'trong'));
    fs.chmodSync(path.join(from, 'bai-viet'), 0o750);
    fs.mkdirSync(path.join(from, 'chuyen-muc', 'thoi-su', 'trang', '2'), { recursive: true });
    fs.writeFileSync(path.join(from, 'chuyen-muc', 'thoi-su', 'trang', '2', 'index.html'), 'page 2');
    fs.writeFileSync(path.join(from, 'index.html'), 'home');
    fs.symlinkSync('../../search/x', path.join(from, 'pagefind'));
    fs.mkdirSync(path.join(from, 'bo-qua'));
    fs.writeFileSync(path.join(from, 'bo-qua', 'index.html'), 'left out');
    return from;
  }

  /** An archive, and what linking it leaving `bo-qua` out must give: `cp -al` of it without that. */
  function archiveAndCopy(pages: number) {
    const from = archive(pages);
    const expected = `${from}-cp`;
    dirs.push(expected);
    execFileSync('cp', ['-al', from, expected]);
    fs.rmSync(path.join(expected, 'bo-qua'), { recursive: true });
    return { from, expected };
  }

  it('links a tree with several cp at once, a large folder in batches, as one cp -al does', async () => {
    const { from, expected } = archiveAndCopy(23);
    const to = `${from}-batched`;
    dirs.push(to);
    await linkTreeAsync(from, to, new Set(['bo-qua']), { batch: 5, parallel: 3 });
    expect(sorted(to)).toEqual(sorted(expected));
    // The folder made here rather than by cp keeps its mode.
    expect(fs.statSync(path.join(to, 'bai-viet')).mode & 0o777).toBe(0o750);
  });

  it('links a tree into folders made ahead: those it lacks made, those it has not removed', async () => {
    const { from, expected } = archiveAndCopy(23);
    const to = `${from}-ahead`;
    dirs.push(to);
    // Most of its pages' folders (three are left to cp), and two it does not have (a story taken
    // down while the pages rendered).
    const names = [...Array.from({ length: 20 }, (_, i) => `tin-${i}`), 'go-xuong', 'tin-da-xoa'];
    // Names that are not one folder's are left to cp.
    const ahead = makeFoldersAhead(to, 'bai-viet', [...names, '..', 'tin/khac', '']);
    await ahead.made;
    expect(fs.readdirSync(path.join(to, 'bai-viet')).sort()).toEqual([...names].sort());
    await linkTreeAsync(from, to, new Set(['bo-qua']), { batch: 5, parallel: 3, ahead });
    expect(sorted(to)).toEqual(sorted(expected));
    expect(fs.statSync(path.join(to, 'bai-viet')).mode & 0o777).toBe(0o750);

    // A folder made ahead that is a file in the tree: cp cannot link it, the copy is made anew.
    const clash = `${from}-clash`;
    dirs.push(clash);
    const withFile = makeFoldersAhead(clash, 'bai-viet', ['tin-1', 'ban-tin.xml']);
    await linkTreeAsync(from, clash, new Set(['bo-qua']), { batch: 5, ahead: withFile });
    expect(sorted(clash)).toEqual(sorted(expected));

    // Folders made ahead under a folder the tree has not: removed with it.
    const none = `${from}-none`;
    dirs.push(none);
    await linkTreeAsync(from, none, new Set(['bo-qua']), { ahead: makeFoldersAhead(none, 'tin-cu', ['a', 'b']) });
    expect(sorted(none)).toEqual(sorted(expected));
  });

  it('links the same tree in Node when there is no cp to run', async () => {
    const from = archive(12);
    const to = `${from}-node`;
    dirs.push(to);
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-path-'));
    dirs.push(empty);
    vi.stubEnv('PATH', empty);
    try {
      await linkTreeAsync(from, to, new Set(['bo-qua']), { batch: 5 });
    } finally {
      vi.unstubAllEnvs();
    }
    fs.rmSync(path.join(from, 'bo-qua'), { recursive: true });
    expect(sorted(to)).toEqual(sorted(from));
  });

  it('keeps a release whose tree is being copied until the copy is made, then retires it', async () => {
    const { releases, publish } = setup();
    const v1 = publish('v1');
    for (let i = 0; i < 40; i++) {
      fs.mkdirSync(path.join(releases.path(v1), 'bai-viet', `tin-${i}`), { recursive: true });
      fs.writeFileSync(path.join(releases.path(v1), 'bai-viet', `tin-${i}`, 'index.html'), `tin ${i}`);
    }
    // A copy of v1 under way (no spare: linked whole, by cp) when v2 goes live and the releases are pruned.
    const copy = path.join(releases.workDir, 'copy');
    const copied = releases.copyTree(v1, copy);
    const v2 = publish('v2');
    expect(releases.prune(1)).toEqual([]);
    expect(releases.list()).toEqual([v1, v2]);
    await copied;
    expect(sorted(copy)).toEqual(sorted(releases.path(v1)));
    expect(releases.prune(1)).toEqual([v1]);
    expect(releases.list()).toEqual([v2]);
  });

  it('keeps no spare that cannot be brought up to the live release (a full build came between)', async () => {
    const { releases, publish } = setup();
    const v1 = publish('v1');
    const v2 = publish('v2');
    releases.derived(v2, v1, ['index.html']);
    const v3 = publish('v3'); // a full build: written whole, no lineage
    releases.prune(1);
    expect(releases.list()).toEqual([v3]);
    expect(fs.readdirSync(releases.workDir).filter((f) => f.startsWith('spare-'))).toEqual([]);
    // After a publish derived from it, the release it replaced is kept, and the next copy starts from it.
    const v4 = publish('v4');
    releases.derived(v4, v3, ['index.html']);
    releases.prune(1);
    const spares = fs.readdirSync(releases.workDir).filter((f) => f.startsWith('spare-'));
    expect(spares).toHaveLength(1);
    const spare = fs.statSync(path.join(releases.workDir, spares[0])).ino;
    const copy = path.join(releases.workDir, 'copy');
    await releases.copyTree(v4, copy);
    expect(fs.statSync(copy).ino).toBe(spare);
    expect(fs.readFileSync(path.join(copy, 'index.html'), 'utf8')).toBe('v4');
  });

  it('refuses a changed path that leaves the release', () => {
    const tree = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-sync-'));
    dirs.push(tree);
    expect(() => syncTree(tree, tree, ['../x'])).toThrow(/not a path inside a release/);
  });

  it('writes a publishing state in steps as JSON.stringify writes it whole', async () => {
    const versions = Object.fromEntries(Array.from({ length: 2_345 }, (_, i) => [`bài-${i}\u2028"`, `v${i}`]));
    const state = {
      generatedAt: '2026-12-07T07:00:00.000Z',
      types: { 'api::article.article': versions, 'api::tag.tag': {}, 'api::poll.poll': { x: 'y' } },
      files: { '1': ['/uploads/a.jpg', '2026-12-01T00:00:00.000Z'] as [string, string] },
      left: undefined,
    };
    let pauses = 0;
    const text = await stringifyInSteps(state, async () => void pauses++, 1_000);
    expect(text).toBe(JSON.stringify(state));
    // Between steps of 1,000 entries, not at once.
    expect(pauses).toBe(2);
  });
});

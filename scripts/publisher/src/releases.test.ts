import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mergeInto, Releases } from './releases';

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
    expect(fs.readdirSync(releases.snapshotsDir).sort()).toEqual([`${whole}.json`, `${whole}.state.json`]);
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

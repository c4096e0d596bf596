import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Releases } from './releases';
import { FULL_READ_MS, RETRY_MS, SearchIndexer, type IndexSite } from './search-indexer';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A publish directory with one live release, on a clock the test moves. */
function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-search-'));
  dirs.push(dir);
  let t = Date.parse('2026-11-29T08:00:00.000Z');
  const releases = new Releases(dir, () => new Date((t += 1000)));
  const publish = (html: string) => {
    const id = releases.newId();
    fs.mkdirSync(releases.path(id), { recursive: true });
    fs.writeFileSync(path.join(releases.path(id), 'index.html'), html);
    fs.writeFileSync(releases.snapshot(id), html);
    releases.activate(id);
    return id;
  };
  const log: { msg: string; fields: Record<string, unknown> }[] = [];
  const logger = (msg: string, fields: Record<string, unknown> = {}) => void log.push({ msg, fields });
  return { dir, releases, publish, log, logger };
}

/**
 * An index writer the test controls: it indexes what it is given, or waits to be let go. As
 * Pagefind's processes, it is killed only by `kill`: `signal` stops it between shards.
 */
function fakeIndex() {
  let release: (() => void) | undefined;
  // Let go before it was called (the indexer reads the release's pages first): it finishes at once.
  let finished = false;
  const calls: string[] = [];
  const index: IndexSite = async (siteDir, out, { kill }) => {
    calls.push(siteDir);
    await new Promise<void>((resolve, reject) => {
      release = resolve;
      if (finished) {
        finished = false;
        release = undefined;
        resolve();
      }
      kill!.addEventListener('abort', () => reject(new Error('cancelled')));
    });
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'pagefind.js'), `index of ${fs.readFileSync(path.join(siteDir, 'index.html'))}`);
  };
  return {
    index,
    calls,
    finish: () => {
      if (!release) finished = true;
      release?.();
      release = undefined;
    },
  };
}

describe('the search indexer', () => {
  it('switches the live release to its own index in place: no copy, the same release', async () => {
    const { releases, publish, logger } = setup();
    const v1 = publish('v1');
    const fake = fakeIndex();
    const indexer = new SearchIndexer(releases, logger, fake.index);
    indexer.schedule(v1);
    const run = indexer.run();
    expect(indexer.indexing).toEqual({ release: v1 });
    fake.finish();
    await run;
    expect(releases.live()!.id).toBe(v1);
    expect(releases.list()).toEqual([v1]);
    expect(indexer.last).toMatchObject({ release: v1, result: 'done' });
    expect(fs.lstatSync(path.join(releases.path(v1), 'pagefind')).isSymbolicLink()).toBe(true);
    expect(fs.readFileSync(path.join(releases.path(v1), 'pagefind', 'pagefind.js'), 'utf8')).toBe('index of v1');
    expect(fs.readdirSync(releases.workDir)).toEqual([]);
    await indexer.run(); // nothing is due any more
    expect(fake.calls).toHaveLength(1);

    // Indexed again (a later release's index, say): the index it replaced goes from the store.
    const first = fs.readlinkSync(path.join(releases.path(v1), 'pagefind'));
    indexer.schedule(v1);
    const again = indexer.run();
    fake.finish();
    await again;
    const second = fs.readlinkSync(path.join(releases.path(v1), 'pagefind'));
    expect(second).not.toBe(first);
    expect(fs.readdirSync(releases.trashDir).length + fs.readdirSync(releases.searchDir).length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(releases.searchDir, path.basename(first)))).toBe(false);
  });

  it('yields to a publish: what it was indexing finishes, nothing goes live, and the new release is indexed next', async () => {
    const { releases, publish, logger, log } = setup();
    const v1 = publish('v1');
    const fake = fakeIndex();
    const indexer = new SearchIndexer(releases, logger, fake.index);
    indexer.schedule(v1);
    const run = indexer.run();
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1)); // its pages read, its shards being indexed
    const v2 = publish('v2');
    indexer.yieldTo();
    fake.finish(); // the shards being indexed are not killed: they finish (into the shard cache)
    await run;
    expect(fake.calls).toHaveLength(1);
    expect(fs.existsSync(path.join(releases.path(v1), 'pagefind'))).toBe(false);
    expect(releases.live()?.id).toBe(v2);
    expect(releases.list()).toEqual([v1, v2]);
    expect(log.map((l) => l.msg)).toContain('search index postponed');
    indexer.schedule(v2);
    const again = indexer.run();
    fake.finish();
    await again;
    expect(fs.readFileSync(path.join(releases.dir, 'current', 'pagefind', 'pagefind.js'), 'utf8')).toBe('index of v2');
  });

  it('indexes the release live after a publish by itself once the publisher is idle; stopping kills what it indexes', async () => {
    const { releases, publish, logger, log } = setup();
    const v1 = publish('v1');
    const fake = fakeIndex();
    let idle = false;
    const indexer = new SearchIndexer(releases, logger, fake.index, Date.now, () => idle);
    indexer.schedule(v1);
    const run = indexer.run();
    await vi.waitFor(() => expect(fake.calls).toHaveLength(1));
    // A publish: it starts (the indexing yields), its release goes live, and the publisher is idle again.
    indexer.yieldTo();
    const v2 = publish('v2');
    indexer.schedule(v2);
    idle = true;
    fake.finish(); // v1's shards finish; then v2 is indexed
    await vi.waitFor(() => expect(fake.calls).toHaveLength(2));
    expect(indexer.indexing).toEqual({ release: v2 });
    fake.finish();
    await run;
    expect(log.map((l) => l.msg)).toEqual(['search index postponed', 'search index live']);
    expect(fs.readFileSync(path.join(releases.dir, 'current', 'pagefind', 'pagefind.js'), 'utf8')).toBe('index of v2');

    // The publisher stops: the index being made is killed, and nothing starts again.
    const v3 = publish('v3');
    indexer.schedule(v3);
    const last = indexer.run();
    await vi.waitFor(() => expect(fake.calls).toHaveLength(3));
    indexer.stop();
    await last;
    expect(fake.calls).toHaveLength(3);
    expect(indexer.indexing).toBeNull();
    expect(log.at(-1)).toMatchObject({ msg: 'search index postponed', fields: { build: v3 } });
  });

  it('does not index a release that is no longer live, nor switch while publishing is paused', async () => {
    const { releases, publish, logger } = setup();
    const v1 = publish('v1');
    publish('v2');
    const fake = fakeIndex();
    const indexer = new SearchIndexer(releases, logger, fake.index);
    indexer.schedule(v1);
    await indexer.run();
    expect(fake.calls).toEqual([]);

    const v2 = releases.live()!.id;
    indexer.schedule(v2);
    const run = indexer.run();
    releases.pause('rolled back');
    fake.finish();
    await run;
    expect(releases.live()?.id).toBe(v2);
    expect(releases.list()).toHaveLength(2);
    expect(fs.existsSync(path.join(releases.path(v2), 'pagefind'))).toBe(false);
  });

  it('records a failure and tries the release again after a wait that doubles, until it is indexed', async () => {
    const { releases, publish, logger, log } = setup();
    const v1 = publish('v1');
    let calls = 0;
    let clock = 0;
    const indexer = new SearchIndexer(
      releases,
      logger,
      async (_site, out) => {
        if (++calls <= 2) throw new Error('pagefind exited with 1');
        fs.mkdirSync(out, { recursive: true });
      },
      () => clock
    );
    indexer.schedule(v1);
    await indexer.run();
    expect(indexer.last).toMatchObject({ release: v1, result: 'failed', error: 'pagefind exited with 1' });
    expect(log.at(-1)).toMatchObject({ msg: 'search index failed', fields: { retryInMs: RETRY_MS } });
    // Not before its wait.
    clock += RETRY_MS - 1;
    await indexer.run();
    expect(calls).toBe(1);
    clock += 1;
    await indexer.run();
    expect(calls).toBe(2);
    expect(log.at(-1)).toMatchObject({ msg: 'search index failed', fields: { retryInMs: 2 * RETRY_MS } });
    clock += 2 * RETRY_MS;
    await indexer.run();
    expect(calls).toBe(3);
    expect(indexer.last).toMatchObject({ release: v1, result: 'done' });
    expect(fs.lstatSync(path.join(releases.path(v1), 'pagefind')).isSymbolicLink()).toBe(true);
    // Done: nothing is due.
    clock += 10 * RETRY_MS;
    await indexer.run();
    expect(calls).toBe(3);
  });

  it('reads again the pages a release changed, removed pages by their address too, and all of them in time', async () => {
    const { releases, logger, log } = setup();
    // A release of article pages, derived from the live one where a publish changed it.
    const release = (slugs: string[], from?: { id: string; touched: string[] }) => {
      const id = releases.newId();
      for (const slug of slugs) {
        fs.mkdirSync(path.join(releases.path(id), 'bai-viet', slug), { recursive: true });
        fs.writeFileSync(path.join(releases.path(id), 'bai-viet', slug, 'index.html'), `<h1>${slug}</h1>`);
      }
      fs.writeFileSync(path.join(releases.path(id), 'index.html'), 'home');
      fs.writeFileSync(releases.snapshot(id), '{}');
      if (from) releases.derived(id, from.id, from.touched);
      releases.activate(id);
      return id;
    };
    let clock = 0;
    const given: string[][] = [];
    const indexer = new SearchIndexer(
      releases,
      logger,
      async (_site, out, { pages }) => {
        given.push([...pages!.keys()].sort());
        fs.mkdirSync(out, { recursive: true });
      },
      () => clock
    );
    const index = async (id: string) => {
      indexer.schedule(id);
      await indexer.run();
      return log.filter((l) => l.msg === 'search index live').at(-1)!.fields.pagesRead;
    };

    const v1 = release(['a', 'b']);
    expect(await index(v1)).toBe('all');
    // b unpublished (the plan names its address), c published (the build names its file).
    const v2 = release(['a', 'c'], { id: v1, touched: ['/bai-viet/b/', 'bai-viet/c/index.html', 'sitemap-0.xml'] });
    expect(await index(v2)).toBe('changed');
    expect(given.at(-1)).toEqual(['a', 'c']);
    // A change the lineage does not name (d) is found by the next whole read, at most FULL_READ_MS on.
    const v3 = release(['a', 'c', 'd'], { id: v2, touched: ['index.html'] });
    expect(await index(v3)).toBe('changed');
    expect(given.at(-1)).toEqual(['a', 'c']);
    clock += FULL_READ_MS;
    const v4 = release(['a', 'c', 'd'], { id: v3, touched: ['index.html'] });
    expect(await index(v4)).toBe('all');
    expect(given.at(-1)).toEqual(['a', 'c', 'd']);
  });
});

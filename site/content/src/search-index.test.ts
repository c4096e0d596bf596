import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOf } from './build-protocol';
import {
  buildSearchIndex,
  indexProcesses,
  readPages,
  SHARD_KEYS,
  SHARD_MANIFEST,
  shardCount,
  sweepShardCache,
  withoutPages,
} from './search-index';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const temp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-search-'));
  dirs.push(dir);
  return dir;
};

/** A site of article pages (slug → text). */
function site(pages: Record<string, string>) {
  const dir = temp();
  for (const [slug, text] of Object.entries(pages)) {
    fs.mkdirSync(path.join(dir, 'bai-viet', slug), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bai-viet', slug, 'index.html'), text);
  }
  return dir;
}

/** Stands in for Pagefind: a bundle listing the pages it was given, with their text. */
function indexer() {
  const calls: string[][] = [];
  const index = async (shard: string, out: string) => {
    const slugs = fs.readdirSync(path.join(shard, 'bai-viet')).sort();
    calls.push(slugs);
    fs.mkdirSync(path.join(out, 'fragment'), { recursive: true });
    const read = (slug: string) => fs.readFileSync(path.join(shard, 'bai-viet', slug, 'index.html'), 'utf8');
    fs.writeFileSync(path.join(out, 'fragment', 'pages.txt'), slugs.map((s) => `${s}: ${read(s)}`).join('\n'));
    fs.writeFileSync(path.join(out, 'pagefind-entry.json'), JSON.stringify({ pages: slugs.length }));
    fs.writeFileSync(path.join(out, 'pagefind-ui.js'), '/* Pagefind UI */');
  };
  return { calls, index };
}

/** Every file of a bundle with its text, following its links (to the cache), but the list of its keys. */
function read(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(path.join(dir, prefix))) {
    const rel = path.join(prefix, name);
    if (rel === SHARD_KEYS) continue;
    if (fs.statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, read(dir, rel));
    else out[rel] = fs.readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

/** A cache beside the indexes (as the publisher's: `search/.shards`), and a new index folder in it. */
function store() {
  const root = temp();
  let n = 0;
  return {
    cache: { dir: path.join(root, '.shards'), link: '../.shards' },
    root,
    next: () => path.join(root, `index-${++n}`),
  };
}

/** The next release: hard links of `from`, then `change` applied (a page replaced is a new file, as the publisher writes it). */
function nextRelease(from: string, change: Record<string, string | null>) {
  const dir = temp();
  fs.cpSync(from, dir, { recursive: true });
  for (const slug of fs.readdirSync(path.join(from, 'bai-viet'))) {
    const file = path.join('bai-viet', slug, 'index.html');
    fs.rmSync(path.join(dir, file));
    fs.linkSync(path.join(from, file), path.join(dir, file));
  }
  for (const [slug, text] of Object.entries(change)) {
    const file = path.join(dir, 'bai-viet', slug, 'index.html');
    if (text === null) {
      fs.rmSync(path.dirname(file), { recursive: true });
      continue;
    }
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  }
  return dir;
}

describe('the search index, in shards', () => {
  const pages = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`tin-${i}`, `Bản tin số ${i}`]));

  it('keeps each shard within about SEARCH_SHARD_PAGES, in a count that changes only when the archive doubles', () => {
    expect(shardCount(0, 3000)).toBe(1);
    expect(shardCount(2000, 3000)).toBe(1);
    expect(shardCount(10_000, 3000)).toBe(8);
    expect(shardCount(100_000, 3000)).toBe(64);
    expect(shardCount(100_500, 3000)).toBe(64);
  });

  it('reindexes only the shards whose pages changed, and makes what a whole index makes', async () => {
    const { cache, next } = store();
    const first = site(pages);
    const whole = indexer();
    const before = next();
    const made = await buildSearchIndex(first, before, whole.index, { perShard: 10, cache });
    expect(made).toMatchObject({ pages: 60, shards: 8, indexed: whole.calls.length });
    expect(whole.calls.flat().sort()).toEqual(Object.keys(pages).sort());
    const manifest = JSON.parse(fs.readFileSync(path.join(before, SHARD_MANIFEST), 'utf8'));
    expect(manifest.length).toBe(whole.calls.length);
    // Pagefind's code at the root, the pages' bundles each in its folder.
    expect(fs.readFileSync(path.join(before, 'pagefind-ui.js'), 'utf8')).toBe('/* Pagefind UI */');
    expect(fs.existsSync(path.join(before, 'pagefind-entry.json'))).toBe(false);
    expect(read(before)).toEqual(read(await wholeIndex(first)));

    // A publish: one story edited, one new, one gone.
    const second = nextRelease(first, { 'tin-7': 'Bản tin số 7, đã sửa', 'tin-moi': 'Bản tin mới', 'tin-30': null });
    const partial = indexer();
    const after = next();
    const result = await buildSearchIndex(second, after, partial.index, { perShard: 10, cache });
    expect(result.indexed).toBeLessThanOrEqual(3);
    expect(partial.calls.flat()).toEqual(expect.arrayContaining(['tin-7', 'tin-moi']));
    expect(read(after)).toEqual(read(await wholeIndex(second)));
    // The earlier index still reads as it did: the shards it links to are kept while it is there.
    expect(await sweepShardCache(cache.dir, [before, after])).toBe(0);
    expect(read(before)).toEqual(read(await wholeIndex(first)));
    // Gone, what only it used goes too.
    const removed = await sweepShardCache(cache.dir, [after]);
    expect(removed).toBe(result.indexed);
    expect(read(after)).toEqual(read(await wholeIndex(second)));

    // Nothing changed: nothing indexed, the same bundle.
    const none = indexer();
    const again = next();
    expect((await buildSearchIndex(nextRelease(second, {}), again, none.index, { perShard: 10, cache })).indexed).toBe(
      0
    );
    expect(read(again)).toEqual(read(await wholeIndex(second)));
  });

  it('keeps the shards an interrupted index finished, and indexes the rest next time', async () => {
    const { cache, next } = store();
    const first = site(pages);
    let runs = 0;
    const interrupted = async (shard: string, out: string) => {
      if (++runs > 3) throw new Error('cancelled');
      await indexer().index(shard, out);
    };
    await expect(buildSearchIndex(first, next(), interrupted, { perShard: 10, cache })).rejects.toThrow('cancelled');
    const later = indexer();
    const out = next();
    const result = await buildSearchIndex(nextRelease(first, {}), out, later.index, { perShard: 10, cache });
    expect(result.indexed).toBe(later.calls.length);
    expect(result.indexed).toBe(whole(first) - 3);
    expect(read(out)).toEqual(read(await wholeIndex(first)));
  });

  it('stops between shards when its signal is aborted', async () => {
    const { cache, next } = store();
    const stop = new AbortController();
    const index = async (shard: string, out: string) => {
      await indexer().index(shard, out);
      stop.abort();
    };
    await expect(
      buildSearchIndex(site(pages), next(), index, { perShard: 10, cache, signal: stop.signal })
    ).rejects.toThrow('cancelled');
    expect(fs.readdirSync(cache.dir).length).toBe(1);
  });

  it('reads again only the pages where a release differs, and finds what reading them all finds', async () => {
    const first = site(pages);
    const lines = await readPages(first);
    expect(lines.size).toBe(60);
    const change = { 'tin-7': 'Bản tin số 7, đã sửa', 'tin-moi': 'Bản tin mới', 'tin-30': null };
    const second = nextRelease(first, change);
    // As the publisher records them: the files a build wrote, the folders it removed, and others.
    const changed = ['bai-viet/tin-7/index.html', 'bai-viet/tin-moi/index.html', 'bai-viet/tin-30', 'sitemap-1.xml'];
    // A read cancelled leaves the lines it was given as they were; one that ends updates them in place.
    const given = new Map(lines);
    const stop = new AbortController();
    stop.abort();
    await expect(readPages(second, stop.signal, { lines: given, changed })).rejects.toThrow('cancelled');
    expect(given).toEqual(lines);
    const since = await readPages(second, undefined, { lines: given, changed });
    expect(since).toBe(given);
    expect(since).toEqual(await readPages(second));
    expect(since.has('tin-30')).toBe(false);
    expect(since.get('tin-7')).not.toBe(lines.get('tin-7'));
    // A change naming the whole folder of articles: all of them are read.
    expect(await readPages(second, undefined, { lines: new Map(), changed: ['bai-viet'] })).toEqual(since);
    // The index made from them is the whole index of the new release.
    const { cache, next } = store();
    await buildSearchIndex(first, next(), indexer().index, { perShard: 10, cache, pages: lines });
    const out = next();
    await buildSearchIndex(second, out, indexer().index, { perShard: 10, cache, pages: since });
    expect(read(out)).toEqual(read(await wholeIndex(second)));
  });

  it('indexes shards side by side into the same index, each once', async () => {
    const { cache, next } = store();
    const first = site(pages);
    let running = 0;
    let most = 0;
    const calls: string[][] = [];
    let threeRunning!: () => void;
    const three = new Promise<void>((resolve) => (threeRunning = resolve));
    const index = async (shard: string, out: string) => {
      most = Math.max(most, ++running);
      if (running === 3) threeRunning();
      // The first shards wait until three run at once, not for a few milliseconds that a busy
      // machine may spend before the third starts; at most 2 s each, so that an indexer running
      // fewer at once fails below rather than hangs.
      await Promise.race([three, new Promise((resolve) => setTimeout(resolve, 2000))]);
      const one = indexer();
      await one.index(shard, out);
      calls.push(...one.calls);
      running--;
    };
    const out = next();
    const made = await buildSearchIndex(first, out, index, { perShard: 10, cache, parallel: 3 });
    expect(most).toBe(3);
    expect(made.indexed).toBe(calls.length);
    expect(calls.flat().sort()).toEqual(Object.keys(pages).sort());
    expect(read(out)).toEqual(read(await wholeIndex(first)));
  });

  it('waits for the shards being indexed beside one that fails, then fails', async () => {
    const { cache, next } = store();
    let running = 0;
    const index = async (shard: string, out: string) => {
      running++;
      try {
        if (running === 1) throw new Error('pagefind exited with 1');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await indexer().index(shard, out);
      } finally {
        running--;
      }
    };
    const out = next();
    await expect(buildSearchIndex(site(pages), out, index, { perShard: 10, cache, parallel: 2 })).rejects.toThrow(
      'pagefind exited with 1'
    );
    expect(running).toBe(0);
    expect(fs.existsSync(`${out}.shards`)).toBe(false);
    // Nothing half-written is kept: each bundle in the cache is whole (a fragment and an entry).
    for (const key of fs.readdirSync(cache.dir)) {
      expect(key).not.toMatch(/\.tmp$/);
      expect(fs.existsSync(path.join(cache.dir, key, 'pagefind-entry.json'))).toBe(true);
    }
  });

  it('refuses a number of search processes that is not a positive whole number', () => {
    expect(indexProcesses({})).toBe(2);
    expect(indexProcesses({ SEARCH_INDEX_PROCESSES: '3' })).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'hai'])
      expect(() => indexProcesses({ SEARCH_INDEX_PROCESSES: bad })).toThrow(/SEARCH_INDEX_PROCESSES must be/);
  });

  it('leaves out of an index every bundle holding a page that changed or went, and nothing else', async () => {
    for (const cache of [store().cache, null]) {
      const dir = site(pages);
      const index = path.join(cache ? path.dirname(cache.dir) : temp(), 'index');
      await buildSearchIndex(dir, index, indexer().index, { perShard: 10, cache });
      const gone = ['tin-7', 'tin-30'];
      const out = path.join(path.dirname(index), 'without');
      const left = withoutPages(index, out, gone);

      const shards = new Set(gone.map((slug) => shardOf(slug, 8)));
      expect(left).toBe(shards.size);
      const searchable = Object.values(read(out)).join('\n');
      for (const slug of Object.keys(pages)) {
        if (gone.includes(slug)) expect(searchable).not.toContain(`${slug}:`);
        // Every story of the other shards is still found.
        else if (!shards.has(shardOf(slug, 8))) expect(searchable).toContain(`${slug}: ${pages[slug]}`);
      }
      const manifest: string[] = JSON.parse(fs.readFileSync(path.join(out, SHARD_MANIFEST), 'utf8'));
      expect(manifest).toHaveLength(8 - shards.size);
      for (const bundle of manifest) expect(fs.existsSync(path.join(out, path.basename(bundle)))).toBe(true);
      // The code stays at the root, whichever bundle it came from; the index left as it was.
      expect(fs.readFileSync(path.join(out, 'pagefind-ui.js'), 'utf8')).toBe('/* Pagefind UI */');
      expect(JSON.parse(fs.readFileSync(path.join(index, SHARD_MANIFEST), 'utf8'))).toHaveLength(8);
      // An index that does not say how it was sharded cannot be narrowed: null, nothing made.
      fs.rmSync(path.join(index, SHARD_KEYS));
      expect(withoutPages(index, path.join(path.dirname(index), 'unknown'), gone)).toBeNull();
    }
  });

  it('indexes everything again in another shard count', async () => {
    const { cache, next } = store();
    const first = site(pages);
    await buildSearchIndex(first, next(), indexer().index, { perShard: 10, cache });
    const other = indexer();
    await buildSearchIndex(nextRelease(first, {}), next(), other.index, { perShard: 5, cache });
    expect(other.calls.flat().sort()).toEqual(Object.keys(pages).sort());
  });
});

/** A whole index of `dir`, without a cache. */
async function wholeIndex(dir: string) {
  const out = path.join(temp(), 'pagefind');
  await buildSearchIndex(dir, out, indexer().index, { perShard: 10 });
  return out;
}

/** How many Pagefind runs a whole index of `dir` makes (its bundles). */
function whole(dir: string) {
  const count = 8; // shardCount(60, 10)
  const slugs = fs.readdirSync(path.join(dir, 'bai-viet'));
  return new Set([0, ...slugs.map((slug) => shardOf(slug, count))]).size;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildSearchIndex, SHARD_KEYS, SHARD_MANIFEST, shardCount } from './search-index';

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
  };
  return { calls, index };
}

/** Every file of a bundle with its text, but the keys (which name inodes). */
function read(dir: string): Record<string, string> {
  return Object.fromEntries(
    (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
      .filter((e) => e.isFile() && e.name !== SHARD_KEYS)
      .map((e) => {
        const file = path.join(e.parentPath, e.name);
        return [path.relative(dir, file), fs.readFileSync(file, 'utf8')];
      })
  );
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
    const first = site(pages);
    const whole = indexer();
    const before = path.join(temp(), 'pagefind');
    const made = await buildSearchIndex(first, before, whole.index, 10);
    expect(made).toMatchObject({ pages: 60, shards: 8, indexed: whole.calls.length });
    expect(whole.calls.flat().sort()).toEqual(Object.keys(pages).sort());
    const manifest = JSON.parse(fs.readFileSync(path.join(before, SHARD_MANIFEST), 'utf8'));
    expect(manifest.length).toBe(whole.calls.length - 1);

    // A publish: one story edited, one new, one gone.
    const second = nextRelease(first, { 'tin-7': 'Bản tin số 7, đã sửa', 'tin-moi': 'Bản tin mới', 'tin-30': null });
    const partial = indexer();
    const after = path.join(temp(), 'pagefind');
    const result = await buildSearchIndex(second, after, partial.index, 10, before);
    expect(result.indexed).toBeLessThanOrEqual(3);
    expect(partial.calls.flat()).toEqual(expect.arrayContaining(['tin-7', 'tin-moi']));
    // The same bundle as indexing everything again.
    const fresh = path.join(temp(), 'pagefind');
    await buildSearchIndex(second, fresh, indexer().index, 10);
    expect(read(after)).toEqual(read(fresh));

    // Nothing changed: nothing indexed, the same bundle.
    const third = nextRelease(second, {});
    const none = indexer();
    const again = path.join(temp(), 'pagefind');
    expect((await buildSearchIndex(third, again, none.index, 10, after)).indexed).toBe(0);
    expect(read(again)).toEqual(read(fresh));
  });

  it('indexes everything again when the earlier bundle is of another shard count or has no keys', async () => {
    const first = site(pages);
    const before = path.join(temp(), 'pagefind');
    await buildSearchIndex(first, before, indexer().index, 10);
    const second = nextRelease(first, {});
    const other = indexer();
    await buildSearchIndex(second, path.join(temp(), 'pagefind'), other.index, 5, before);
    expect(other.calls.flat().sort()).toEqual(Object.keys(pages).sort());
    fs.rmSync(path.join(before, SHARD_KEYS));
    const keyless = indexer();
    await buildSearchIndex(second, path.join(temp(), 'pagefind'), keyless.index, 10, before);
    expect(keyless.calls.flat().sort()).toEqual(Object.keys(pages).sort());
  });
});

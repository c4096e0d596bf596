import { setImmediate as nextTurn } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { shardOf } from './build-protocol';
import { articleSlugOf } from './routes';

/**
 * Pagefind holds every page's words and positions in memory until it writes the index: ~200 KB a
 * page here, 2 GB for 10,000 articles. The article pages are therefore indexed in shards of about
 * SEARCH_SHARD_PAGES pages at most (shardCount), one Pagefind run each, so memory stays flat however large the
 * archive grows. Every shard is a bundle of its own below /pagefind/ (`phan-<k+1>/`), listed in
 * /pagefind/shards.json, which the search page merges (PagefindUI's `bundlePath` and `mergeIndex`):
 * readers get one list of results. The index's root holds only Pagefind's code (its UI, scripts and
 * wasm, the same in every bundle), so that any bundle can be left out of an index (withoutPages)
 * without search losing the rest.
 * https://pagefind.app/docs/multisite/
 */
export const SHARD_MANIFEST = 'shards.json';
const ARTICLES = 'bai-viet';

export const shardPages = (env: NodeJS.ProcessEnv = process.env) => {
  const value = Number(env.SEARCH_SHARD_PAGES ?? 3000);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`SEARCH_SHARD_PAGES must be a positive whole number of pages, got "${env.SEARCH_SHARD_PAGES}".`);
  }
  return value;
};

/**
 * How many shards the publisher indexes at a time (SEARCH_INDEX_PROCESSES, 2): one Pagefind process
 * each, niced. A publish changes one shard; a burst of publishes a shard each, and they wait for
 * one another: at 100,000 articles twelve publishes in a row left ~34 s of indexing one at a time.
 */
export const indexProcesses = (env: NodeJS.ProcessEnv = process.env) => {
  const value = Number(env.SEARCH_INDEX_PROCESSES ?? 2);
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `SEARCH_INDEX_PROCESSES must be a positive whole number of processes, got "${env.SEARCH_INDEX_PROCESSES}".`
    );
  }
  return value;
};

/** Indexes one folder of pages (`site`, pages only) into a Pagefind bundle at `output`. */
export type IndexShard = (site: string, output: string) => Promise<void>;

/**
 * File operations asked for at once (stats, links). They run on libuv's four threads, which the
 * process's other file work (a build's release, a reader's page) shares: 100,000 stats asked for
 * at once held a page served from this process back ~10 s behind them. A batch keeps the queue short.
 */
const FS_BATCH = 200;

/** Pages shared out to their shards between two turns of the event loop. */
const KEY_STEP = 10_000;

/**
 * How many shards `pages` pages are indexed in: a power of two, with room for the hash's unevenness
 * (a quarter), so that it changes only when the archive doubles, and each shard stays within
 * about `perShard` pages.
 */
export function shardCount(pages: number, perShard: number) {
  const needed = Math.ceil((pages * 1.25) / perShard);
  return needed <= 1 ? 1 : 2 ** Math.ceil(Math.log2(needed));
}

const bundleOf = (k: number) => `phan-${k + 1}`;

/** The shard of a bundle's folder name (bundleOf), or null for any other entry of an index. */
const shardOfBundle = (name: string) => {
  const m = /^phan-(\d+)$/.exec(name);
  return m ? Number(m[1]) - 1 : null;
};

/**
 * What of a bundle is Pagefind's code, not the pages': every file at its top but the entry (which
 * names its index's files). The index's root holds these, from its first bundle.
 */
const isCode = (entry: fs.Dirent) => entry.isFile() && entry.name !== 'pagefind-entry.json';

/** Links shard `k`'s bundle, kept in the cache under `key`, into the index at `outputPath` as its folder. */
function linkBundle(cache: ShardCache, key: string, outputPath: string, k: number) {
  return fs.promises.symlink(path.join(cache.link, key), path.join(outputPath, bundleOf(k)));
}

/**
 * Gives the index at `outputPath` Pagefind's code at its root (/pagefind/pagefind-ui.js, which the
 * search page loads), from shard `k`'s bundle: as symlinks to its files in the cache (kept there
 * under `key`; the index is not where its links resolve yet), or as hard links of its own files.
 */
async function linkCode(outputPath: string, k: number, cache: ShardCache | null | undefined, key: string) {
  const bundle = cache ? path.join(cache.dir, key) : path.join(outputPath, bundleOf(k));
  for (const entry of await fs.promises.readdir(bundle, { withFileTypes: true })) {
    if (!isCode(entry)) continue;
    const to = path.join(outputPath, entry.name);
    if (cache) await fs.promises.symlink(path.join(cache.link, key, entry.name), to);
    else await fs.promises.link(path.join(bundle, entry.name), to);
  }
}

/**
 * Removes from the cache the bundles none of `indexes` (folders of indexes built with it) is made
 * of, with `remove` (the publisher's moves them out and deletes them in the background: a bundle
 * is thousands of files); returns how many it removed.
 */
export async function sweepShardCache(
  cache: string,
  indexes: string[],
  remove: (dir: string) => unknown = (dir) => fs.promises.rm(dir, { recursive: true, force: true })
) {
  const used = new Set<string>();
  for (const index of indexes) {
    try {
      for (const key of JSON.parse(await fs.promises.readFile(path.join(index, SHARD_KEYS), 'utf8')) as string[])
        used.add(key);
    } catch {
      // not built with the cache
    }
  }
  let removed = 0;
  for (const name of await fs.promises.readdir(cache).catch(() => [] as string[])) {
    if (used.has(name)) continue;
    await remove(path.join(cache, name));
    removed++;
  }
  return removed;
}

/** Where an index keeps its shards' bundles for later indexes (buildSearchIndex). */
export interface ShardCache {
  /** The folder, holding one bundle per key. */
  dir: string;
  /** The same folder as the index will reach it where it ends up (a relative path, e.g. `../.shards`). */
  link: string;
}

/**
 * The keys of the shards an index is made of (written in it), one a shard, empty ones too: how many
 * shards its pages were shared out to (withoutPages), and for a cache's housekeeping.
 */
export const SHARD_KEYS = 'shard-keys.json';

/**
 * What an index read of the article pages: each page's line (its slug, inode, size and time) by
 * slug. A shard's key is made of its pages' lines.
 */
export type PageLines = Map<string, string>;

/** The line of the article page of `slug` in `articles`, or null when it has none. */
const pageLine = (articles: string, slug: string) =>
  fs.promises.stat(path.join(articles, slug, 'index.html'), { bigint: true }).then(
    (st) => `${slug} ${st.ino} ${st.size} ${st.mtimeNs}`,
    () => null
  );

/**
 * Reads the lines of the article pages of `siteDir`. With `since` (the lines read from another
 * release, and the paths, relative to the releases, where the two trees may differ: the publisher
 * records them for each release it derives), only the pages under those paths are read again: at
 * 100,000 articles a publish's release differs by one or two pages, and reading every page took
 * 2–4 s of each index. Asynchronous and in batches (FS_BATCH): the publisher runs this beside its
 * webhooks and builds.
 */
export async function readPages(
  siteDir: string,
  signal?: AbortSignal,
  since?: { lines: PageLines; changed: Iterable<string> }
): Promise<PageLines> {
  const articles = path.join(siteDir, ARTICLES);
  // The slugs under the paths changed: a file (`bai-viet/x/index.html`), its folder, or the page's
  // address (`/bai-viet/x/`); null when a change holds all of them (the folder, the release).
  const changedSlugs = (changed: Iterable<string>) => {
    const slugs = new Set<string>();
    for (const rel of changed) {
      const slug = articleSlugOf(rel);
      if (slug) slugs.add(slug);
      else if (['', ARTICLES].includes(rel.split('/').filter(Boolean)[0] ?? '')) return null;
    }
    return [...slugs];
  };
  const partial = since && changedSlugs(since.changed);
  const slugs = since && partial ? partial : await fs.promises.readdir(articles).catch(() => [] as string[]);
  const read: (string | null)[] = [];
  for (let i = 0; i < slugs.length; i += FS_BATCH) {
    if (signal?.aborted) throw new Error('cancelled');
    read.push(...(await Promise.all(slugs.slice(i, i + FS_BATCH).map((slug) => pageLine(articles, slug)))));
  }
  if (signal?.aborted) throw new Error('cancelled');
  // Read whole, then applied: `since.lines` is updated in place (copying 100,000 lines held the
  // event loop ~0.1 s), and only once every read is done, so a cancelled read leaves it as it was.
  const lines: PageLines = since && partial ? since.lines : new Map();
  slugs.forEach((slug, j) => (read[j] === null ? lines.delete(slug) : lines.set(slug, read[j]!)));
  return lines;
}

export interface SearchIndexOptions {
  /** Pages a shard holds at most, about (SEARCH_SHARD_PAGES). */
  perShard?: number;
  /** Where shards' bundles are kept and reused from. */
  cache?: ShardCache | null;
  /**
   * Stops between steps (the publisher's: a publish comes first), throwing 'cancelled'. The shards
   * being indexed then finish, into the cache: a desk publishing more often than a shard takes
   * would otherwise never see one done.
   */
  signal?: AbortSignal;
  /** Kills the shards being indexed too (the publisher stopping). */
  kill?: AbortSignal;
  /** The article pages' lines, when the caller has read them (readPages); else they are read here. */
  pages?: PageLines;
  /** Shards indexed at the same time (SEARCH_INDEX_PROCESSES). */
  parallel?: number;
}

/**
 * Indexes the article pages of `siteDir` into the bundle `outputPath` (and its shards below it).
 * An article's shard follows from its slug alone (shardOf), so a publish changes the pages of one
 * or two shards. With a `cache`, each shard's bundle is kept there under a key of what it was made
 * from (its pages' inode, size and time: a release links the pages it did not rewrite), and the
 * index only links to it (symlinks, relative: the index's folder may move); a shard whose key is
 * there is not indexed again. At 100,000 articles a whole index takes a few minutes, a publish's a
 * few seconds, and an index interrupted by a publish keeps the shards it finished. Each shard's pages
 * are hard-linked into a folder of their own (no data copied), keeping their paths, so their URLs
 * are the site's. `parallel` shards are indexed at a time (each one Pagefind process).
 */
export async function buildSearchIndex(
  siteDir: string,
  outputPath: string,
  indexShard: IndexShard,
  { perShard = shardPages(), cache, signal, pages, parallel = 1 }: SearchIndexOptions = {}
): Promise<{ pages: number; shards: number; indexed: number }> {
  const go = () => {
    if (signal?.aborted) throw new Error('cancelled');
  };
  const articles = path.join(siteDir, ARTICLES);
  const lines = pages ?? (await readPages(siteDir, signal));
  go();
  const count = shardCount(lines.size, perShard);
  // Shared out and keyed a step at a time, with the event loop's next turn in between: at 100,000
  // pages this was 0.5–1 s in one piece (a sort of every slug alone ~60 ms), while the site this
  // process serves and its webhooks waited. Each shard's slugs are sorted, with its own step.
  const shards = Array.from({ length: count }, () => ({ slugs: [] as string[] }));
  let i = 0;
  for (const slug of lines.keys()) {
    if (++i % KEY_STEP === 0) await nextTurn();
    shards[shardOf(slug, count)].slugs.push(slug);
  }
  // A shard's key: the hash of its pages' lines, one a line, in the order of their slugs.
  const keys: string[] = [];
  for (const shard of shards) {
    go();
    shard.slugs.sort();
    const hash = createHash('sha256').update('bundle\n');
    shard.slugs.forEach((slug, j) => hash.update(j ? `\n${lines.get(slug)}` : lines.get(slug)!));
    keys.push(hash.digest('hex'));
    await nextTurn();
  }
  if (cache) await fs.promises.mkdir(cache.dir, { recursive: true });
  await fs.promises.mkdir(outputPath, { recursive: true });

  const work = `${outputPath}.shards`;
  await fs.promises.rm(work, { recursive: true, force: true });
  let indexed = 0;
  /** Shard `k` in the index: linked from the cache when kept there, else indexed (into the cache, when there is one). */
  const shardInto = async (k: number) => {
    const shard = shards[k];
    const bundle = path.join(outputPath, bundleOf(k));
    const kept = cache ? path.join(cache.dir, keys[k]) : null;
    if (kept && fs.existsSync(kept)) return linkBundle(cache!, keys[k], outputPath, k);
    const shardSite = path.join(work, String(k));
    await fs.promises.mkdir(shardSite, { recursive: true });
    for (let i = 0; i < shard.slugs.length; i += FS_BATCH) {
      go();
      await Promise.all(
        shard.slugs.slice(i, i + FS_BATCH).map(async (slug) => {
          await fs.promises.mkdir(path.join(shardSite, ARTICLES, slug), { recursive: true });
          await fs.promises.link(
            path.join(articles, slug, 'index.html'),
            path.join(shardSite, ARTICLES, slug, 'index.html')
          );
        })
      );
    }
    go();
    if (kept) {
      // Whole or not at all in the cache: written beside it, then renamed.
      const writing = `${kept}.${process.pid}.tmp`;
      await fs.promises.rm(writing, { recursive: true, force: true });
      await indexShard(shardSite, writing);
      await fs.promises.rename(writing, kept);
      await linkBundle(cache!, keys[k], outputPath, k);
    } else {
      await indexShard(shardSite, bundle);
    }
    indexed++;
    await fs.promises.rm(shardSite, { recursive: true, force: true });
  };
  try {
    // The first shard even without pages (the index's code comes from it); then each shard with pages.
    const todo = shards.flatMap((shard, k) => (k === 0 || shard.slugs.length ? [k] : []));
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        go();
        await shardInto(todo[next++]);
      }
    };
    // Every worker is waited for, also when one fails: none is still writing when the work folder goes.
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, parallel) }, worker));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    await linkCode(outputPath, todo[0], cache, keys[todo[0]]);
    const bundles = todo.map((k) => `/pagefind/${bundleOf(k)}/`);
    await fs.promises.writeFile(path.join(outputPath, SHARD_MANIFEST), JSON.stringify(bundles));
    await fs.promises.writeFile(path.join(outputPath, SHARD_KEYS), JSON.stringify(keys));
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
  return { pages: lines.size, shards: count, indexed };
}

/**
 * Makes at `outputPath` the index at `indexPath` without the bundles that hold the pages of
 * `slugs` (their shards: shardOf), linking the rest: what a release whose pages of those articles
 * changed or went searches until it is indexed itself, so that nothing of a page it no longer has
 * (an unpublished story, a story's earlier text) is found on it. The other shards stay searchable.
 * Returns how many bundles were left out; null when the index does not say how it was sharded
 * (the caller then links no index at all).
 */
export function withoutPages(indexPath: string, outputPath: string, slugs: Iterable<string>): number | null {
  let count: number;
  let bundles: string[];
  try {
    count = (JSON.parse(fs.readFileSync(path.join(indexPath, SHARD_KEYS), 'utf8')) as string[]).length;
    bundles = JSON.parse(fs.readFileSync(path.join(indexPath, SHARD_MANIFEST), 'utf8')) as string[];
  } catch {
    return null;
  }
  // (An index of the earlier layout holds a shard's pages at its root: it cannot be narrowed.)
  if (!count || fs.existsSync(path.join(indexPath, 'pagefind-entry.json'))) return null;
  const drop = new Set([...slugs].map((slug) => shardOf(slug, count)));
  const dropped = (name: string) => drop.has(shardOfBundle(name) ?? -1);
  fs.mkdirSync(outputPath, { recursive: true });
  for (const entry of fs.readdirSync(indexPath, { withFileTypes: true })) {
    if (entry.name === SHARD_MANIFEST || dropped(entry.name)) continue;
    linkEntry(path.join(indexPath, entry.name), path.join(outputPath, entry.name));
  }
  const kept = bundles.filter((bundle) => !dropped(path.basename(bundle)));
  fs.writeFileSync(path.join(outputPath, SHARD_MANIFEST), JSON.stringify(kept));
  return bundles.length - kept.length;
}

/** The same entry at `to`: a symlink as itself, a file as a hard link, a folder as folders of those. */
function linkEntry(from: string, to: string) {
  const stat = fs.lstatSync(from);
  if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
  else if (stat.isFile()) fs.linkSync(from, to);
  else if (stat.isDirectory()) {
    fs.mkdirSync(to);
    for (const name of fs.readdirSync(from)) linkEntry(path.join(from, name), path.join(to, name));
  }
}

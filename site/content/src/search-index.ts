import fs from 'node:fs';
import path from 'node:path';

/**
 * Pagefind holds every page's words and positions in memory until it writes the index: ~200 KB a
 * page here, 2 GB for 10,000 articles. The article pages are therefore indexed in shards of at
 * most SEARCH_SHARD_PAGES pages, one Pagefind run each, so memory stays flat however large the
 * archive grows. The first shard is the main bundle (/pagefind/, with Pagefind's UI); the others
 * are bundles below it, listed in /pagefind/shards.json, which the search page merges
 * (PagefindUI `mergeIndex`): readers get one list of results.
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

/** Indexes one folder of pages (`site`, pages only) into a Pagefind bundle at `output`. */
export type IndexShard = (site: string, output: string) => Promise<void>;

/** Pages hard-linked at once into a shard's folder. */
const LINK_BATCH = 200;

/**
 * Indexes the article pages of `siteDir` into the bundle `outputPath` (and its shards below it).
 * Each shard's pages are hard-linked into a folder of their own (no data copied), keeping their
 * paths, so their URLs are the site's.
 */
export async function buildSearchIndex(
  siteDir: string,
  outputPath: string,
  indexShard: IndexShard,
  perShard = shardPages()
): Promise<{ pages: number; shards: number }> {
  const articles = path.join(siteDir, ARTICLES);
  // Asynchronous throughout: the publisher runs this beside its webhooks and builds, whose timers a
  // synchronous pass over 10,000 pages would hold back (~1 s at a time).
  const slugs = await fs.promises.readdir(articles).catch(() => [] as string[]);
  const present = await Promise.all(
    slugs.map((slug) =>
      fs.promises.access(path.join(articles, slug, 'index.html')).then(
        () => true,
        () => false
      )
    )
  );
  const pages = slugs.filter((_, i) => present[i]).sort();
  const shards: string[][] = [];
  for (let i = 0; i < Math.max(pages.length, 1); i += perShard) shards.push(pages.slice(i, i + perShard));

  const work = `${outputPath}.shards`;
  await fs.promises.rm(work, { recursive: true, force: true });
  try {
    const bundles: string[] = [];
    for (const [k, slugs] of shards.entries()) {
      const shardSite = path.join(work, String(k));
      await fs.promises.mkdir(shardSite, { recursive: true });
      for (let i = 0; i < slugs.length; i += LINK_BATCH) {
        await Promise.all(
          slugs.slice(i, i + LINK_BATCH).map(async (slug) => {
            await fs.promises.mkdir(path.join(shardSite, ARTICLES, slug), { recursive: true });
            await fs.promises.link(
              path.join(articles, slug, 'index.html'),
              path.join(shardSite, ARTICLES, slug, 'index.html')
            );
          })
        );
      }
      const bundle = k === 0 ? '' : `phan-${k + 1}`;
      await indexShard(shardSite, path.join(outputPath, bundle));
      await fs.promises.rm(shardSite, { recursive: true, force: true });
      if (bundle) bundles.push(`/pagefind/${bundle}/`);
    }
    await fs.promises.writeFile(path.join(outputPath, SHARD_MANIFEST), JSON.stringify(bundles));
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
  return { pages: pages.length, shards: shards.length };
}

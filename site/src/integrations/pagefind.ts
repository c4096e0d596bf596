import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';
import { buildSearchIndex } from '@newsroom/content/search-index';

/**
 * Indexes the article pages with Pagefind right after `astro build`, into <outDir>/pagefind/, in
 * shards that keep Pagefind's memory flat (src/lib/search-index.ts). Only elements marked
 * `data-pagefind-body` (article bodies) are indexed, never menus or footers. Pagefind matches
 * without diacritics: "thieu hoa" finds "Thiệu Hóa".
 * The publisher turns it off (SITE_SEARCH_INDEX=off) and indexes each release right after it goes
 * live, so a publish is not held back by indexing; scoped builds never index part of the site.
 * https://pagefind.app/docs/node-api/
 */
export default function pagefindIntegration(): AstroIntegration {
  return {
    name: 'newsroom:pagefind',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        if (process.env.SITE_SEARCH_INDEX === 'off' || process.env.SITE_SCOPE) {
          logger.info('Search index left to the publisher.');
          return;
        }
        const site = fileURLToPath(dir);
        const started = Date.now();
        const { pages, shards } = await buildSearchIndex(site, path.join(site, 'pagefind'), async (shard, out) => {
          // One Pagefind process per shard: its memory is returned when it closes.
          const { index, errors } = await pagefind.createIndex({ forceLanguage: 'vi' });
          if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
          const added = await index.addDirectory({ path: shard });
          if (added.errors.length) throw new Error(`Pagefind failed to index ${shard}: ${added.errors.join('; ')}`);
          const written = await index.writeFiles({ outputPath: out });
          if (written.errors.length)
            throw new Error(`Pagefind failed to write its index: ${written.errors.join('; ')}`);
          await pagefind.close();
        });
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        logger.info(`Indexed ${pages} articles for search in ${shards} shard(s) in ${seconds} s`);
      },
    },
  };
}

import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import * as pagefind from 'pagefind';

/**
 * Indexes the built site with Pagefind right after `astro build`, into <outDir>/pagefind/.
 * Only elements marked `data-pagefind-body` (article bodies) are indexed, never menus or footers.
 * Pagefind matches without diacritics: "thieu hoa" finds "Thiệu Hóa".
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
        const { index, errors } = await pagefind.createIndex({ forceLanguage: 'vi' });
        if (!index) throw new Error(`Pagefind could not start: ${errors.join('; ')}`);
        const added = await index.addDirectory({ path: site });
        if (added.errors.length) throw new Error(`Pagefind failed to index ${site}: ${added.errors.join('; ')}`);
        const written = await index.writeFiles({ outputPath: `${site}/pagefind` });
        if (written.errors.length) throw new Error(`Pagefind failed to write its index: ${written.errors.join('; ')}`);
        await pagefind.close();
        logger.info(`Indexed ${added.page_count} pages for search in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      },
    },
  };
}

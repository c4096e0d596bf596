/**
 * `npm run seed -- --articles N`: makes sure the demo newsroom holds the seed article and N
 * generated Vietnamese articles (with authors, categories, tags, photos and polls). Idempotent:
 * running it twice adds nothing twice. Works on the configured database (cms/.env).
 *
 * The generated articles are written in bulk (cms/src/seed/bulk.ts): the rows the Document Service
 * would store, without its per-document cost and without webhooks (a running publisher finds them
 * at its next reconciliation). `--document-service` writes them one by one through it instead.
 */
import { parseArgs } from 'node:util';
import type { Core } from '@strapi/strapi';
import { cmsModule, withCms } from '../lib/strapi-app.js';

/** What cms/src/seed/index.ts exports (loaded from the compiled CMS at run time). */
interface SeedModule {
  seed(
    strapi: Core.Strapi,
    options: { articles: number; bulk?: boolean; onProgress?: (done: number, total: number) => void }
  ): Promise<Record<string, unknown>>;
}

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '30' }, 'document-service': { type: 'boolean', default: false } },
});
const articles = Number(values.articles);
if (!Number.isInteger(articles) || articles < 0) {
  console.error(`--articles must be a whole number ≥ 0, got "${values.articles}".`);
  process.exit(2);
}

// The CLI decides what is seeded: no demo seeding or token writing at bootstrap.
process.env.SEED_DEMO = 'false';
process.env.SITE_TOKEN = 'off';
process.env.STRAPI_TELEMETRY_DISABLED = 'true';

const started = Date.now();
const result = await withCms(async (strapi: Core.Strapi) => {
  const { seed } = cmsModule<SeedModule>('seed/index.js');
  let last = 0;
  return seed(strapi, {
    articles,
    bulk: !values['document-service'],
    onProgress(done, total) {
      if (done === total || Date.now() - last > 1000) {
        last = Date.now();
        const rate = done / ((Date.now() - started) / 1000);
        process.stdout.write(`\rSeeding articles: ${done}/${total} (${rate.toFixed(1)}/s)   `);
      }
    },
  });
});
process.stdout.write('\n');
console.log(JSON.stringify({ ...result, seconds: Math.round((Date.now() - started) / 100) / 10 }));

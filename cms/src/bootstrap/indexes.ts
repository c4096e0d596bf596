import type { Core } from '@strapi/strapi';

/**
 * Indexes Strapi does not create for uid fields: pages are looked up by slug, and every write
 * checks slug uniqueness. Without them each lookup scans the table (seeding 10,000 articles
 * slowed to a few per second). Re-created at every start: Strapi's schema sync may drop indexes
 * it does not know.
 */
const INDEXED_SLUGS = ['articles', 'authors', 'categories', 'tags'];

export async function ensureIndexes(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  for (const table of INDEXED_SLUGS) {
    await knex.raw(`CREATE INDEX IF NOT EXISTS ${table}_slug_idx ON ${table} (slug)`);
  }
  // The public API's listings, newest first: without it a deep page sorts the whole table.
  await knex.raw('CREATE INDEX IF NOT EXISTS articles_publication_date_idx ON articles (publication_date)');
  // The publishing state (api/publishing/lib/state.ts) reads these three of every published
  // article: from the index alone, rather than from rows whose bodies lie in between (at 100,000
  // articles ~1–2 s of the CMS's one thread, ~0.15–0.35 s from the index).
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS articles_publishing_state_idx ON articles (published_at, document_id, updated_at)'
  );
  // The seed finds what it already wrote by source key, 500 keys a query (seed/index.ts): without
  // these, re-running it on 100,000 articles scanned the table 200 times (~140 s).
  await knex.raw('CREATE INDEX IF NOT EXISTS articles_source_key_idx ON articles (source_key)');
  await knex.raw('CREATE INDEX IF NOT EXISTS photos_source_key_idx ON photos (source_key)');
  // The scheduler's sweep every few seconds: drafts whose publish or unpublish time has come.
  await knex.raw('CREATE INDEX IF NOT EXISTS articles_publish_at_idx ON articles (publish_at)');
  await knex.raw('CREATE INDEX IF NOT EXISTS articles_unpublish_at_idx ON articles (unpublish_at)');
  // One vote per reader per poll, enforced by the database itself (atomic under concurrency):
  // voter_key = poll + signed cookie id, client_key = poll + salted hash of the reader's address.
  await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS poll_votes_voter_key_uq ON poll_votes (voter_key)');
  await knex.raw('CREATE UNIQUE INDEX IF NOT EXISTS poll_votes_client_key_uq ON poll_votes (client_key)');
}

/** The test PostgreSQL server's throw-away databases, and where this run's CMS templates are described. */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** PostgreSQL server the suites create throw-away databases on (trust auth on dev and CI machines). */
export const TEST_PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A template's description, in its directory under `inject('cmsTemplates')` (helpers/cms.ts). */
export const TEMPLATE_FILE = 'template.json';

/** Runs statements on the test PostgreSQL server itself (database `test`). */
async function onServer<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

export function databaseUrl(name: string) {
  const url = new URL(TEST_PG_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A new PostgreSQL database, empty or a copy of `template`'s. Copies of one template made at once
 * by several test files can be refused ("source database … is being accessed by other users"):
 * tried again.
 */
export async function createDatabase(template?: string) {
  const name = `newsroom_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await onServer((client) => client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
      return name;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 40) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

export const dropPgDatabase = (name: string) =>
  onServer((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {});

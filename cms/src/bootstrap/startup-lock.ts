import type { Core } from '@strapi/strapi';
import pg from 'pg';

/** Key of the PostgreSQL advisory lock a starting CMS process holds ("news"). */
const LOCK_KEY = 0x6e657773;

let turn: pg.Client | null = null;

/**
 * CMS processes on one database start one at a time. Two processes starting together
 * (`docker compose up` with several replicas, a rolling deploy) would otherwise both create
 * Strapi's own tables (the second fails: "relation already exists") and both find no site token,
 * no desk role, no webhook, and create one each. Taken in `register`, before Strapi opens the
 * database, and given back when this process's bootstrap is done; held on a connection of its
 * own, so it goes with the process should it die mid-start. SQLite is one process by nature.
 */
export async function takeStartupTurn(strapi: Core.Strapi) {
  const { client, connection } = strapi.config.get<{ client: string; connection: pg.ClientConfig }>(
    'database.connection'
  );
  if (client !== 'postgres') return;
  const holder = new pg.Client(connection);
  await holder.connect();
  const { rows } = await holder.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
  if (!rows[0].ok) {
    strapi.log.info('Another CMS process is starting on this database: waiting for its turn…');
    await holder.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
  }
  turn = holder;
}

/** This process has started: the next may. */
export async function endStartupTurn() {
  const holder = turn;
  turn = null;
  if (!holder) return;
  await holder.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
  await holder.end().catch(() => undefined);
}

import path from 'path';
import type { Core } from '@strapi/strapi';

type Client = 'sqlite' | 'postgres';

/**
 * SQLite under cms/.tmp/ by default (nothing to set up); PostgreSQL when DATABASE_URL is set or
 * DATABASE_CLIENT=postgres. https://docs.strapi.io/cms/configurations/database
 */
const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Database => {
  const client = (env('DATABASE_CLIENT') || (env('DATABASE_URL') ? 'postgres' : 'sqlite')) as Client;
  const pool = { min: env.int('DATABASE_POOL_MIN', 2), max: env.int('DATABASE_POOL_MAX', 10) };
  const acquireConnectionTimeout = env.int('DATABASE_CONNECTION_TIMEOUT', 60000);

  if (client === 'postgres') {
    return {
      connection: {
        client: 'postgres',
        connection: {
          connectionString: env('DATABASE_URL'),
          host: env('DATABASE_HOST', '127.0.0.1'),
          port: env.int('DATABASE_PORT', 5432),
          database: env('DATABASE_NAME', 'strapi'),
          user: env('DATABASE_USERNAME', 'strapi'),
          password: env('DATABASE_PASSWORD', ''),
          ssl: env.bool('DATABASE_SSL', false) && {
            rejectUnauthorized: env.bool('DATABASE_SSL_REJECT_UNAUTHORIZED', true),
          },
          schema: env('DATABASE_SCHEMA', 'public'),
        },
        pool,
        acquireConnectionTimeout,
      },
    };
  }

  if (client !== 'sqlite') {
    throw new Error(`Unsupported DATABASE_CLIENT "${client}": use "sqlite" (default) or "postgres".`);
  }

  // An empty DATABASE_FILENAME= line is taken literally and SQLite then fails to open: use `||`.
  const filename = env('DATABASE_FILENAME') || '.tmp/data.db';
  return {
    connection: {
      client: 'sqlite',
      connection: {
        // Relative paths are relative to cms/ (this file runs from cms/dist/config/).
        filename: path.resolve(__dirname, '..', '..', filename),
      },
      useNullAsDefault: true,
      acquireConnectionTimeout,
      pool: {
        // WAL lets readers (the site build) run while an editor saves, and NORMAL sync is durable
        // across crashes of the process in WAL mode while not fsyncing every statement.
        // https://www.sqlite.org/wal.html
        afterCreate(conn: unknown, done: (err?: Error, conn?: unknown) => void) {
          const db = conn as { pragma(sql: string): unknown };
          db.pragma('journal_mode = WAL');
          db.pragma('synchronous = NORMAL');
          done(undefined, conn);
        },
      },
    },
  };
};

export default config;

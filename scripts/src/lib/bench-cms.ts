import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quietEnv } from '@newsroom/publisher/bin';
import { CMS_DIR, ROOT } from '@newsroom/publisher/paths';
import { run } from './processes.js';
import { generateSecrets } from './secrets.js';

/**
 * A CMS of its own for benchmarks: N demo articles on cms/.tmp/bench-<N>.db (seeded once, reused
 * by later runs and by every bench), with fresh secrets and its own site env file.
 */
export function benchCmsEnv(articles: number, port: number, extra: Record<string, string> = {}) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bench-'));
  const env: Record<string, string> = {
    ...(quietEnv() as Record<string, string>),
    ...generateSecrets(),
    ENV_PATH: path.join(work, 'none.env'),
    DATABASE_CLIENT: 'sqlite',
    DATABASE_FILENAME: `.tmp/bench-${articles}.db`,
    PUBLIC_DIR: path.join(CMS_DIR, '.tmp', `bench-${articles}-public`),
    PORT: String(port),
    HOST: '127.0.0.1',
    SERVE_ADMIN: 'false',
    SEED_DEMO: 'false',
    SITE_ENV_FILE: path.join(work, 'site.env'),
    NODE_ENV: 'production',
    ...extra,
  };
  fs.writeFileSync(env.ENV_PATH, '');
  fs.mkdirSync(path.join(env.PUBLIC_DIR, 'uploads'), { recursive: true });
  return { work, env };
}

/** Seeds the bench database up to `articles` (idempotent: a seeded database is reused at once). */
export async function seedBench(articles: number, env: Record<string, string>) {
  console.log(`Seeding (or reusing) ${articles} articles in cms/.tmp/bench-${articles}.db …`);
  await run('npm', ['run', '--silent', 'seed', '--', '--articles', String(articles)], { cwd: ROOT, env });
}

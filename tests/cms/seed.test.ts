/** `npm run seed` is deterministic and idempotent, on both databases. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASES, isolatedEnv, ROOT } from '../helpers/cms';

/**
 * Runs `npm run seed` without blocking the test worker (spawnSync would stall its event loop for
 * the whole seed, and vitest's messages to the worker time out on a busy machine).
 */
async function seed(env: Record<string, string>, articles: number) {
  const child = spawn('npm', ['run', '--silent', 'seed', '--', '--articles', String(articles)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  expect(status, stderr + stdout).toBe(0);
  const summary = stdout.trim().split('\n').pop()!;
  return {
    ...(JSON.parse(summary) as { created: Record<string, number>; totals: Record<string, number> }),
    stdout,
  };
}

describe.each(DATABASES)('npm run seed on %s', (database) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  it('seeds N articles plus the seed article, and a second run adds nothing', async () => {
    const { env, cleanup } = await isolatedEnv(database);
    cleanups.push(cleanup);

    const first = await seed(env, 12);
    expect(first.stdout).toMatch(/Seeding articles: 13\/13/);
    expect(first.created).toEqual({ articles: 13, photos: 20, authors: 6, categories: 8, tags: 21, polls: 2 });
    expect(first.totals).toEqual(first.created);

    const second = await seed(env, 12);
    expect(second.created).toEqual({ articles: 0, photos: 0, authors: 0, categories: 0, tags: 0, polls: 0 });
    expect(second.totals).toEqual(first.totals);

    const more = await seed(env, 15);
    expect(more.created.articles).toBe(3);
    expect(more.totals.articles).toBe(16);
  }, 600_000); // three seeds, each booting Strapi: over a minute on a busy machine
});

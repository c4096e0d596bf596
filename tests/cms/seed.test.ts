/** `npm run seed` is deterministic and idempotent, on both databases. */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASES, isolatedEnv, ROOT } from '../helpers/cms';

function seed(env: Record<string, string>, articles: number) {
  const run = spawnSync('npm', ['run', '--silent', 'seed', '--', '--articles', String(articles)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  expect(run.status, run.stderr + run.stdout).toBe(0);
  const summary = run.stdout.trim().split('\n').pop()!;
  return {
    ...(JSON.parse(summary) as { created: Record<string, number>; totals: Record<string, number> }),
    stdout: run.stdout,
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

    const first = seed(env, 12);
    expect(first.stdout).toMatch(/Seeding articles: 13\/13/);
    expect(first.created).toEqual({ articles: 13, photos: 20, authors: 6, categories: 8, tags: 21, polls: 2 });
    expect(first.totals).toEqual(first.created);

    const second = seed(env, 12);
    expect(second.created).toEqual({ articles: 0, photos: 0, authors: 0, categories: 0, tags: 0, polls: 0 });
    expect(second.totals).toEqual(first.totals);

    const more = seed(env, 15);
    expect(more.created.articles).toBe(3);
    expect(more.totals.articles).toBe(16);
  }, 600_000); // three seeds, each booting Strapi: over a minute on a busy machine
});

/**
 * `npm run bench:votes -- --votes 10000 --concurrency 200`: boots the CMS on a fresh PostgreSQL
 * database, fires votes at its open poll from distinct simulated readers, and prints throughput,
 * p50/p99 latency and expected vs counted totals. PostgreSQL: BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test, where a throw-away database is created and dropped).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bin, quietEnv } from '../lib/bin.js';
import { CMS_DIR } from '../lib/paths.js';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { generateSecrets } from '../lib/secrets.js';

const { values } = parseArgs({
  options: {
    votes: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '200' },
    port: { type: 'string', default: '1340' },
  },
});
const votes = Number(values.votes);
const concurrency = Number(values.concurrency);
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = `newsroom_bench_votes_${Date.now()}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-votes-'));

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(sql);
  await client.end();
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  fs.writeFileSync(path.join(work, 'none.env'), '');
  fs.mkdirSync(path.join(work, 'public', 'uploads'), { recursive: true });
  const cmsUrl = `http://127.0.0.1:${values.port}`;
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], {
    cwd: CMS_DIR,
    env: {
      ...quietEnv(),
      ...generateSecrets(),
      ENV_PATH: path.join(work, 'none.env'),
      DATABASE_URL: url.toString(),
      DATABASE_POOL_MAX: '20',
      PORT: values.port!,
      HOST: '127.0.0.1',
      PUBLIC_DIR: path.join(work, 'public'),
      SERVE_ADMIN: 'false',
      SEED_DEMO_ARTICLES: '1',
      SITE_TOKEN: 'off',
      // Every simulated reader comes from this machine: lift the per-client limit for the bench.
      POLL_RATE_LIMIT: String(votes * 2),
      NODE_ENV: 'production',
    },
  });
  await waitForHttp(`${cmsUrl}/_health`, 240_000, () => cms.exitCode === null);
  cms.stdout?.removeAllListeners('data').resume(); // drained, not printed: one line per request

  const polls = (await (await fetch(`${cmsUrl}/api/polls`)).json()) as {
    data: { documentId: string; closesAt: string; options: { id: number }[] }[];
  };
  const poll = polls.data.find((p) => Date.parse(p.closesAt) > Date.now())!;
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < votes) {
        const i = next++;
        const option = poll.options[i % poll.options.length].id;
        const t0 = performance.now();
        const res = await fetch(`${cmsUrl}/api/polls/${poll.documentId}/votes`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': `bench-reader-${i}` },
          body: JSON.stringify({ option }),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    })
  );
  const seconds = (performance.now() - started) / 1000;
  const results = (await (await fetch(`${cmsUrl}/api/polls/${poll.documentId}/results`)).json()) as {
    data: { total: number };
  };
  latencies.sort((a, b) => a - b);
  console.log(`
Votes on PostgreSQL, ${votes} readers, concurrency ${concurrency}, ${os.cpus().length} cores (CMS and load generator share them)
| votes/s | p50 ms | p99 ms | max ms | statuses | expected | counted |
|---|---|---|---|---|---|---|
| ${(votes / seconds).toFixed(0)} | ${percentile(latencies, 50).toFixed(1)} | ${percentile(latencies, 99).toFixed(1)} | ${latencies[latencies.length - 1].toFixed(1)} | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')} | ${votes} | ${results.data.total} |`);
  if (results.data.total !== votes) process.exitCode = 1;
}

main()
  .catch((error: Error) => {
    console.error(error.message);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopChildren();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  });

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
    // Writes a V8 CPU profile of the CMS and prints where its time went.
    profile: { type: 'boolean', default: false },
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
  const profileDir = path.join(work, 'profile');
  const [command, args] = values.profile
    ? [process.execPath, ['--cpu-prof', '--cpu-prof-dir', profileDir, fs.realpathSync(bin('strapi', CMS_DIR)), 'start']]
    : [bin('strapi', CMS_DIR), ['start']];
  const cms = startChild('cms', command, args, {
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
  if (values.profile) {
    await stopChildren();
    printProfile(profileDir);
  }
}

/** The functions the CMS spent most of its own time in, from the V8 CPU profile. */
function printProfile(dir: string) {
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log('No CPU profile was written.');
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
  };
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length;
  console.log('\nCMS CPU profile, self time (top 20):');
  for (const [key, n] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
  // By package: which dependency the time is spent in.
  const byPackage = new Map<string, number>();
  for (const [key, n] of self) {
    const pkg = /(@[^/ ]+\/[^/ ]+|[^/ ]+)\//.exec(key.split(' ')[1] ?? '')?.[1] ?? '(node)';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + n);
  }
  console.log('\nBy package (top 12):');
  for (const [pkg, n] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${pkg}`);
  }
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

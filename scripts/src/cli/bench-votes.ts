/**
 * `npm run bench:votes -- --votes 10000 --concurrency 200`: boots the CMS on a fresh PostgreSQL
 * database, fires votes at its open poll from distinct simulated readers, and prints throughput,
 * p50/p99 latency and expected vs counted totals. PostgreSQL: BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test, where a throw-away database is created and dropped).
 *
 * `--via-nginx`: the production shape instead (docker-compose.yml): the votes go to Debian's nginx
 * with scripts/deploy/nginx.conf, which spreads them over `--processes` CMS processes (2) sharing
 * the database and Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { bin, quietEnv, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { CMS_DIR } from '@newsroom/publisher/paths';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { generateSecrets } from '../lib/secrets.js';
import { startNginx } from '../lib/nginx.js';

const { values } = parseArgs({
  options: {
    votes: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '200' },
    // The steady rate of the second run, whose latencies are what readers see at that load.
    rate: { type: 'string', default: '1000' },
    port: { type: 'string', default: '1340' },
    // Writes a V8 CPU profile of the CMS and prints where its time went.
    profile: { type: 'boolean', default: false },
    'via-nginx': { type: 'boolean', default: false },
    processes: { type: 'string' },
  },
});
const viaNginx = values['via-nginx'];
const processes = Number(values.processes ?? (viaNginx ? 2 : 1));
if (!Number.isInteger(processes) || processes < 1)
  throw new Error(`--processes must be a whole number ≥ 1, not ${values.processes}.`);
if (processes > 1 && !viaNginx)
  throw new Error('Several CMS processes need a proxy in front of them: add --via-nginx.');
const votes = Number(values.votes);
const concurrency = Number(values.concurrency);
const rate = Number(values.rate);
const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dbName = `newsroom_bench_votes_${Date.now()}`;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-votes-'));
/** What to stop at the end besides the child processes (nginx). */
const stopping: (() => Promise<unknown>)[] = [];

async function admin(sql: string) {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  await client.query(sql);
  await client.end();
}

/** CPU seconds used so far by the processes `match` picks (Linux /proc; 0 elsewhere). */
function cpuSeconds(match: (p: { comm: string; pgrp: number }) => boolean): number {
  if (!fs.existsSync('/proc/self/stat')) return 0;
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (match({ comm, pgrp: Number(fields[2]) })) ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks / 100; // USER_HZ, 100 on Linux
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  await admin(`CREATE DATABASE ${dbName}`);
  const url = new URL(base);
  url.pathname = `/${dbName}`;
  fs.writeFileSync(path.join(work, 'none.env'), '');
  fs.mkdirSync(path.join(work, 'public', 'uploads'), { recursive: true });
  const profileDir = path.join(work, 'profile');
  const secrets = generateSecrets();
  const redisPrefix = `newsroom-bench-${Date.now()}`;
  /** One CMS process on the bench's database; several share its secrets, uploads and Redis. */
  const startCms = async (port: number) => {
    const [command, args] = values.profile
      ? [
          process.execPath,
          ['--cpu-prof', '--cpu-prof-dir', profileDir, fs.realpathSync(bin('strapi', CMS_DIR)), 'start'],
        ]
      : [bin('strapi', CMS_DIR), ['start']];
    const cms = startChild(`cms:${port}`, command, args, {
      cwd: CMS_DIR,
      env: withCmsHeapLimit({
        ...quietEnv(),
        ...secrets,
        ENV_PATH: path.join(work, 'none.env'),
        DATABASE_URL: url.toString(),
        DATABASE_POOL_MAX: '20',
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_DIR: path.join(work, 'public'),
        SERVE_ADMIN: 'false',
        SEED_DEMO_ARTICLES: '1',
        SITE_TOKEN: 'off',
        // Every simulated reader comes from this machine: lift the per-client limit for the bench.
        POLL_RATE_LIMIT: String(votes * 2),
        NODE_ENV: 'production',
        ...(viaNginx
          ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379', REDIS_PREFIX: redisPrefix }
          : {}),
      }),
    });
    await waitForHttp(`http://127.0.0.1:${port}/_health`, 240_000, () => cms.exitCode === null);
    cms.stdout?.removeAllListeners('data').resume(); // drained, not printed: one line per request
    return cms;
  };
  const ports = Array.from({ length: processes }, (_, i) => Number(values.port) + i);
  // Started together, as compose starts replicas: they take turns (cms/src/bootstrap/startup-lock.ts).
  const children = await Promise.all(ports.map(startCms));
  const cmsUrl = `http://127.0.0.1:${ports[0]}`;
  /** Where readers' votes go: the CMS itself, or nginx in front of the processes. */
  let voteUrl = cmsUrl;
  let nginx: Awaited<ReturnType<typeof startNginx>> | undefined;
  if (viaNginx) {
    fs.mkdirSync(path.join(work, 'site'), { recursive: true });
    nginx = await startNginx({
      root: path.join(work, 'site'),
      port: Number(values.port) + processes,
      cms: ports.map((p) => `http://127.0.0.1:${p}`),
    });
    voteUrl = nginx.url;
    stopping.push(() => nginx!.close());
  }
  const cmsPids = new Set(children.map((c) => c.pid));

  const polls = (await (await fetch(`${cmsUrl}/api/polls`)).json()) as {
    data: { documentId: string; closesAt: string; options: { id: number; votes: number }[] }[];
  };
  const poll = polls.data.find((p) => Date.parse(p.closesAt) > Date.now())!;
  const cpu = {
    cms: () => cpuSeconds((p) => cmsPids.has(p.pgrp)),
    postgres: () => cpuSeconds((p) => p.comm === 'postgres'),
    nginx: () => cpuSeconds((p) => p.comm === 'nginx'),
    bench: () => (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  };
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  let reader = 0;
  /** One vote from a reader never seen before (their own address, no cookie). */
  const castVote = () => {
    const i = reader++;
    const body = JSON.stringify({ option: poll.options[i % poll.options.length].id });
    return new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${voteUrl}/api/polls/${poll.documentId}/votes`,
        {
          method: 'POST',
          agent,
          headers: {
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            // A reader from the site's page, at an address of their own (as nginx passes it on).
            Origin: 'http://127.0.0.1:4321',
            'X-Forwarded-For': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          },
        },
        (res) => res.resume().on('end', () => resolve(res.statusCode!))
      );
      req.on('error', reject);
      req.end(body);
    });
  };

  interface Phase {
    name: string;
    seconds: number;
    latencies: number[];
    statuses: Map<number, number>;
    cpu: Record<keyof typeof cpu, number>;
    window: [bigint, bigint];
  }
  /**
   * Closed loop (`rate` unset): `concurrency` readers vote one after the other as fast as the CMS
   * answers: the throughput ceiling. Open loop (`rate`): votes are due at a steady rate, at most
   * `concurrency` in flight, and each latency runs from when the vote was due, so a stalled CMS
   * cannot hide its backlog (no coordinated omission).
   */
  async function phase(name: string, rate?: number): Promise<Phase> {
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const before = { cms: cpu.cms(), postgres: cpu.postgres(), nginx: cpu.nginx(), bench: cpu.bench() };
    const from = process.hrtime.bigint();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < votes) {
          const i = next++;
          const due = rate ? started + (i / rate) * 1000 : performance.now();
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
          const status = await castVote();
          latencies.push(performance.now() - due);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }
      })
    );
    const seconds = (performance.now() - started) / 1000;
    const used = (who: keyof typeof cpu) => ((cpu[who]() - before[who]) / votes) * 1000;
    latencies.sort((x, y) => x - y);
    return {
      name,
      seconds,
      latencies,
      statuses,
      cpu: { cms: used('cms'), postgres: used('postgres'), nginx: used('nginx'), bench: used('bench') },
      window: [from, process.hrtime.bigint()],
    };
  }

  const phases = [await phase(`as fast as ${concurrency} readers can`), await phase(`${rate} votes/s offered`, rate)];
  agent.destroy();
  const results = (await (await fetch(`${cmsUrl}/api/polls/${poll.documentId}/results`)).json()) as {
    data: { total: number };
  };
  const expected = poll.options.reduce((n, o) => n + o.votes, 0) + reader;
  const ms = (n: number) => n.toFixed(1);
  console.log(`
Votes on PostgreSQL${viaNginx ? `, through nginx to ${processes} CMS processes sharing Redis` : ''}, ${votes} readers per run, at most ${concurrency} in flight, ${os.cpus().length} cores shared by ${viaNginx ? 'nginx, ' : ''}the CMS, PostgreSQL and the load generator
| run | votes/s | p50 ms | p99 ms | max ms | statuses | CPU per vote: CMS / PostgreSQL / nginx / load generator |
|---|---|---|---|---|---|---|
${phases
  .map(
    (p) =>
      `| ${p.name} | ${(votes / p.seconds).toFixed(0)} | ${ms(percentile(p.latencies, 50))} | ${ms(percentile(p.latencies, 99))} | ${ms(p.latencies[p.latencies.length - 1])} | ${[...p.statuses].map(([s, n]) => `${s}×${n}`).join(' ')} | ${p.cpu.cms.toFixed(2)} / ${p.cpu.postgres.toFixed(2)} / ${p.cpu.nginx.toFixed(2)} / ${p.cpu.bench.toFixed(2)} ms |`
  )
  .join('\n')}
Counted: ${results.data.total} of ${expected} expected (${reader} votes sent on top of the seeded counts).`);
  if (results.data.total !== expected) process.exitCode = 1;
  if (values.profile) {
    await stopChildren();
    for (const p of phases) printProfile(profileDir, p);
  }
}

/**
 * The functions the CMS spent most of its own time in during `window` (process.hrtime, which
 * reads the same monotonic clock as V8's profile timestamps), from the V8 CPU profile.
 */
function printProfile(dir: string, { name, window }: { name: string; window: [bigint, bigint] }) {
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return console.log('No CPU profile was written.');
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as {
    nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
    samples: number[];
    startTime: number;
    timeDeltas: number[];
  };
  const [from, to] = window.map((ns) => Number(ns / 1000n));
  let at = profile.startTime;
  profile.samples = profile.samples.filter((_, i) => {
    at += profile.timeDeltas[i];
    return at >= from && at <= to;
  });
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  for (const id of profile.samples) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^.*node_modules\//, '').replace(/^file:\/\/\/work\/main\//, '');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + 1);
  }
  const total = profile.samples.length;
  console.log(`\nCMS CPU profile, ${name}: self time (top 20 of ${profile.samples.length} samples):`);
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
    for (const stop of stopping) await stop().catch(() => {});
    await stopChildren();
    await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => {});
    fs.rmSync(work, { recursive: true, force: true });
  });

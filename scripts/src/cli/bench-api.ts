/**
 * `npm run bench:api -- --articles 10000`: the heaviest requests the public Content API allows,
 * timed and weighed on a seeded bench database (cms/.tmp/bench-<N>.db, shared with the other
 * benches). Each request runs `--runs` times after five warm-ups, as anyone and with the site's
 * read-only token; prints bytes and p50/p95/max milliseconds, and whether every answer stays
 * within the bound (1 MB, 200 ms p95).
 */
import { parseArgs } from 'node:util';
import { bin, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { CMS_DIR } from '@newsroom/publisher/paths';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '60' },
    port: { type: 'string', default: '1341' },
  },
});
const articles = Number(values.articles);
const runs = Number(values.runs);
const MAX_BYTES = 1_000_000;
const MAX_P95_MS = 200;
const { env } = benchCmsEnv(articles, Number(values.port));
const base = `http://127.0.0.1:${env.PORT}/api`;

/** The largest answers the query guard lets through: full pages of each type, the deepest filters allowed. */
const REQUESTS = [
  'articles?pagination[pageSize]=100',
  'articles?pagination[pageSize]=100&pagination[page]=50&sort=publicationDate:desc',
  'articles?pagination[pageSize]=100&filters[tags][name][$containsi]=a&filters[authors][name][$containsi]=a',
  'articles?pagination[pageSize]=100&filters[$or][0][title][$containsi]=thanh&filters[$or][1][lead][$containsi]=thanh',
  'articles?pagination[pageSize]=100&filters[$or][0][title][$containsi]=zzzz&filters[$or][1][lead][$containsi]=zzzz',
  'tags?pagination[pageSize]=100',
  'authors?pagination[pageSize]=100',
  'photos?pagination[pageSize]=100',
  'polls?pagination[pageSize]=100',
  'categories?pagination[pageSize]=100',
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function main() {
  await seedBench(articles, env);
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: withCmsHeapLimit(env) });
  await waitForHttp(`http://127.0.0.1:${env.PORT}/_health`, 240_000, () => cms.exitCode === null);
  cms.stdout?.removeAllListeners('data').resume();
  const token = readEnvFile(env.SITE_ENV_FILE).SITE_API_TOKEN;
  const rows: string[] = [];
  let ok = true;
  for (const request of REQUESTS) {
    for (const [who, auth] of [
      ['anyone', undefined],
      ['site token', token],
    ] as const) {
      const get = async () => {
        const started = performance.now();
        const res = await fetch(`${base}/${request}`, { headers: auth ? { Authorization: `Bearer ${auth}` } : {} });
        const body = await res.arrayBuffer();
        if (res.status !== 200)
          throw new Error(`${request} (${who}) answered ${res.status}: ${Buffer.from(body).toString().slice(0, 200)}`);
        return { ms: performance.now() - started, bytes: body.byteLength };
      };
      for (let i = 0; i < 5; i++) await get(); // warm-up
      const samples = [];
      for (let i = 0; i < runs; i++) samples.push(await get());
      const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
      const bytes = Math.max(...samples.map((s) => s.bytes));
      const within = bytes <= MAX_BYTES && percentile(ms, 95) <= MAX_P95_MS;
      ok &&= within;
      rows.push(
        `| ${request} | ${who} | ${(bytes / 1000).toFixed(0)} kB | ${percentile(ms, 50).toFixed(0)} | ${percentile(ms, 95).toFixed(0)} | ${ms.at(-1)!.toFixed(0)} | ${within ? 'yes' : '**no**'} |`
      );
    }
  }
  await stopChildren();
  console.log(`
Public Content API on ${articles} articles (${runs} runs each, after five warm-ups)

| request | as | largest answer | p50 ms | p95 ms | max ms | ≤ 1 MB, p95 ≤ 200 ms |
| --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}
`);
  if (!ok) process.exitCode = 1;
}

main().catch(async (error) => {
  console.error(error);
  await stopChildren();
  process.exit(1);
});

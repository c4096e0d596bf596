/**
 * `npm run bench:build -- --articles 10000`: seeds (or reuses) a CMS with N demo articles on its
 * own SQLite file, boots it, builds the site from it twice (cold image cache, then warm) and
 * prints fetch, render, image and search-index times, pages per second and peak RSS. The site is
 * built as the publisher builds it: live first, the search index after.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bin, quietEnv } from '@newsroom/publisher/bin';
import { CMS_DIR, SITE_DIR } from '@newsroom/publisher/paths';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';
import { searchIndex } from '@newsroom/publisher/astro';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '1000' }, port: { type: 'string', default: '1338' } },
});
const articles = Number(values.articles);
const { work, env: cmsEnv } = benchCmsEnv(articles, Number(values.port));

interface BuildFigures {
  seconds: number;
  astroPeakRssMb: number;
  fetch: number;
  pages: number;
  render: number;
  images: number;
  imageCount: number;
  search: number;
  searchPeakRssMb: number;
  searchShards: number;
}

/** Resident memory (MB) of the running Pagefind binaries (the npm wrapper starts the real one). */
function pagefindRssMb(): number {
  let total = 0;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      if (/^Name:\s+pagefind/m.test(status)) total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      // exited while reading
    }
  }
  return total;
}

/** Astro prints "Completed in 31ms" or "Completed in 2.61s" after the image step. */
function imageSeconds(out: string) {
  const m = /generating optimized images[\s\S]*?Completed in ([\d.]+)(ms|s)/.exec(out);
  return m ? Number(m[1]) / (m[2] === 'ms' ? 1000 : 1) : 0;
}

/** Peak resident memory (MB) of a child process while it runs. */
function sampleRss(child: ChildProcess) {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      peak = Math.max(peak, Number(hwm?.[1] ?? 0) / 1024);
    } catch {
      // exited
    }
  }, 200);
  return () => {
    clearInterval(timer);
    return peak;
  };
}

/** Pagefind over the built site, in shards, as the publisher runs it once a release is live. */
async function index(siteDir: string): Promise<{ seconds: number; peakRssMb: number; shards: number }> {
  const started = performance.now();
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, pagefindRssMb())), 200);
  try {
    const { shards } = await searchIndex(siteDir, path.join(siteDir, 'pagefind'));
    return { seconds: (performance.now() - started) / 1000, peakRssMb: peak, shards };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Runs `astro build` as the publisher does (the search index follows once the site is live),
 * sampling the peak resident memory of the Astro process; then indexes the result for search.
 */
async function build(label: string, cacheDir: string): Promise<BuildFigures> {
  const figures = await astro(label, cacheDir);
  const search = await index(path.join(work, label));
  return { ...figures, search: search.seconds, searchPeakRssMb: search.peakRssMb, searchShards: search.shards };
}

function astro(label: string, cacheDir: string): Promise<BuildFigures> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(bin('astro', SITE_DIR), ['build'], {
      cwd: SITE_DIR,
      env: {
        ...quietEnv(),
        ...readEnvFile(cmsEnv.SITE_ENV_FILE),
        SITE_OUT_DIR: path.join(work, label),
        SITE_CACHE_DIR: cacheDir,
        SITE_SEARCH_INDEX: 'off',
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    const peak = sampleRss(child);
    child.on('exit', (code) => {
      const astroPeak = peak();
      if (code !== 0) return reject(new Error(`astro build failed:\n${out.slice(-3000)}`));
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
      resolve({
        seconds: (performance.now() - started) / 1000,
        astroPeakRssMb: astroPeak,
        fetch: num(/\[content\] loaded \d+ articles .* in ([\d.]+) s/),
        pages: num(/\[build\] (\d+) page\(s\) built/),
        render: num(/\[build\] \d+ page\(s\) built in ([\d.]+)s/),
        images: imageSeconds(out),
        imageCount: (out.match(/▶ \/_astro\/.*\(before:/g) ?? []).length,
        search: 0,
        searchPeakRssMb: 0,
        searchShards: 0,
      });
    });
  });
}

async function main() {
  await seedBench(articles, cmsEnv);

  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: cmsEnv });
  await waitForHttp(`http://127.0.0.1:${cmsEnv.PORT}/_health`, 180_000, () => cms.exitCode === null);
  cms.stdout?.removeAllListeners('data'); // request logs would drown the figures

  const cache = path.join(work, 'astro-cache');
  const cold = await build('cold', cache);
  const warm = await build('warm', cache);
  await stopChildren();

  const row = (name: string, f: BuildFigures) =>
    `| ${name} | ${f.pages} | ${f.fetch.toFixed(1)} | ${f.render.toFixed(1)} | ${f.images.toFixed(1)} (${f.imageCount}) | ${f.seconds.toFixed(1)} | ${(f.pages / f.seconds).toFixed(0)} | ${f.astroPeakRssMb.toFixed(0)} / ${f.searchPeakRssMb.toFixed(0)} | ${f.search.toFixed(1)} (${f.searchShards}) |`;
  console.log(`
Site build from the CMS, ${articles} articles (+ the seed article), ${os.cpus().length} cores, Node ${process.version}
| build | pages | fetch s | pages built s | images s (files encoded) | site built s | pages/s | peak RSS MB: Astro / Pagefind | search index s (shards), after |
|---|---|---|---|---|---|---|---|---|
${row('cold image cache', cold)}
${row('warm image cache', warm)}
"site built" is the whole \`astro build\` (fetch, render, images): the site can go live then. The search index
(Pagefind, over the article pages, in shards of SEARCH_SHARD_PAGES) follows, as the publisher runs it once a
release is live. Peak RSS is sampled every 200 ms: the Astro process, and the Pagefind binaries.
"fetch s" runs while Astro bundles the pages (src/integrations/prefetch.ts): only its tail delays rendering.`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch(async (error: Error) => {
  console.error(error.message);
  await stopChildren();
  process.exit(1);
});

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
import { bin, quietEnv } from '../lib/bin.js';
import { CMS_DIR, SITE_DIR } from '../lib/paths.js';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { readEnvFile } from '../../../cms/src/utils/env-file.js';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';
import { searchIndexCommand } from '../publisher/astro.js';

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
}

/** Resident memory (MB) of a process and all its descendants (Pagefind runs as a child binary). */
function treeRssMb(root: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1]);
      rss.set(Number(entry), Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited while reading
    }
  }
  const sum = (pid: number): number => (rss.get(pid) ?? 0) + (children.get(pid) ?? []).reduce((n, c) => n + sum(c), 0);
  return sum(root);
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

/** Pagefind over the built site, as the publisher runs it once a release is live. */
function index(siteDir: string): Promise<{ seconds: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const [command, args] = searchIndexCommand(siteDir, path.join(siteDir, 'pagefind'));
    const child = spawn(command, args, { stdio: 'ignore' });
    // The npm wrapper starts the real binary as its child: sample the whole tree.
    let peak = 0;
    const timer = setInterval(() => (peak = Math.max(peak, treeRssMb(child.pid!))), 200);
    child.on('exit', (code) => {
      clearInterval(timer);
      if (code !== 0) return reject(new Error(`pagefind failed (exit ${code})`));
      resolve({ seconds: (performance.now() - started) / 1000, peakRssMb: peak });
    });
  });
}

/**
 * Runs `astro build` as the publisher does (the search index follows once the site is live),
 * sampling the peak resident memory of the Astro process; then indexes the result for search.
 */
async function build(label: string, cacheDir: string): Promise<BuildFigures> {
  const figures = await astro(label, cacheDir);
  const search = await index(path.join(work, label));
  return { ...figures, search: search.seconds, searchPeakRssMb: search.peakRssMb };
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
    `| ${name} | ${f.pages} | ${f.fetch.toFixed(1)} | ${f.render.toFixed(1)} | ${f.images.toFixed(1)} (${f.imageCount}) | ${f.seconds.toFixed(1)} | ${(f.pages / f.seconds).toFixed(0)} | ${f.astroPeakRssMb.toFixed(0)} / ${f.searchPeakRssMb.toFixed(0)} | ${f.search.toFixed(1)} |`;
  console.log(`
Site build from the CMS, ${articles} articles (+ the seed article), ${os.cpus().length} cores, Node ${process.version}
| build | pages | fetch s | pages built s | images s (files encoded) | site built s | pages/s | peak RSS MB: Astro / Pagefind | search index s (after) |
|---|---|---|---|---|---|---|---|---|
${row('cold image cache', cold)}
${row('warm image cache', warm)}
"site built" is the whole \`astro build\` (fetch, render, images): the site can go live then. The search index
(Pagefind, over the article pages) follows, as the publisher runs it once a release is live.
Peak RSS is sampled every 200 ms: the Astro process, and Pagefind's process tree.`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch(async (error: Error) => {
  console.error(error.message);
  await stopChildren();
  process.exit(1);
});

/**
 * `npm run bench:build -- --articles 10000`: seeds (or reuses) a CMS with N demo articles on its
 * own SQLite file, boots it, builds the site from it twice (cold image cache, then warm) and
 * prints fetch, render, image and search-index times, pages per second and peak RSS.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bin, quietEnv } from '../lib/bin.js';
import { CMS_DIR, SITE_DIR } from '../lib/paths.js';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { readEnvFile } from '../../../cms/src/utils/env-file.js';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';

const { values } = parseArgs({
  options: { articles: { type: 'string', default: '1000' }, port: { type: 'string', default: '1338' } },
});
const articles = Number(values.articles);
const { work, env: cmsEnv } = benchCmsEnv(articles, Number(values.port));

interface BuildFigures {
  seconds: number;
  peakRssMb: number;
  astroPeakRssMb: number;
  fetch: number;
  pages: number;
  render: number;
  images: number;
  imageCount: number;
  search: number;
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

/** Runs `astro build`, sampling the peak resident memory of its process tree. */
function build(label: string, cacheDir: string): Promise<BuildFigures> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(bin('astro', SITE_DIR), ['build'], {
      cwd: SITE_DIR,
      env: {
        ...quietEnv(),
        ...readEnvFile(cmsEnv.SITE_ENV_FILE),
        SITE_OUT_DIR: path.join(work, label),
        SITE_CACHE_DIR: cacheDir,
      },
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (out += d));
    let peak = 0;
    let astroPeak = 0;
    const sampler = setInterval(() => {
      if (!child.pid) return;
      peak = Math.max(peak, treeRssMb(child.pid));
      try {
        const hwm = /VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        astroPeak = Math.max(astroPeak, Number(hwm?.[1] ?? 0) / 1024);
      } catch {
        // exited
      }
    }, 200);
    child.on('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`astro build failed:\n${out.slice(-3000)}`));
      const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
      resolve({
        seconds: (performance.now() - started) / 1000,
        peakRssMb: peak,
        astroPeakRssMb: astroPeak,
        fetch: num(/\[content\] loaded \d+ articles .* in ([\d.]+) s/),
        pages: num(/\[build\] (\d+) page\(s\) built/),
        render: num(/\[build\] \d+ page\(s\) built in ([\d.]+)s/),
        images: imageSeconds(out),
        imageCount: (out.match(/▶ \/_astro\/.*\(before:/g) ?? []).length,
        search: num(/Indexed \d+ pages for search in ([\d.]+) s/),
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
    `| ${name} | ${f.pages} | ${f.fetch.toFixed(1)} | ${f.render.toFixed(1)} | ${f.images.toFixed(1)} (${f.imageCount}) | ${f.search.toFixed(1)} | ${f.seconds.toFixed(1)} | ${(f.pages / f.seconds).toFixed(0)} | ${f.astroPeakRssMb.toFixed(0)} / ${f.peakRssMb.toFixed(0)} |`;
  console.log(`
Site build from the CMS, ${articles} articles (+ the seed article), ${os.cpus().length} cores, Node ${process.version}
| build | pages | fetch s | pages built s | images s (files encoded) | search index s | total s | pages/s | peak RSS MB: Astro / with Pagefind |
|---|---|---|---|---|---|---|---|---|
${row('cold image cache', cold)}
${row('warm image cache', warm)}
"pages built" is Astro's own figure: it includes the fetch, the images and the search index (Pagefind).
Peak RSS is of the whole process tree (Astro and Pagefind), sampled every 200 ms.`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch(async (error: Error) => {
  console.error(error.message);
  await stopChildren();
  process.exit(1);
});

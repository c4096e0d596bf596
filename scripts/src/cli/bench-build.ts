/**
 * `npm run bench:build -- --articles 10000`: seeds (or reuses) a CMS with N demo articles on its
 * own SQLite file, boots it, builds the site from it twice (cold image cache, then warm), then once more
 * as after a template change (a release live: its content reused, what changed fetched anew), and
 * prints fetch, render, image and search-index times, pages per second and peak RSS. The site is
 * built as the publisher builds a full build: the builds compile while the content is fetched into
 * a snapshot, then render it split over `--processes` (PUBLISH_BUILD_PROCESSES, 2 on two cores and
 * more; one below 2,000 articles), and the search index follows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bin, withHeapLimit, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { CMS_DIR, SITE_DIR } from '@newsroom/publisher/paths';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import {
  allProcesses,
  groupCpuSeconds,
  largestProcessesLine,
  processMemory,
  watchProcessPeaks,
} from '../lib/process-memory.js';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';
import { PreparedBuild, renderInParts, searchIndex } from '@newsroom/publisher/astro';
import { BUILD_MAX_HEAP_MB, buildProcesses, SPLIT_FULL_BUILDS_FROM } from '@newsroom/publisher/config';
import { moveInto } from '@newsroom/publisher/releases';
import { pageFiles } from '@newsroom/publisher/validate';
import { createStrapiClient } from '@newsroom/content/strapi';
import { fetchSnapshot, writeSnapshot, type Snapshot } from '@newsroom/content/snapshot';
import { fetchPublishState, type PublishState } from '@newsroom/content/publish-state';
import { liveContentWith } from '@newsroom/content/plan';
import { diffState } from '@newsroom/publisher/state';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '1000' },
    port: { type: 'string', default: '1338' },
    processes: { type: 'string' },
    /** The heap each build process may grow to (MB; 0: Node's own): the publisher's, unless named. */
    'max-heap-mb': { type: 'string' },
  },
});
const articles = Number(values.articles);
/** The publisher's own choice (config.ts), unless named. */
const processes = values.processes
  ? Number(values.processes)
  : articles >= SPLIT_FULL_BUILDS_FROM
    ? buildProcesses()
    : 1;
const maxHeapMb = Number(values['max-heap-mb'] ?? process.env.PUBLISH_BUILD_MAX_HEAP_MB ?? BUILD_MAX_HEAP_MB);
if (!Number.isInteger(maxHeapMb) || maxHeapMb < 0)
  throw new Error(`--max-heap-mb must be a whole number of MB (0: Node's own limit), not ${values['max-heap-mb']}.`);
if (!Number.isInteger(processes) || processes < 1 || processes > 64)
  throw new Error(`--processes must be a whole number from 1 to 64, not ${values.processes}.`);
const { work, env: cmsEnv } = benchCmsEnv(articles, Number(values.port));
/** The CMS's process (group): its CPU over each build is counted. */
let cmsPid = 0;

/** What a release went live with: its content and the CMS's publishing state it was read at. */
interface Live {
  snapshot: Snapshot;
  state: PublishState;
}

interface BuildFigures {
  /** What this build rendered, for the next one to start from. */
  live: Live;
  seconds: number;
  /** The largest of the builds' peaks. */
  astroPeakRssMb: number;
  fetch: number;
  pages: number;
  render: number;
  images: number;
  imageCount: number;
  search: number;
  searchPeakRssMb: number;
  searchShards: number;
  /** CPU (s) the full build used: its build processes (esbuild included), the CMS, this process (fetch, merge). */
  cpu: { builds: number; cms: number; fetch: number };
}

/**
 * Resident memory (MB) of the largest running Pagefind binary (the npm wrapper starts the real one;
 * shards are indexed by separate processes, and the limit is per process).
 */
function pagefindRssMb(): number {
  const pagefind = allProcesses().filter((p) => p.name.startsWith('pagefind'));
  return Math.max(0, ...pagefind.map((p) => p.rssMb));
}

/** Astro prints "Completed in 31ms" or "Completed in 2.61s" after the image step. */
function imageSeconds(out: string) {
  const m = /generating optimized images[\s\S]*?Completed in ([\d.]+)(ms|s)/.exec(out);
  return m ? Number(m[1]) / (m[2] === 'ms' ? 1000 : 1) : 0;
}

/** Peak resident memory (MB) of the largest of the builds' processes while they run. */
function sampleRss(builds: PreparedBuild[]) {
  let peak = 0;
  const timer = setInterval(() => {
    for (const build of builds) peak = Math.max(peak, (build.pid && processMemory(build.pid)?.peakMb) || 0);
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
 * A full build as the publisher runs one (its search index follows once the site is live); then
 * indexes the result for search.
 */
async function build(label: string, cacheDir: string, live?: Live): Promise<BuildFigures> {
  const figures = await astro(label, cacheDir, live);
  const search = await index(path.join(work, label));
  return { ...figures, search: search.seconds, searchPeakRssMb: search.peakRssMb, searchShards: search.shards };
}

/**
 * A full build. With `live`, as the publisher makes one while a release is live (new templates, a
 * category renamed): the content is the live release's with what differs from it by the CMS's
 * publishing state fetched anew (liveContentWith); else every document is read.
 */
async function astro(label: string, cacheDir: string, live?: Live): Promise<BuildFigures> {
  const started = performance.now();
  const [cmsCpu, ownCpu] = [groupCpuSeconds(cmsPid), process.cpuUsage()];
  const site = readEnvFile(cmsEnv.SITE_ENV_FILE);
  const cmsUrl = site.CMS_URL ?? `http://127.0.0.1:${cmsEnv.PORT}`;
  // Compiling while the content is fetched (each part's image cache its own: renderInParts), once:
  // the other parts render from the first one's compile, as the publisher's do.
  const options = {
    cmsUrl,
    siteUrl: site.SITE_URL ?? 'http://127.0.0.1:4321',
    env: withHeapLimit({ SITE_API_TOKEN: site.SITE_API_TOKEN ?? '', SITE_CACHE_DIR: cacheDir }, maxHeapMb),
  };
  const builds: PreparedBuild[] = [];
  for (let part = 0; part < processes; part++)
    builds.push(
      new PreparedBuild(path.join(SITE_DIR, '.builds', `bench-${process.pid}-${label}-${part}`), options, builds[0])
    );
  const peak = sampleRss(builds);
  try {
    const cms = createStrapiClient({ baseUrl: cmsUrl, token: site.SITE_API_TOKEN });
    // The state first: a release never records a version newer than what it shows.
    const state = await fetchPublishState(cms);
    const made = live && (await liveContentWith(cms, live.snapshot, diffState(live.state, state)));
    const snapshot = made && !('reason' in made) ? made : await fetchSnapshot(cms);
    const file = path.join(work, `${label}-snapshot.json`);
    await writeSnapshot(file, snapshot);
    const fetched = (performance.now() - started) / 1000;
    const outputs = await renderInParts(builds, file);
    moveInto(builds[0].outDir, path.join(work, label));
    const own = process.cpuUsage(ownCpu);
    const cpu = {
      builds: builds.reduce((sum, build) => sum + groupCpuSeconds(build.pid!), 0),
      cms: groupCpuSeconds(cmsPid) - cmsCpu,
      fetch: (own.user + own.system) / 1e6,
    };
    const all = outputs.join('\n');
    const each = (re: RegExp) => outputs.map((out) => Number(re.exec(out)?.[1] ?? NaN));
    const parts = each(/\[build\] \d+ page\(s\) built in ([\d.]+)s/);
    if (parts.length > 1)
      console.log(`${label}: the parts rendered in ${parts.map((s) => s.toFixed(1)).join(' / ')} s`);
    return {
      live: { snapshot, state },
      seconds: (performance.now() - started) / 1000,
      astroPeakRssMb: peak(),
      fetch: fetched,
      // Counted in the output: each part also renders the pages without paths (home, 404, feeds).
      pages: pageFiles(path.join(work, label)).length,
      render: Math.max(...each(/\[build\] \d+ page\(s\) built in ([\d.]+)s/)),
      images: Math.max(...outputs.map(imageSeconds)),
      imageCount: (all.match(/▶ \/_astro\/.*\(before:/g) ?? []).length,
      search: 0,
      searchPeakRssMb: 0,
      searchShards: 0,
      cpu,
    };
  } finally {
    peak();
    for (const b of builds) {
      b.cancel();
      fs.rmSync(b.dir, { recursive: true, force: true });
    }
  }
}

async function main() {
  await seedBench(articles, cmsEnv);

  // Every process of the builds (this one, which fetches the content as the publisher does, the
  // CMS, the build parts, Pagefind): the target is none above 2 GB at any moment.
  const processPeaks = watchProcessPeaks(process.pid, 500);
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: withCmsHeapLimit(cmsEnv) });
  cmsPid = cms.pid!;
  await waitForHttp(`http://127.0.0.1:${cmsEnv.PORT}/_health`, 180_000, () => cms.exitCode === null);
  cms.stdout?.removeAllListeners('data'); // request logs would drown the figures

  const cache = path.join(work, 'astro-cache');
  const cold = await build('cold', cache);
  const warm = await build('warm', cache);
  const templates = await build('templates', cache, warm.live);
  const peaks = processPeaks.stop();
  await stopChildren();

  const row = (name: string, f: BuildFigures) =>
    `| ${name} | ${f.pages} | ${f.fetch.toFixed(1)} | ${f.render.toFixed(1)} | ${f.images.toFixed(1)} (${f.imageCount}) | ${f.seconds.toFixed(1)} | ${(f.pages / f.seconds).toFixed(0)} | ${f.cpu.builds.toFixed(1)} / ${f.cpu.cms.toFixed(1)} / ${f.cpu.fetch.toFixed(1)} | ${f.astroPeakRssMb.toFixed(0)} / ${f.searchPeakRssMb.toFixed(0)} | ${f.search.toFixed(1)} (${f.searchShards}) |`;
  console.log(`
Site build from the CMS, ${articles} articles (+ the seed article), ${os.cpus().length} cores, ${processes} build process(es), heap limit ${maxHeapMb ? `${maxHeapMb} MB` : "Node's own"}, Node ${process.version}
| build | pages | fetch s | pages built s | images s (files encoded) | site built s | pages/s | CPU s: builds / CMS / fetch | peak RSS MB: Astro / Pagefind | search index s (shards), after |
|---|---|---|---|---|---|---|---|---|---|
${row('cold image cache', cold)}
${row('warm image cache', warm)}
${row('templates changed, a release live', templates)}
"site built" is the whole full build (fetch, render, images): the site can go live then. The builds compile while
the content is fetched ("fetch s", into the snapshot the publisher keeps), then render it split over the processes
("pages built s": the slowest part's render; pages: the HTML and XML files written). The search index (Pagefind, over the article pages,
in shards of SEARCH_SHARD_PAGES) follows, as the publisher runs it once a release is live. Peak RSS is sampled every
200 ms: the largest build process, and the Pagefind binaries. "CPU s" is the CPU the full build used (user and system): its build
processes (with their esbuild services), the CMS answering it, and this process (the fetch, the parts' merge): the
work done, which other load on the machine changes much less than the times (the kernel's cost of making a file does
vary: see the README). The first two read every document from the CMS (a
first build); the third is a full build while a release is live (new templates, a category renamed), whose content is
the live one's with what differs from it by the CMS's publishing state fetched anew, as the publisher makes it.

${largestProcessesLine(peaks, 500)}`);
  fs.rmSync(work, { recursive: true, force: true });
}

main().catch(async (error: Error) => {
  console.error(error.message);
  await stopChildren();
  process.exit(1);
});

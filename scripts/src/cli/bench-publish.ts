/**
 * `npm run bench:publish -- --articles 10000 --publishes 12`: how long a publish takes to be
 * served. Seeds (or reuses) a CMS with N articles, starts the real publisher with Strapi's webhook
 * pointing at it, builds the site in full once (the figure to compare with), then publishes
 * articles one after another through the CMS and times each from the publish call to the new
 * page answering 200 on the site. Prints p50/p95 and where the time goes; then the cost of a
 * reconciliation pass, and how long a publish whose webhook is lost takes to be served.
 * `--profile <dir>`: CPU profiles of the publishes (the publisher's, and each Astro build's).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { bin, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { CMS_DIR } from '@newsroom/publisher/paths';
import { run, startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { largestProcessesLine, watchPhases, watchProcessPeaks } from '../lib/process-memory.js';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { routes } from '@newsroom/content/routes';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';
import { startPublisher, type RunningPublisher } from '@newsroom/publisher/service';
import type { BuildRecord } from '@newsroom/publisher/publisher';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '1000' },
    publishes: { type: 'string', default: '12' },
    port: { type: 'string', default: '1340' },
    'hook-port': { type: 'string', default: '4332' },
    'site-port': { type: 'string', default: '4331' },
    /** A folder for CPU profiles of the publishes: the publisher's (this process) and each build's. */
    profile: { type: 'string' },
  },
});
const profileDir = values.profile ? path.resolve(values.profile) : null;
const articles = Number(values.articles);
const publishes = Math.max(10, Number(values.publishes));
const secret = randomBytes(24).toString('hex');
const admin = { email: 'bench@toasoan.example', password: `Bench${randomBytes(6).toString('hex')}1` };
const { work, env: cmsEnv } = benchCmsEnv(articles, Number(values.port), {
  PUBLISH_WEBHOOK_URL: `http://127.0.0.1:${values['hook-port']}/hooks/strapi`,
  PUBLISH_WEBHOOK_SECRET: secret,
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
});
const cmsUrl = `http://127.0.0.1:${cmsEnv.PORT}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

let adminJwt = '';
/** performance.now() of each step of the publish being timed (see publishUntilServed). */
const marks: {
  started?: number;
  saved?: number;
  event?: number;
  events?: string[];
  build?: number;
  live?: number;
  probed?: number;
  compared?: number;
} = {};

/** A full-access token, made through the admin API as an editor would. */
async function editorToken() {
  // The first admin is created at startup; a seeded database may have one from an earlier run.
  const login = await fetch(`${cmsUrl}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(admin),
  });
  if (!login.ok)
    throw new Error(`Admin login failed (${login.status}): delete cms/.tmp/bench-${articles}.db and retry.`);
  const jwt = ((await login.json()) as { data: { token: string } }).data.token;
  adminJwt = jwt;
  const token = await json(`${cmsUrl}/admin/api-tokens`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${jwt}` },
    body: JSON.stringify({
      name: `bench-${randomBytes(3).toString('hex')}`,
      type: 'full-access',
      lifespan: 7 * 24 * 3600 * 1000,
    }),
  });
  return token.data.accessKey as string;
}

const percentile = (xs: number[], p: number) => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};

async function main() {
  await seedBench(articles, cmsEnv);
  // The bench's editor gets a fresh password each run (the first run creates it at startup).
  await run(
    bin('strapi', CMS_DIR),
    ['admin:reset-user-password', '--email', admin.email, '--password', admin.password],
    {
      cwd: CMS_DIR,
      env: cmsEnv,
      stdio: 'ignore',
    }
  ).catch(() => {});
  // Every process of the run (the CMS, the full build's parts, the builds kept compiled, Pagefind,
  // this one with the publisher): none may go above 2 GB at any moment.
  const processPeaks = watchProcessPeaks(process.pid, 500);
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], {
    cwd: CMS_DIR,
    env: withCmsHeapLimit(cmsEnv),
  });
  await waitForHttp(`${cmsUrl}/_health`, 180_000, () => cms.exitCode === null);
  // Where the CMS's memory and the publisher's go, by what the bench does.
  const phases = watchPhases({ 'The CMS': cms.pid!, 'This process (the publisher, the bench)': process.pid }, 500);
  cms.stdout?.removeAllListeners('data');
  cms.stderr?.removeAllListeners('data');

  const builds: BuildRecord[] = [];
  const dir = path.join(work, 'publish');
  service = await startPublisher(
    {
      dir,
      cmsUrl,
      siteToken: readEnvFile(cmsEnv.SITE_ENV_FILE).SITE_API_TOKEN,
      siteEnvFile: cmsEnv.SITE_ENV_FILE,
      secret,
      hookPort: Number(values['hook-port']),
      sitePort: Number(values['site-port']),
      siteUrl: `http://127.0.0.1:${values['site-port']}`,
      buildEnv: {
        SITE_CACHE_DIR: path.join(work, 'astro-cache'),
        // Node refuses --cpu-prof in NODE_OPTIONS: a preloaded module profiles each build instead.
        ...(profileDir
          ? {
              NODE_OPTIONS: `--import ${new URL('../lib/cpu-profile.mjs', import.meta.url).href}`,
              CPU_PROFILE_DIR: path.join(profileDir, 'builds'),
            }
          : {}),
      },
    },
    (msg, fields) => {
      // When each step of a publish happened (performance.now()), for the breakdown printed below.
      if (msg === 'event received') {
        marks.event ??= performance.now();
        const at = ((performance.now() - (marks.started ?? 0)) / 1000).toFixed(2);
        marks.events = [...(marks.events ?? []), `${String(fields?.event)} ${at} s`];
      }
      if (msg === 'build started') marks.build ??= performance.now();
      if (msg === 'probe found an unannounced change') marks.probed ??= performance.now();
      if (msg === 'reconciliation found changes') marks.compared ??= performance.now();
      if (msg === 'release live') marks.live ??= performance.now();
      if (msg === 'release live' || msg === 'build failed') builds.push(fields as unknown as BuildRecord);
      if (msg === 'build failed') console.error(`build failed: ${fields?.error}`);
      if (msg === 'copy of a release failed') console.error(`copy of ${fields?.release} failed: ${fields?.error}`);
      if (msg === 'search index live')
        console.log(
          `  search index of ${fields?.of} live after ${fields?.durationMs} ms (${fields?.indexed} of ${fields?.shards} shards indexed; ${fields?.pagesRead} pages read in ${fields?.pagesMs} ms)`
        );
    }
  );
  const { publisher } = service;
  /**
   * Until the publisher has finished the last publish, compiled the builds it keeps and (unless
   * `copy` is false) made the copy of the live release the next publish starts from, and half a
   * second more.
   */
  async function untilQuiet({ copy = true } = {}) {
    for (;;) {
      const st = publisher.status();
      if (
        !st.building &&
        !st.queued &&
        !st.comparing &&
        st.buildsWaiting === publisher.config.preparedBuilds &&
        (!copy || st.nextCopy !== 'copying')
      )
        break;
      await sleep(100);
    }
    await sleep(500);
  }
  const s = (ms: number) => (ms / 1000).toFixed(2);
  console.log(`Full build of ${articles} articles…`);
  phases.phase('the first full build');
  while (!publisher.releases.live()) {
    if (publisher.lastBuild?.result === 'failed')
      throw new Error(`The full build failed: ${publisher.lastBuild.error}`);
    await sleep(200);
  }
  const full = publisher.lastBuild!;
  console.log(`  live after ${(full.durationMs / 1000).toFixed(1)} s (${JSON.stringify(full.phases)})`);

  const token = await editorToken();
  const [author] = (await json(`${cmsUrl}/api/authors`, { headers: { Authorization: `Bearer ${token}` } })).data;
  const categories = (await json(`${cmsUrl}/api/categories`, { headers: { Authorization: `Bearer ${token}` } })).data;
  const tags = (await json(`${cmsUrl}/api/tags`, { headers: { Authorization: `Bearer ${token}` } })).data;
  const latencies: number[] = [];
  const created: string[] = [];
  const scoped: BuildRecord[] = [];
  /** Creates and publishes an article through the CMS API; resolves when the site serves it. */
  async function publishUntilServed(data: Record<string, unknown>, started: number, limitMs: number, pollMs: number) {
    for (const key of Object.keys(marks) as (keyof typeof marks)[]) delete marks[key];
    marks.started = started;
    const article = await json(`${cmsUrl}/api/articles?status=published`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ data: { authors: [author.documentId], ...data } }),
    });
    marks.saved = performance.now();
    created.push(article.data.documentId);
    const url = new URL(routes.article(article.data.slug), service!.siteUrl!).toString();
    // (A connection the site server resets under load is asked again, like a reader's browser would.)
    while ((await fetch(url).catch(() => ({ status: 0 }))).status !== 200) {
      if (performance.now() - started > limitMs) throw new Error(`${url} was not served within ${limitMs / 1000} s.`);
      await sleep(pollMs);
    }
    return performance.now() - started;
  }
  const profiler = profileDir ? new Session() : null;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  // This process runs the publisher (its webhooks, builds, site server): what holds its event loop
  // up holds a served page back.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  /** From each release going live to its page answering. */
  const liveToServed: number[] = [];
  // The first story after the full build, as soon as its builds are ready: its release starts from
  // a copy of the full build's tree, every folder linked anew (seconds at 100,000 articles), which
  // it may wait for. Timed on its own; the publishes after it, from the copy made.
  await untilQuiet({ copy: false });
  phases.phase('publishes');
  const copyThen = publisher.status().nextCopy;
  const firstBefore = builds.length;
  const firstStarted = performance.now();
  const firstMs = await publishUntilServed(
    {
      title: `Bài đầu tiên sau lần dựng toàn bộ lúc ${new Date().toISOString()}`,
      lead: 'Bài viết do bench:publish tạo ngay sau lần dựng toàn bộ.',
      body: 'Nội dung bài viết.',
      category: categories[0].documentId,
      tags: [tags[0].documentId],
    },
    firstStarted,
    120_000,
    25
  );
  const firstBuild = builds.slice(firstBefore).find((b) => b.result === 'live');
  console.log(
    `  the first story after the full build (the next release's copy ${copyThen ?? 'not kept'} then): served after ${s(firstMs)} s, of which waiting for the copy ${firstBuild?.phases?.assemble ?? '?'} ms (assemble); ms ${JSON.stringify(firstBuild?.phases)}`
  );
  for (let i = 0; i < publishes; i++) {
    // Publishes come one at a time, as editors make them: the publisher has finished the last one
    // (its build, and the comparison of the whole state after it), compiled the builds it keeps
    // (PUBLISH_PREPARED_BUILDS: with two, a publish while the other compiles shares the cores with
    // it, ~0.4 s more at 1,000 articles; publishes sooner than that are timed back to back below)
    // and made the copy of the live release the next starts from (the first after a full build is
    // timed above); the search index of the last one may still be running (a publish interrupts it).
    await untilQuiet();
    const title = `Bài đo thời gian xuất bản số ${i + 1} lúc ${new Date().toISOString()}`;
    const before = builds.length;
    const started = performance.now();
    const ms = await publishUntilServed(
      {
        title,
        lead: 'Bài viết do bench:publish tạo để đo thời gian xuất bản.',
        body: 'Nội dung bài viết.',
        category: categories[i % categories.length].documentId,
        // Two tags, as most stories carry: their listings are rebuilt too.
        tags: [tags[i % tags.length].documentId, tags[(i + 7) % tags.length].documentId],
      },
      started,
      120_000,
      25
    );
    latencies.push(ms);
    const build = builds.slice(before).find((b) => b.result === 'live');
    if (build) scoped.push(build);
    // Where the time went, from the publish call: the CMS saving and answering, its webhook reaching
    // the publisher, the debounce, the build, and the new page answering.
    const at = (mark?: number) => (mark === undefined ? '?' : ((mark - started) / 1000).toFixed(2));
    if (marks.live !== undefined) liveToServed.push(ms - (marks.live - started));
    console.log(
      `  publish ${i + 1}: served after ${(ms / 1000).toFixed(2)} s (CMS answered at ${at(marks.saved)} s, webhooks ${marks.events?.join(', ')}, build from ${at(marks.build)} s, live at ${at(marks.live)} s; ${build?.summary}; ms ${JSON.stringify(build?.phases)})`
    );
  }
  // Back to back, as a desk works: a second story (a correction, another desk's) published the
  // moment the first is served, while the build the first took is being replaced. Both are timed.
  const backToBack: { ms: number; compiled?: string }[] = [];
  for (let i = 0; i < 3; i++) {
    // After a quiet moment on the desk: every build kept compiled is waiting.
    await untilQuiet();
    for (const which of ['first', 'second']) {
      const before = builds.length;
      const started = performance.now();
      const ms = await publishUntilServed(
        {
          title: `Bài xuất bản liền nhau số ${i + 1} (${which}) lúc ${new Date().toISOString()}`,
          lead: 'Hai bài xuất bản liền nhau.',
          category: categories[(i + 1) % categories.length].documentId,
        },
        started,
        120_000,
        25
      );
      const build = builds.slice(before).find((b) => b.result === 'live');
      backToBack.push({ ms, compiled: build?.compiled });
      console.log(
        `  back to back ${i + 1} (${which}): served after ${(ms / 1000).toFixed(2)} s (build ${build?.compiled})`
      );
    }
  }
  loopDelay.disable();

  // Search: a story is found by the site's search once its release has an index of its own (until
  // then the live index answers, narrowed to what the release still has as it was). Timed from the
  // publish call, on a quiet desk: nothing else interrupts the indexing.
  const searchMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    await untilQuiet();
    const started = performance.now();
    await publishUntilServed(
      {
        title: `Bài đo thời gian tìm kiếm số ${i + 1} lúc ${new Date().toISOString()}`,
        lead: 'Bài này được tìm thấy khi chỉ mục tìm kiếm đã cập nhật.',
        category: categories[i % categories.length].documentId,
      },
      started,
      120_000,
      25
    );
    const release = publisher.releases.live()!.id;
    for (;;) {
      const last = publisher.status(false).lastSearchIndex;
      if (last?.release === release && last.result === 'done') break;
      if (publisher.releases.live()?.id !== release)
        throw new Error('Another release went live while the search index was timed.');
      if (performance.now() - started > 300_000)
        throw new Error(`The search index of ${release} was not live within 300 s.`);
      await sleep(100);
    }
    searchMs.push(performance.now() - started);
    console.log(`  search: the story is searchable ${s(searchMs[i])} s after its publish`);
  }
  if (profiler) {
    const { profile } = await profiler.post('Profiler.stop');
    fs.mkdirSync(profileDir!, { recursive: true });
    fs.writeFileSync(path.join(profileDir!, 'publisher.cpuprofile'), JSON.stringify(profile));
    console.log(`CPU profiles: ${profileDir} (publisher.cpuprofile: this process during the publishes; builds/)`);
  }
  // Reconciliation: the cost of one pass (the CMS's answer, and the whole comparison).
  phases.phase('reconciliation passes');
  const stateMs: number[] = [];
  const passMs: number[] = [];
  const siteToken = readEnvFile(cmsEnv.SITE_ENV_FILE).SITE_API_TOKEN;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const res = await fetch(`${cmsUrl}/api/publishing/state`, { headers: { Authorization: `Bearer ${siteToken}` } });
    await res.arrayBuffer();
    stateMs.push(performance.now() - started);
    await publisher.reconcile();
    passMs.push(publisher.lastReconcile?.durationMs ?? NaN);
  }
  console.log(
    `  reconciliation pass: CMS answers in ${stateMs.map((x) => Math.round(x)).join(', ')} ms; whole pass ${passMs.join(', ')} ms`
  );

  // A publish whose webhook is lost: only reconciliation brings it to readers.
  phases.phase('lost webhooks');
  const receive = publisher.receive.bind(publisher);
  publisher.receive = () => {};
  const lost: number[] = [];
  for (let i = 0; i < 3; i++) {
    // Each on a quiet publisher (the builds it keeps compiled, ready): the way back from a lost
    // webhook alone, not the compiling of the previous publish's replacement build.
    await untilQuiet();
    const started = performance.now();
    const ms = await publishUntilServed(
      {
        title: `Bài mất webhook số ${i + 1} lúc ${new Date().toISOString()}`,
        lead: 'Webhook của bài này không đến máy xuất bản.',
        category: categories[i % categories.length].documentId,
      },
      started,
      300_000,
      100
    );
    lost.push(ms);
    const at = (mark?: number) => (mark ? `${((mark - started) / 1000).toFixed(1)} s` : 'never');
    console.log(
      `  lost webhook ${i + 1}: served after ${(ms / 1000).toFixed(1)} s (the probe's digest moved at ${at(marks.probed)}, the comparison found it at ${at(marks.compared)}, build from ${at(marks.build)}, live at ${at(marks.live)}; build ${builds.at(-1)?.compiled}, ms ${JSON.stringify(builds.at(-1)?.phases)})`
    );
  }
  publisher.receive = receive;
  // The digest, as the probe reads it.
  const probeMs: number[] = [];
  for (let i = 0; i < 5 && publisher.config.probeMs; i++) {
    const started = performance.now();
    const res = await fetch(`${cmsUrl}/api/publishing/state?digest`, {
      headers: { Authorization: `Bearer ${siteToken}` },
    });
    if (!res.ok) throw new Error(`The CMS answered ${res.status} for its digest`);
    await res.json();
    probeMs.push(performance.now() - started);
  }

  phases.phase('scheduled stories');
  // Scheduled stories: drafts an editor set to go up 20 to 30 s from now, published by the CMS at
  // their time (SCHEDULE_SWEEP_SECONDS, 5 s) and then by the publisher, with no click.
  const scheduledMs: number[] = [];
  const due = await Promise.all(
    [20, 25, 30].map(async (inSeconds, i) => {
      const draft = await json(`${cmsUrl}/api/articles?status=draft`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}` },
        body: JSON.stringify({
          data: {
            title: `Bài hẹn giờ số ${i + 1} lúc ${new Date().toISOString()}`,
            lead: 'Bài này lên trang đúng giờ hẹn.',
            authors: [author.documentId],
            category: categories[i % categories.length].documentId,
          },
        }),
      });
      created.push(draft.data.documentId);
      const at = Date.now() + inSeconds * 1000;
      await json(`${cmsUrl}/content-manager/collection-types/api::article.article/${draft.data.documentId}`, {
        method: 'PUT',
        headers: { Authorization: `Bearer ${adminJwt}` },
        body: JSON.stringify({ publishAt: new Date(at).toISOString() }),
      });
      return { at, url: new URL(routes.article(draft.data.slug), service!.siteUrl!).toString() };
    })
  );
  for (const { at, url } of due) {
    while ((await fetch(url).catch(() => ({ status: 0 }))).status !== 200) {
      if (Date.now() - at > 300_000) throw new Error(`${url} was not served within 300 s of its time.`);
      await sleep(100);
    }
    scheduledMs.push(Math.max(0, Date.now() - at));
    console.log(`  scheduled story: served ${((Date.now() - at) / 1000).toFixed(1)} s after its time`);
  }

  // Last, as its aftermath (the whole archive indexed for search, the builds kept compiled made
  // anew) would weigh on anything timed after it: a full build with a release live (a category
  // renamed: its name is in the menu on every page), and a story published the moment it is live:
  // it starts from a copy of the new release, made (linked anew) while that was validated.
  await untilQuiet();
  const renamed = categories[0] as { documentId: string; name: string };
  // Its name as seeded, also when a run stopped before putting it back.
  const seededName = renamed.name.replace(/ \(đổi tên\)$/, '');
  const rename = (name: string) =>
    json(`${cmsUrl}/api/categories/${renamed.documentId}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}` },
      body: JSON.stringify({ data: { name } }),
    });
  const renameBuilds = builds.length;
  phases.phase('a category renamed, its full build');
  const renameStarted = performance.now();
  await rename(`${seededName} (đổi tên)`);
  // A story published while the full build renders: it goes live beside it, on the live release.
  while (publisher.status().fullBuild?.state !== 'rendering') {
    if (builds.slice(renameBuilds).some((b) => b.kind === 'full')) break; // rendered already
    if (performance.now() - renameStarted > 600_000)
      throw new Error('The full build after the category rename did not start rendering within 10 minutes.');
    await sleep(20);
  }
  const duringBuilds = builds.length;
  const duringMs = await publishUntilServed(
    {
      title: `Bài xuất bản trong lúc dựng lại toàn trang lúc ${new Date().toISOString()}`,
      lead: 'Bài này được xuất bản trong lúc bản dựng toàn trang đang chạy.',
      category: categories[1].documentId,
    },
    performance.now(),
    300_000,
    25
  );
  const during = builds.slice(duringBuilds).find((b) => b.result === 'live');
  const fullThen = publisher.status().fullBuild?.state ?? 'live already';
  console.log(
    `  during a full build (a category renamed): a story served after ${s(duringMs)} s (${during?.kind} build, ${during?.summary}; the full build then: ${fullThen}; ms ${JSON.stringify(during?.phases)})`
  );
  let rebuilt: BuildRecord | undefined;
  while (!(rebuilt = builds.slice(renameBuilds).find((b) => b.kind === 'full' && b.result === 'live'))) {
    const failed = builds.slice(renameBuilds).find((b) => b.result === 'failed');
    if (failed) throw new Error(`The full build after the category rename failed: ${failed.error}`);
    if (performance.now() - renameStarted > 1_800_000)
      throw new Error('The full build after the category rename was not live within 30 minutes.');
    await sleep(20);
  }
  const afterFullBuilds = builds.length;
  const afterFullMs = await publishUntilServed(
    {
      title: `Bài xuất bản ngay sau khi dựng lại toàn trang lúc ${new Date().toISOString()}`,
      lead: 'Bài này được xuất bản ngay khi bản dựng toàn trang lên trang.',
      category: categories[1].documentId,
    },
    performance.now(),
    300_000,
    25
  );
  const afterFull = builds.slice(afterFullBuilds).find((b) => b.result === 'live');
  console.log(
    `  right after a full build with a release live (a category renamed; live after ${s(rebuilt.durationMs)} s, of which waiting for its copy ${rebuilt.phases?.copy ?? '?'} ms): a story served after ${s(afterFullMs)} s (${afterFull?.summary}; build ${afterFull?.compiled}; ms ${JSON.stringify(afterFull?.phases)})`
  );
  // Leave the bench database as it was seeded.
  phases.phase("deleting the bench's stories");
  for (const documentId of created) {
    await fetch(`${cmsUrl}/api/articles/${documentId}`, {
      method: 'DELETE',
      headers: { Authorization: `Bearer ${token}` },
    });
  }
  const peaks = processPeaks.stop();
  const byPhase = phases.stop();
  // What the publisher holds (its live objects after a full collection), beside what it reached.
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  const heldMb = Math.round(process.memoryUsage().heapUsed / 1024 / 1024);
  const residentMb = Math.round(process.memoryUsage().rss / 1024 / 1024);
  await service.close();
  await rename(seededName);
  await stopChildren();

  const mean = (key: string) =>
    Math.round(scoped.reduce((n, b) => n + (b.phases?.[key] ?? 0), 0) / Math.max(1, scoped.length));
  console.log(`
Publish → served, ${articles} articles, ${publishes} publishes, ${os.cpus().length} cores, Node ${process.version}
| articles | p50 s | p95 s | max s | full build s |
|---|---|---|---|---|
| ${articles} | ${s(percentile(latencies, 50))} | ${s(percentile(latencies, 95))} | ${s(Math.max(...latencies))} | ${s(full.durationMs)} |

Where a publish's time goes (mean ms): the debounce (~100 for a lone action, up to ${publisher.config.debounceMs} in a burst), the CMS's publishing state ${mean('state')}, plan ${mean('plan')}, render (the change handed to the waiting build, its pages) ${mean('render')}, assemble ${mean('assemble')}, validate + switch ${mean('validate')}; the rest is the webhook and the first request.
During a full build (a category renamed), a story served after ${s(duringMs)} s (the full build then: ${fullThen}; it renders beside the publishes, and is brought up to date before it goes live).
The first story after the bench's first full build (which waited ${full.phases?.copy ?? '?'} ms for the copy of its tree after it was validated; the next release's copy ${copyThen ?? 'not kept'} then; the twelve publishes above start once it is made): served after ${s(firstMs)} s, of which waiting for the copy ${firstBuild?.phases?.assemble ?? '?'} ms (assemble).
Right after a full build with a release live (a category renamed; the build live after ${s(rebuilt.durationMs)} s, which goes live once the copy of its tree the next publish starts from is made: it waited ${rebuilt.phases?.copy ?? '?'} ms for it after it was validated): a story served after ${s(afterFullMs)} s, of which waiting for the copy of the new release ${afterFull?.phases?.assemble ?? '?'} ms (assemble) and rendering ${afterFull?.phases?.render ?? '?'} ms (the build it took: ${afterFull?.compiled ?? '?'}; the builds kept compiled are replaced while the full build is validated, and read its content while it renders).
Back to back (a second story published the moment the first is served; PUBLISH_PREPARED_BUILDS=${publisher.config.preparedBuilds} builds kept compiled): served after ${backToBack.map((b) => `${s(b.ms)} s (${b.compiled})`).join(', ')}.
From live to served (ms): p50 ${Math.round(percentile(liveToServed, 50))}, max ${Math.round(Math.max(...liveToServed))}; the publisher's event loop held up during the publishes (ms): p99 ${Math.round(loopDelay.percentile(99) / 1e6)}, max ${Math.round(loopDelay.max / 1e6)}.
Full build phases (ms): ${JSON.stringify(full.phases)}; peak resident memory of this process (the publisher, its site server, the bench): ${Math.round(process.resourceUsage().maxRSS / 1024)} MB; at the end it held ${heldMb} MB of objects after a full collection (${residentMb} MB resident)
Search index caught up, from the publish call to the story searchable: ${searchMs.map((ms) => s(ms)).join(', ')} s (target ≤ 30 s: ${Math.max(...searchMs) <= 30_000 ? 'met' : '**missed**'})
Scheduled stories, from their time to served: ${scheduledMs.map((ms) => s(ms)).join(', ')} s (target ≤ 60 s: ${Math.max(...scheduledMs) <= 60_000 ? 'met' : '**missed**'})
${largestProcessesLine(peaks, 500)}
${byPhase}

Reconciliation (every ${publisher.config.reconcileMs / 1000} s, PUBLISH_RECONCILE_SECONDS; the digest probed ${publisher.config.probeMs ? `every ${publisher.config.probeMs} ms or more, PUBLISH_PROBE_MS` : 'never: PUBLISH_PROBE_MS=0'}), ${articles} articles:
| CMS answer p50 ms | CMS answer max ms | whole pass p50 ms | digest probe p50 ms | lost webhook → served: mean s | max s |
|---|---|---|---|---|---|
| ${Math.round(percentile(stateMs, 50))} | ${Math.round(Math.max(...stateMs))} | ${percentile(passMs, 50)} | ${probeMs.length ? Math.round(percentile(probeMs, 50)) : '–'} | ${s(lost.reduce((a, b) => a + b, 0) / lost.length)} | ${s(Math.max(...lost))} |`);
  fs.rmSync(work, { recursive: true, force: true });
}

let service: RunningPublisher | undefined;
main().catch(async (error: Error) => {
  console.error(`bench:publish failed: ${error.message}`);
  await service?.close();
  await stopChildren();
  process.exit(1);
});

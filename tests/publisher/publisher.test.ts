import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { parse } from 'dotenv';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, freePort, get, rawGet, ROOT, type RunningCms } from '../helpers/cms';
import { holdableCopy } from '../helpers/held-copy';
import { searchableUrls, startCmsWithPublisher } from '../helpers/publisher';
import { startPublisher, type RunningPublisher } from '@newsroom/publisher/service';
import { astroBuild } from '@newsroom/publisher/astro';
import { pageFiles } from '@newsroom/publisher/validate';
import { Releases } from '@newsroom/publisher/releases';
import { fetchSnapshot, writeSnapshot } from '@newsroom/content/snapshot';
import { createStrapiClient } from '@newsroom/content/strapi';

/**
 * The real CMS sends its webhooks to the real publisher, which builds the real site into
 * releases and serves the live one: every assertion is on what a reader would be served.
 * The CMS and the publisher are shared; each test makes the articles it needs, so the tests do
 * not depend on each other's order.
 */
describe('the publisher', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let token: string;
  let dir: string;
  let secret: string;
  const logs: Record<string, unknown>[] = [];

  const status = () => service.publisher.status();
  const hook = (body: unknown, headers: Record<string, string> = { 'X-Publish-Secret': secret }) =>
    fetch(service.hookUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const page = async (p: string) => {
    // The service's current address: a test restarts the publisher on a new port.
    const res = await get(`${service.siteUrl!.replace(/\/$/, '')}${p}`);
    return { status: res.status, text: await res.text() };
  };

  /** Waits until nothing is queued, building or indexing (twice in a row: a debounce may be pending). */
  async function settled(timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (Date.now() < deadline) {
      const s = status();
      quiet = !s.building && !s.queued && !s.indexing && !s.comparing ? quiet + 1 : 0;
      if (quiet >= 3) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(
      `The publisher did not settle: ${JSON.stringify(status())}\nLast logs: ${JSON.stringify(logs.slice(-8))}`
    );
  }

  /** Waits for a build after `since` to end, and returns it. */
  async function nextBuild(since: string | undefined, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const last = status().lastBuild;
      if (last && last.id !== since) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`No build ended: ${JSON.stringify(status())}`);
  }

  /**
   * Waits for a full build logged after `logs[from]` to end, and returns its record: the publishes
   * beside it may end first.
   */
  async function nextFullBuild(from: number, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const ended = logs
        .slice(from)
        .find((l) => (l.msg === 'release live' || l.msg === 'build failed') && l.kind === 'full');
      if (ended) {
        const { build, rendered, summary } = ended as { build: string; rendered?: string; summary: string };
        return { ...ended, id: build, rendered: rendered ?? build, summary };
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`No full build ended: ${JSON.stringify(status())}`);
  }

  // Stands in for GitHub's API: the CMS asks it for CI rebuilds (repository_dispatch).
  const dispatches: {
    url: string;
    auth: string;
    body: { event_type: string; client_payload: { events: { event: string }[] } };
  }[] = [];
  const github = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      dispatches.push({ url: req.url!, auth: req.headers.authorization ?? '', body: JSON.parse(body) });
      res.writeHead(204).end();
    });
  });

  beforeAll(async () => {
    const githubPort = await freePort();
    await new Promise<void>((r) => github.listen(githubPort, '127.0.0.1', r));
    ({ cms, service, dir, secret } = await startCmsWithPublisher(
      {
        SEED_DEMO_ARTICLES: '12',
        GITHUB_DISPATCH_REPO: 'toasoan/bao-dien-tu',
        GITHUB_DISPATCH_TOKEN: 'github-token-for-tests',
        GITHUB_API_URL: `http://127.0.0.1:${githubPort}`,
        GITHUB_DISPATCH_DEBOUNCE_MS: '300',
      },
      { debounceMs: 400, retryBaseMs: 300, maxAttempts: 2, keepReleases: 4 },
      (msg, fields) => logs.push({ msg, ...fields })
    ));
    token = await cms.fullAccessToken();
    await settled(300_000);
  }, 400_000);

  afterAll(async () => {
    github.close();
    await service?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function publishArticle(title: string) {
    const [author] = (await api(`${cms.url}/api/authors`, { token })).json.data;
    const [category] = (await api(`${cms.url}/api/categories`, { token })).json.data;
    const before = status().lastBuild?.id;
    const res = await api(`${cms.url}/api/articles?status=published`, {
      method: 'POST',
      token,
      body: {
        data: {
          title,
          lead: 'Tin vắn.',
          body: 'Nội dung bài viết mới.',
          authors: [author.documentId],
          category: category.documentId,
        },
      },
    });
    expect(res.status, res.text).toBe(201);
    const build = await nextBuild(before);
    return { article: res.json.data as { documentId: string; slug: string }, category, build };
  }

  /** Unpublishes an article as the desk does: the admin's own action. */
  async function unpublishArticle(documentId: string) {
    const res = await fetch(
      `${cms.url}/content-manager/collection-types/api::article.article/${documentId}/actions/unpublish`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${await cms.adminJwt()}`, 'Content-Type': 'application/json' },
        body: '{}',
      }
    );
    expect(res.status, await res.text()).toBe(200);
  }

  /** Where an article must appear (or not) once published: its page, home, category, feeds, sitemap. */
  async function whereListed(slug: string, categorySlug: string) {
    const href = `/bai-viet/${slug}/`;
    const has = (text: string) => text.includes(href);
    return {
      page: (await page(href)).status,
      home: has((await page('/')).text),
      category: has((await page(`/chuyen-muc/${categorySlug}/`)).text),
      feed: has((await page('/rss.xml')).text),
      categoryFeed: has((await page(`/chuyen-muc/${categorySlug}/rss.xml`)).text),
      sitemap: has((await page('/sitemap-0.xml')).text),
    };
  }

  it('builds the whole site once, indexes it for search, and serves it', async () => {
    expect(status().live?.release).toBeTruthy();
    const [first] = logs.filter((l) => l.msg === 'release live' || l.msg === 'build failed');
    expect(first).toMatchObject({ msg: 'release live', kind: 'full' });
    expect(logs.find((l) => l.msg === 'search index live' || l.msg === 'search index failed')).toMatchObject({
      msg: 'search index live',
      of: first.build,
    });
    const home = await page('/');
    expect(home.status).toBe(200);
    expect(cheerio.load(home.text)('html').attr('lang')).toBe('vi');
    // The index is links to its shards' bundles, kept for the next index: served through them, and
    // Pagefind's code at its root.
    expect((await page('/pagefind/pagefind-ui.js')).status).toBe(200);
    const bundles = JSON.parse((await page('/pagefind/shards.json')).text) as string[];
    expect(bundles.length).toBeGreaterThan(0);
    for (const bundle of bundles) {
      expect((await page(`${bundle}pagefind-entry.json`)).status).toBe(200);
      expect((await page(`${bundle}pagefind.js`)).status).toBe(200);
    }
    expect(fs.lstatSync(path.join(dir, 'current', 'pagefind', 'pagefind-ui.js')).isSymbolicLink()).toBe(true);
    expect(logs.every((l) => typeof l.msg === 'string')).toBe(true);
    expect(logs.find((l) => l.msg === 'release live')).toHaveProperty('build');
  });

  it("passes readers the poll routes and uploads, as nginx does, and nothing else of the CMS's API", async () => {
    const site = service.siteUrl!.replace(/\/$/, '');
    const { data } = (await api(`${cms.url}/api/articles?filters[poll][closesAt][$gt]=${new Date().toISOString()}`))
      .json;
    const poll = data[0].poll.documentId as string;
    const results = await fetch(`${site}/api/polls/${poll}/results`);
    expect(results.status).toBe(200);
    expect(((await results.json()) as { data: { poll: string } }).data.poll).toBe(poll);
    // A vote reaches the CMS, which judges it: this site's origin is not one of its SITE_ORIGINS here.
    const vote = await fetch(`${site}/api/polls/${poll}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://elsewhere.example' },
      body: JSON.stringify({ option: data[0].poll.options[0].id }),
    });
    expect(vote.status).toBe(403);
    expect(await vote.text()).toContain('Votes are taken from the site');
    expect((await fetch(`${site}/api/polls/${poll}/votes`, { method: 'DELETE' })).status).toBe(405);
    const photo = data[0].cover?.image?.url as string;
    const upload = await fetch(`${site}${photo}`);
    expect(upload.status).toBe(200);
    expect(upload.headers.get('content-type')).toMatch(/^image\//);
    // The rest of the API is no page of the site, however the path is written.
    for (const p of [
      '/api/articles',
      `/api/polls/${poll}`,
      '/admin/',
      `/api/polls/${poll}%2F..%2F..%2Farticles/results`,
      '/uploads/..%2F..%2Fapi%2Farticles',
      '/uploads/x/../../api/articles',
    ])
      expect((await rawGet(site, p)).status, p).toBe(404);
    // A path that resolves onto a poll route reaches the CMS as that route only, as nginx passes it.
    const smuggled = await rawGet(site, `/api/articles/x/../../polls/${poll}/results`);
    expect(JSON.parse(smuggled.text).data.poll).toBe(poll);
  });

  it('refuses a missing or wrong secret (401) and a body that is not a Strapi event (400), queuing nothing', async () => {
    const builds = status().buildsStarted;
    const event = { event: 'entry.publish', uid: 'api::article.article', entry: { documentId: 'x' } };
    expect((await hook(event, {})).status).toBe(401);
    expect((await hook(event, { 'X-Publish-Secret': 'wrong' })).status).toBe(401);
    expect((await hook(event, { 'X-Publish-Secret': `${secret}x` })).status).toBe(401);
    expect((await hook('not json')).status).toBe(400);
    expect((await hook({ event: 'entry.publish' })).status).toBe(400);
    expect((await hook({ event: 'something.else', entry: {} })).status).toBe(400);
    expect((await hook([1, 2])).status).toBe(400);
    // An accepted event is queued before the answer: a refused one must have left nothing.
    expect(status()).toMatchObject({ queued: false, building: null, buildsStarted: builds });
  });

  it('a publish in the CMS goes live through a scoped rebuild: page, home, category, feeds and sitemap', async () => {
    await settled();
    const published = await publishArticle('Khánh thành cầu Thiệu Hóa mới sau hai năm thi công');
    expect(published.build).toMatchObject({ result: 'live', kind: 'scoped' });
    // It started as the copy of the live release made once that went live (and was indexed since):
    // until its own index is made, it searches with the index of the release it replaced.
    expect(fs.existsSync(path.join(dir, 'current', 'pagefind', 'pagefind.js'))).toBe(true);
    expect(await whereListed(published.article.slug, published.category.slug)).toEqual({
      page: 200,
      home: true,
      category: true,
      feed: true,
      categoryFeed: true,
      sitemap: true,
    });
    const $ = cheerio.load((await page(`/bai-viet/${published.article.slug}/`)).text);
    expect($('h1').text()).toContain('Khánh thành cầu Thiệu Hóa mới');
    // Strapi sends entry.create and entry.publish for it; both arrive and fold into that one build.
    expect(status().recentEvents.map((e) => e.event)).toEqual(
      expect.arrayContaining(['entry.create', 'entry.publish'])
    );
  });

  it('a publish right after another is handed to a build compiled ahead of time too', async () => {
    // A newsroom's publisher keeps two builds compiled (PUBLISH_PREPARED_BUILDS, 2 by default):
    // compiling one takes seconds, and a correction or a second desk's story often comes within
    // them. (The suite's publisher keeps one: each of its restarts would compile, and throw away,
    // a second.)
    await settled();
    const config = service.publisher.config;
    await service.close();
    service = await startPublisher({ ...config, preparedBuilds: 2 }, (msg, fields) => logs.push({ msg, ...fields }));
    try {
      await vi.waitFor(() => expect(status().buildsWaiting).toBe(2), { timeout: 60_000, interval: 200 });
      const first = await publishArticle('Thiệu Hóa ra quân làm thủy lợi mùa khô');
      const second = await publishArticle('Thiệu Hóa ra quân làm thủy lợi mùa khô: 20 km kênh được nạo vét');
      expect(first.build).toMatchObject({ result: 'live', kind: 'scoped', compiled: 'waiting' });
      expect(second.build).toMatchObject({ result: 'live', kind: 'scoped' });
      // Compiled; at most still reading the content the first publish made live.
      expect(['waiting', 'preloading']).toContain(second.build.compiled);
      for (const { article } of [first, second]) expect((await page(`/bai-viet/${article.slug}/`)).status).toBe(200);
    } finally {
      await settled();
      await service.close();
      service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
    }
  }, 180_000);

  it('a publish also asks GitHub Actions for a rebuild, with the body its dispatch API requires', async () => {
    const before = dispatches.length;
    await publishArticle('Thanh Hóa khởi công đường ven biển đoạn qua Sầm Sơn');
    const deadline = Date.now() + 10_000;
    while (dispatches.length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(dispatches.length).toBeGreaterThan(before);
    const dispatch = dispatches.at(-1)!;
    expect(dispatch.url).toBe('/repos/toasoan/bao-dien-tu/dispatches');
    expect(dispatch.auth).toBe('Bearer github-token-for-tests');
    expect(dispatch.body.event_type).toBe('strapi-publish');
    expect(dispatch.body.client_payload.events.map((e) => e.event)).toContain('entry.publish');
  });

  /** Builds the live release's content in full and compares every page with the live (scoped) one. */
  async function expectSameAsFullBuild(publishDir = dir) {
    await settled();
    const live = path.join(publishDir, 'current');
    const release = fs.readlinkSync(live);
    // Inside site/, where Astro's compiled chunks find the site's packages (as the publisher's builds).
    fs.mkdirSync(path.join(ROOT, 'site', '.builds'), { recursive: true });
    const compare = fs.mkdtempSync(path.join(ROOT, 'site', '.builds', 'compare-'));
    // The live release's content, as recorded: whole, or its journal entry applied to its checkpoint.
    const content = new Releases(publishDir).readContent(path.basename(release));
    expect(content).not.toBeNull();
    const snapshot = path.join(compare, 'snapshot.json');
    await writeSnapshot(snapshot, content!.snapshot);
    await astroBuild(compare, { snapshot, cmsUrl: cms.url, siteUrl: service.publisher.config.siteUrl });
    const full = path.join(compare, 'site');
    const liveFiles = pageFiles(live).sort();
    expect(liveFiles).toEqual(pageFiles(full).sort());
    expect(liveFiles.length).toBeGreaterThan(20);
    const differing = liveFiles.filter(
      (f) => !fs.readFileSync(path.join(live, f)).equals(fs.readFileSync(path.join(full, f)))
    );
    expect(differing).toEqual([]);
    fs.rmSync(compare, { recursive: true, force: true });
  }

  it('an unpublished article disappears from its page, home, category, feeds, sitemap and search; the scoped releases are a full build of the same content, page for page', async () => {
    const published = await publishArticle('Phát động phong trào trồng cây xanh đầu xuân');
    await settled();
    const href = `/bai-viet/${published.article.slug}/`;
    expect(searchableUrls(path.join(dir, 'current', 'pagefind'))).toContain(href);
    const before = status().lastBuild?.id;
    await unpublishArticle(published.article.documentId);
    const takedown = await nextBuild(before);
    expect(takedown).toMatchObject({ result: 'live', kind: 'scoped' });
    // Rendered by the build process that rendered the publish, from the same compile: its next job
    // (site/render-jobs.mjs), from the same base, kept from that job, not read again. The
    // comparison below holds its pages to a whole `astro build`'s.
    const { pid, job, snapshotsRead } = published.build.renderer!;
    expect(snapshotsRead).toBeGreaterThan(0);
    expect(takedown.renderer).toEqual({ pid, job: job + 1, snapshotsRead });
    // From the moment its release is live, before that release is indexed: search reaches no
    // bundle holding it (the live index's, narrowed), neither through the list nor by address.
    const searchable = path.join(dir, 'current', 'pagefind');
    expect(searchableUrls(searchable)).not.toContain(href);
    const listed = JSON.parse((await page('/pagefind/shards.json')).text) as string[];
    for (const bundle of fs.readdirSync(searchable).filter((name) => /^phan-\d+$/.test(name)))
      expect(listed).toContain(`/pagefind/${bundle}/`);
    expect((await page('/pagefind/pagefind-ui.js')).status).toBe(200);
    expect(await whereListed(published.article.slug, published.category.slug)).toEqual({
      page: 404,
      home: false,
      category: false,
      feed: false,
      categoryFeed: false,
      sitemap: false,
    });
    // Its release's own search index (made from the pages this publish changed) no longer finds it.
    await settled();
    const live = path.basename(fs.readlinkSync(path.join(dir, 'current')));
    expect(status().lastSearchIndex).toMatchObject({ release: live, result: 'done' });
    expect(searchableUrls(path.join(dir, 'current', 'pagefind'))).not.toContain(href);
    // Every page of the live release, made by the scoped builds since the last full one, is byte for
    // byte a full build's of the same content: the newer articles that showed it as related no longer do.
    await expectSameAsFullBuild();
  }, 180_000);

  it('a deleted article disappears too', async () => {
    const deleted = await publishArticle('Hội nghị tổng kết công tác chuyển đổi số năm nay');
    expect((await page(`/bai-viet/${deleted.article.slug}/`)).status).toBe(200);
    await settled();
    const before = status().lastBuild?.id;
    const res = await api(`${cms.url}/api/articles/${deleted.article.documentId}`, { method: 'DELETE', token });
    expect(res.status).toBe(204);
    expect(await nextBuild(before)).toMatchObject({ result: 'live' });
    expect(await whereListed(deleted.article.slug, deleted.category.slug)).toMatchObject({
      page: 404,
      home: false,
      sitemap: false,
    });
  });

  it('`npm run rollback` puts the previous release back live in one step, and holds publishing until resumed', async () => {
    const deleted = await publishArticle('Tổng kết mùa thi tuyển sinh lớp 10');
    await settled();
    const deletion = status().lastBuild?.id;
    expect(
      (await api(`${cms.url}/api/articles/${deleted.article.documentId}`, { method: 'DELETE', token })).status
    ).toBe(204);
    expect(await nextBuild(deletion)).toMatchObject({ result: 'live' });
    await settled();
    expect((await page(`/bai-viet/${deleted.article.slug}/`)).status).toBe(404);
    const from = status().live!.release;
    const rollback = (...args: string[]) =>
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['scripts/src/cli/rollback.ts', ...args], {
        cwd: ROOT,
        env: { ...process.env, PUBLISH_DIR: dir },
        encoding: 'utf8',
      });
    const heldBefore = logs.filter((l) => l.msg === 'publishing paused').length;
    const out = rollback();
    try {
      const to = status().live!.release;
      expect(to).not.toBe(from);
      expect(out).toContain(`${to} is live again`);
      // The release before the delete still has the article.
      expect((await page(`/bai-viet/${deleted.article.slug}/`)).status).toBe(200);
      // Reconciliation would publish the newer content straight back: publishing waits instead.
      expect(status().paused).toMatch(/rolled back/);
      await service.publisher.reconcile();
      expect(status().lastReconcile).toMatchObject({ differences: 1 });
      expect(status().queued).toBe(true); // the delete is pending, not lost
      // The publisher tries, and holds: nothing goes live over the rollback.
      const holds = () => logs.filter((l) => l.msg === 'publishing paused').length;
      const deadline = Date.now() + 10_000;
      while (holds() === heldBefore && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(holds()).toBeGreaterThan(heldBefore);
      expect(status().live!.release).toBe(to);
    } finally {
      expect(rollback('--resume')).toContain('Publishing resumed');
    }
    expect(status().paused).toBeNull();
    await service.publisher.reconcile();
    await settled();
    expect((await page(`/bai-viet/${deleted.article.slug}/`)).status).toBe(404);
  });

  it('50 events in 2 seconds make at most 2 builds', async () => {
    await settled();
    const builds = status().buildsStarted;
    const [article] = (await api(`${cms.url}/api/articles`, { token })).json.data;
    // Sent on a schedule, one every 40 ms, whatever each answer takes: on a busy machine, sending
    // each after the last one's answer stretched the burst past 5 s, where the debounce's cap (a
    // steady stream holds publishing back 5 windows at most) rightly starts a build mid-burst.
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        new Promise((r) => setTimeout(r, i * 40)).then(() =>
          hook({
            event: 'entry.update',
            uid: 'api::article.article',
            model: 'article',
            entry: { documentId: article.documentId },
          })
        )
      )
    );
    for (const res of answers) expect(res.status).toBe(202);
    await settled();
    expect(status().buildsStarted - builds).toBeGreaterThanOrEqual(1);
    expect(status().buildsStarted - builds).toBeLessThanOrEqual(2);
  });

  it('events arriving during a build make exactly one follow-up build', async () => {
    await settled();
    const builds = status().buildsStarted;
    expect((await hook({ event: 'trigger-test' })).status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (!status().building && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(status().building).not.toBeNull();
    for (let i = 0; i < 3; i++) expect((await hook({ event: 'trigger-test' })).status).toBe(202);
    expect(status().queued).toBe(true);
    await settled();
    expect(status().buildsStarted - builds).toBe(2);
    expect(status().lastBuild).toMatchObject({ result: 'live', kind: 'full' });
  }, 180_000);

  /** The full build rendering now, other than `not`, once its processes render (null after a minute). */
  async function fullBuildRendering(not?: string) {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const full = status().fullBuild;
      if (full?.state === 'rendering' && full.processes.length && full.build !== not) return full;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`No full build rendering: ${JSON.stringify(status())}`);
  }

  /** Waits until `condition` holds. */
  async function until(condition: () => boolean, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (Date.now() > deadline)
        throw new Error(`Timed out: ${JSON.stringify(status())}\nLast logs: ${JSON.stringify(logs.slice(-8))}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` to the process groups rendering a full build (SIGSTOP: its render held, as an archive of 100,000 holds it). */
  const signalRender = (full: { processes: number[] }, signal: NodeJS.Signals) => {
    for (const pid of full.processes) {
      try {
        process.kill(-pid, signal);
      } catch {
        // already gone
      }
    }
  };

  it('stories published and taken down while a full build renders go live beside it, and stay so when it dies and when it goes live', async () => {
    await settled();
    const [category] = (await api(`${cms.url}/api/categories?sort=id:asc&pagination[pageSize]=1`, { token })).json
      .data as { documentId: string; name: string }[];
    const taken = await publishArticle('Bài được gỡ trong lúc dựng lại toàn trang');
    await settled();
    const from = logs.length;
    // A category renamed: the menu is on every page, so every page is rendered again.
    const renamed = 'Chuyên mục đổi tên trong lúc dựng lại toàn trang';
    const rename = await api(`${cms.url}/api/categories/${category.documentId}?status=published`, {
      method: 'PUT',
      token,
      body: { data: { name: renamed } },
    });
    expect(rename.status, rename.text).toBe(200);
    const first = await fullBuildRendering();
    // Its processes give way to the publishes beside it (PUBLISH_FULL_BUILD_NICENESS, 10).
    for (const pid of first.processes) expect(os.getPriority(pid)).toBeGreaterThanOrEqual(10);
    signalRender(first, 'SIGSTOP');
    let story: Awaited<ReturnType<typeof publishArticle>>;
    try {
      story = await publishArticle('Tin đăng trong lúc dựng lại toàn trang');
      expect(story.build).toMatchObject({ result: 'live', kind: 'scoped' });
      expect(logs).toContainEqual(
        expect.objectContaining({ msg: 'build started', build: story.build.id, beside: first.build })
      );
      // The category stays as it is live until the full build shows it renamed, on every page.
      const home = (await page('/')).text;
      expect(home).toContain(category.name);
      expect(home).not.toContain(renamed);
      expect(status().fullBuild).toMatchObject({ build: first.build, state: 'rendering' });
    } finally {
      // Its render dies (out of memory, killed): it is built again.
      signalRender(first, 'SIGKILL');
    }
    // From now until all is live, readers always get the story.
    const href = `/bai-viet/${story!.article.slug}/`;
    const served: number[] = [];
    let watch = true;
    const watching = (async () => {
      while (watch) {
        served.push((await page(href)).status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const second = await fullBuildRendering(first.build);
    signalRender(second, 'SIGSTOP');
    // The copy of its tree, made as it is validated for the publish after it, as slow as at 100,000 articles.
    const copies = holdableCopy();
    let during: Awaited<ReturnType<typeof publishArticle>> | undefined;
    try {
      try {
        // A takedown beside the second.
        const before = status().lastBuild?.id;
        await unpublishArticle(taken.article.documentId);
        expect(await nextBuild(before)).toMatchObject({ result: 'live', kind: 'scoped' });
        expect((await page(`/bai-viet/${taken.article.slug}/`)).status).toBe(404);
        expect(status().fullBuild).toMatchObject({ build: second.build, state: 'rendering' });
        // The copy the next publish starts from, of the takedown's release: made before the hold.
        await until(() => status().nextCopy === 'made');
      } finally {
        copies.hold();
        signalRender(second, 'SIGCONT');
      }
      // Rendered and validated, it is not ready while its tree is still being copied: a story
      // published meanwhile goes live beside it at once, on the live release and that one's copy.
      await until(() => status().fullBuild?.state === 'copying');
      during = await publishArticle('Tin đăng trong lúc chép cây của bản dựng toàn trang');
      expect(during.build).toMatchObject({ result: 'live', kind: 'scoped' });
      expect(logs).toContainEqual(
        expect.objectContaining({ msg: 'build started', build: during.build.id, beside: second.build })
      );
      expect((await page('/')).text).not.toContain(renamed);
      expect(status().fullBuild).toMatchObject({ build: second.build, state: 'copying' });
      copies.release();
      await settled();
    } finally {
      copies.restore();
    }
    // Brought up to date once its copy was made: that build did not wait for it.
    expect(logs.slice(from).filter((l) => l.msg === 'build waits for a copy')).toEqual([]);
    watch = false;
    await watching;
    expect(served.length).toBeGreaterThan(0);
    expect(served.filter((code) => code !== 200)).toEqual([]);
    expect(logs.slice(from)).toContainEqual(expect.objectContaining({ msg: 'build failed', build: first.build }));
    // Every copy of a release made meanwhile was whole.
    expect(logs.slice(from).filter((l) => l.msg === 'copy of a release failed')).toEqual([]);
    // The second went live with both: the story it carried, the takedown it did not know of.
    expect(status().lastBuild).toMatchObject({ result: 'live', kind: 'full', rendered: second.build });
    expect(status().lastBuild!.summary).toContain('brought up to date');
    // From the state of what went live beside it (the takedown) and what was pending, not the whole archive's.
    expect(logs.slice(from)).toContainEqual(
      expect.objectContaining({ msg: 'build planned', build: status().lastBuild!.id, state: 'partial' })
    );
    expect(status().fullBuild).toBeNull();
    expect((await page(href)).status).toBe(200);
    expect((await page(`/bai-viet/${taken.article.slug}/`)).status).toBe(404);
    expect((await page(`/bai-viet/${during!.article.slug}/`)).status).toBe(200);
    expect((await page('/')).text).toContain(renamed);
    // Exactly what the CMS serves now, document for document, and page for page a full build of it.
    const recorded = new Releases(dir).readContent(status().live!.release)!.snapshot;
    const now = await fetchSnapshot(
      createStrapiClient({ baseUrl: cms.url, token: service.publisher.config.siteToken })
    );
    const byId = (rows: { documentId: string }[] = []) =>
      [...rows].sort((a, b) => a.documentId.localeCompare(b.documentId));
    for (const key of ['articles', 'categories'] as const) expect(byId(recorded[key]), key).toEqual(byId(now[key]));
    await expectSameAsFullBuild();
    // The next publish starts from the copy of the full build's tree, brought up to the release that went live.
    const next = await publishArticle('Tin đăng ngay sau bản dựng toàn trang');
    expect(next.build).toMatchObject({ result: 'live', kind: 'scoped' });
    await expectSameAsFullBuild();
  }, 240_000);

  it('a build that fails (CMS down) leaves the live site byte for byte as it was, and says why', async () => {
    await settled();
    const live = status().live!.release;
    const releasesBefore = status().releases;
    const tokenBefore = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
    const home = (await page('/')).text;
    await cms.stop();
    try {
      expect((await hook({ event: 'trigger-test' })).status).toBe(202);
      const deadline = Date.now() + 60_000;
      while (!logs.some((l) => l.msg === 'build given up') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const s = status();
      expect(s.lastBuild).toMatchObject({ result: 'failed' });
      expect(s.lastBuild!.error).toMatch(/unreachable/);
      expect(s.live!.release).toBe(live);
      expect((await page('/')).text).toBe(home);
      const failures = logs.filter((l) => l.msg === 'build failed');
      expect(failures.length).toBeGreaterThanOrEqual(2); // retried, then waits for the next event or reconciliation
      expect(logs.some((l) => l.msg === 'build given up')).toBe(true);
      // Nothing is dropped: the change is still pending, on disk.
      expect(s.queued).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(dir, 'queue.json'), 'utf8')).pending).toHaveProperty('full');
      // Nothing half-built was left behind: only what is kept ready for the next publish (the build,
      // and the copy of the live release it starts from).
      expect(fs.readdirSync(path.join(dir, 'work')).filter((f) => !/^(build|skeleton)-\d+$/.test(f))).toEqual([]);
      expect(s.releases).toEqual(releasesBefore);
    } finally {
      await cms.start();
    }
    // Back, the CMS is reconciled with and the pending change goes live.
    await service.publisher.reconcile();
    await settled();
    expect(status().lastBuild).toMatchObject({ result: 'live' });
    // Restarted, the CMS keeps the site's token (the publisher's builds go on working)…
    const token = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
    expect(token).toBe(tokenBefore);
    expect((await api(`${cms.url}/api/articles`, { token })).status).toBe(200);
    // …and exactly one publish webhook.
    const res = await api(`${cms.url}/admin/webhooks`, { token: await cms.adminJwt() });
    expect(res.json.data.filter((w: { name: string }) => w.name === 'Newsroom publisher')).toHaveLength(1);
  }, 180_000);

  it('a publisher killed mid-build leaves no half-built release behind: the next start discards it', async () => {
    await settled();
    const live = status().live!.release;
    // What a kill during a build leaves: a release directory and its marker.
    const unfinished = '99991231-235959-999';
    fs.mkdirSync(path.join(dir, 'releases', unfinished, 'bai-viet'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'releases', unfinished, 'index.html'), '<p>half</p>');
    fs.writeFileSync(path.join(dir, 'work', `${unfinished}.building`), '');
    const config = service.publisher.config;
    await service.close();
    // On the same ports: the CMS's webhook and the other tests find it where it was.
    service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
    expect(fs.existsSync(path.join(dir, 'releases', unfinished))).toBe(false);
    expect(status().live!.release).toBe(live);
    // It catches up by reconciling: nothing changed while it was stopped, so nothing is built.
    await service.publisher.reconcile();
    await settled();
    expect(status().lastReconcile).toMatchObject({ differences: 0 });
    expect(status().lastBuild).toBeNull();
  }, 180_000);

  it('a publish records its content as the change from the last whole snapshot; a restarted publisher builds on it', async () => {
    await settled();
    const before = status().live!.release;
    const first = await publishArticle('Bản tin ghi lại như một thay đổi');
    expect(first.build).toMatchObject({ result: 'live', kind: 'scoped' });
    await settled();
    const releases = new Releases(dir);
    const live = status().live!.release;
    const base = releases.journalBase(live);
    // A journal entry of a few kilobytes, from a release whose content is on disk whole.
    expect(base).not.toBeNull();
    expect(releases.journalBase(base!)).toBeNull();
    expect(fs.statSync(releases.snapshot(live)).size).toBeLessThan(fs.statSync(releases.snapshot(base!)).size);
    expect(releases.readContent(live)!.snapshot.articles.map((a) => a.slug)).toContain(first.article.slug);
    expect(before).not.toBe(live);

    const config = service.publisher.config;
    await service.close();
    service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
    const second = await publishArticle('Bản tin sau khi khởi động lại bộ xuất bản');
    expect(second.build).toMatchObject({ result: 'live', kind: 'scoped' });
    expect((await page(`/bai-viet/${first.article.slug}/`)).status).toBe(200);
    expect((await page(`/bai-viet/${second.article.slug}/`)).status).toBe(200);
    await expectSameAsFullBuild();
  }, 300_000);

  it('a full build split over two processes makes the same site as one process; with nothing live, its builds are the only ones compiled, and render the publishes after it', async () => {
    await settled();
    const config = service.publisher.config;
    await service.close();
    // A publisher with nothing live (a directory of its own), split from the first article (at the
    // defaults, from 2,000), its images' cache in a folder of its own.
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-publish-split-'));
    const imageCache = path.join(fresh, 'image-cache');
    const from = logs.length;
    service = await startPublisher(
      {
        ...config,
        dir: path.join(fresh, 'publish'),
        splitFullBuildsFrom: 1,
        buildProcesses: 2,
        buildEnv: { ...config.buildEnv, SITE_CACHE_DIR: imageCache },
      },
      (msg, fields) => logs.push({ msg, ...fields })
    );
    try {
      // None kept while nothing is live: the full build's two are all that compile.
      expect(status().nextBuild).toBeNull();
      const build = await nextFullBuild(from);
      expect(build).toMatchObject({ result: 'live', kind: 'full' });
      const split = logs.find((l) => l.msg === 'build split' && l.build === build.rendered) as
        { processes: number; pids: number[] } | undefined;
      // Compiled once: the second renders from the first one's compile, the same pages (below).
      expect(split).toMatchObject({ processes: 2, compiles: 1 });
      expect(split!.pids).toHaveLength(2);
      // Each part made its images through a cache of its own (two processes never write one entry).
      for (const cache of [imageCache, `${imageCache}-part-1`])
        expect(fs.readdirSync(path.join(cache, 'assets')).length, cache).toBeGreaterThan(0);
      await expectSameAsFullBuild(path.join(fresh, 'publish'));
      // The next publish is rendered by one of them, kept compiled, from the share of the content it
      // rendered (told to preload its lean copy, it read no snapshot: job.ts, shareOf); its pages
      // are still a whole `astro build`'s.
      const published = await publishArticle('Bản tin đầu tiên sau lần dựng trang đầu');
      expect(published.build).toMatchObject({ result: 'live', kind: 'scoped' });
      expect(split!.pids).toContain(published.build.renderer?.pid);
      expect(published.build.renderer?.snapshotsRead).toBe(0);
      await expectSameAsFullBuild(path.join(fresh, 'publish'));
    } finally {
      await service.close();
      fs.rmSync(fresh, { recursive: true, force: true });
      service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
    }
  }, 300_000);

  it('new templates go live when the publisher starts, rendering the live content with what changed meanwhile, as the CMS serves it now', async () => {
    await settled();
    const config = service.publisher.config;
    await service.close();
    // Other code reading the content (a field added to the schema, the CMS's answers changed):
    // the live content is not reused, every document is read again.
    const contentHash = 'code-that-reads-content-otherwise';
    let from = logs.length;
    service = await startPublisher({ ...config, contentHash }, (msg, fields) => logs.push({ msg, ...fields }));
    const reread = await nextFullBuild(from);
    expect(reread).toMatchObject({ result: 'live', kind: 'full' });
    expect(reread.summary).toContain('the code that reads the content changed');
    expect(logs.filter((l) => l.msg === 'content from the live release' && l.build === reread.rendered)).toEqual([]);
    await settled();
    await service.close();

    // While the publisher is stopped (its webhooks lost): a story retitled, a tag and a category renamed.
    const first = async (type: string) =>
      (await api(`${cms.url}/api/${type}?sort=id:asc&pagination[pageSize]=1`, { token })).json.data[0] as {
        documentId: string;
      };
    const [story, tag, category] = [await first('articles'), await first('tags'), await first('categories')];
    const change = async (type: string, documentId: string, data: Record<string, string>) => {
      const res = await api(`${cms.url}/api/${type}/${documentId}?status=published`, {
        method: 'PUT',
        token,
        body: { data },
      });
      expect(res.status, res.text).toBe(200);
      return res.json.data as { slug: string };
    };
    const retitled = await change('articles', story.documentId, { title: 'Tiêu đề sửa khi bộ xuất bản dừng' });
    await change('tags', tag.documentId, { name: 'Chủ đề đổi tên khi bộ xuất bản dừng' });
    await change('categories', category.documentId, { name: 'Chuyên mục đổi tên khi bộ xuất bản dừng' });

    // The same code reading the content, other templates. (The publisher is left on these
    // versions: the tests after this one restart it with its config, whatever it is.)
    const templateHash = 'templates-while-content-changed';
    from = logs.length;
    service = await startPublisher({ ...config, contentHash, templateHash }, (msg, fields) =>
      logs.push({ msg, ...fields })
    );
    // (The story and the tag may go live first, beside it, with the new templates.)
    const build = await nextFullBuild(from);
    expect(build).toMatchObject({ result: 'live', kind: 'full' });
    expect(build.summary).toContain("the site's templates changed");
    // Made from the live release's content and what differs from it, not a read of the whole archive.
    expect(logs).toContainEqual(
      expect.objectContaining({ msg: 'content from the live release', build: build.rendered })
    );
    await settled();
    // Exactly what the CMS serves now, document for document.
    const recorded = new Releases(dir).readContent(status().live!.release)!.snapshot;
    const now = await fetchSnapshot(createStrapiClient({ baseUrl: cms.url, token: config.siteToken }));
    const byId = (rows: { documentId: string }[] = []) =>
      [...rows].sort((a, b) => a.documentId.localeCompare(b.documentId));
    for (const key of ['articles', 'categories', 'authors', 'tags', 'polls', 'redirects'] as const) {
      expect(byId(recorded[key]), key).toEqual(byId(now[key]));
    }
    const $ = cheerio.load((await page(`/bai-viet/${retitled.slug}/`)).text);
    expect($('h1').text()).toContain('Tiêu đề sửa khi bộ xuất bản dừng');
    expect((await page('/')).text).toContain('Chuyên mục đổi tên khi bộ xuất bản dừng');
    await expectSameAsFullBuild();
  }, 300_000);

  it('a build that runs out of memory under the heap limit is built again without it, holding back no story', async () => {
    await settled();
    const config = service.publisher.config;
    const since = status().lastBuild?.id;
    await service.close();
    // A limit no build fits in, and a full build to make.
    service = await startPublisher({ ...config, buildMaxHeapMb: 24 }, (msg, fields) => logs.push({ msg, ...fields }));
    service.publisher.requestFull('a test asks for it');
    const failed = await nextBuild(since);
    expect(failed).toMatchObject({ result: 'failed', kind: 'full' });
    expect(failed.error).toMatch(/heap out of memory|Reached heap limit/);
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'build heap limit lifted', limitMb: 24 }));
    // Retried at once with Node's own limit: live, and nothing held back as if a story had broken it.
    expect(await nextBuild(failed.id)).toMatchObject({ result: 'live', kind: 'full' });
    expect(status().failures).toEqual([]);
    await settled();
    await service.close();
    service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
  }, 300_000);

  it("a live release's snapshot that cannot be read (cut short) is rebuilt whole at the next publish, not failed on", async () => {
    await settled();
    const live = status().live!.release;
    const file = path.join(dir, 'snapshots', `${live}.json`);
    const bytes = fs.readFileSync(file);
    fs.writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const config = service.publisher.config;
    await service.close();
    service = await startPublisher(config, (msg, fields) => logs.push({ msg, ...fields }));
    const published = await publishArticle('Bản tin sau khi tệp nội dung bị hỏng');
    expect(published.build).toMatchObject({ result: 'live', kind: 'full' });
    expect(logs.some((l) => l.msg === 'live snapshot unreadable' && l.build === live)).toBe(true);
    expect((await page(`/bai-viet/${published.article.slug}/`)).status).toBe(200);
    // The new release's snapshot is whole again: the next publish is scoped.
    expect((await publishArticle('Bản tin tiếp theo lại dựng từng phần')).build).toMatchObject({
      result: 'live',
      kind: 'scoped',
    });
  }, 240_000);
});

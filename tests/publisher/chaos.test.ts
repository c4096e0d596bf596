import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, freePort, ROOT, startCms, type RunningCms } from '../helpers/cms';
import { createStaticServer } from '@newsroom/publisher/static-server';
import { astroBuild } from '@newsroom/publisher/astro';
import { pageFiles } from '@newsroom/publisher/validate';
import { createStrapiClient } from '@newsroom/content/strapi';
import { fetchSnapshot, writeSnapshot } from '@newsroom/content/snapshot';
import { xoroshiro128plus } from 'pure-rand';

/**
 * Publishing under fire. Four writers edit the newsroom concurrently while a fault injector in
 * front of the publisher drops a fifth of the webhooks and delays, reorders, duplicates and forges
 * others; the publisher is SIGKILLed twice in the middle of a build and the CMS restarts once.
 * Afterwards the live release must equal a full build of what the CMS has published, byte for byte,
 * no release that went live may contain a draft's text, and the site must have answered throughout.
 */

const RECONCILE_SECONDS = 8;
/** Text only drafts carry: if it is ever in a release, a draft leaked. */
const DRAFT_MARK = `NHAPCHUAXUATBAN${randomBytes(3).toString('hex')}`;

/** Numbers in [0, 1) from a seed (pure-rand's xoroshiro128+), so a failing run can be replayed. */
function prng(seed: number) {
  const generator = xoroshiro128plus(seed);
  return () => (generator.unsafeNext() >>> 0) / 2 ** 32;
}

const HEADLINES = [
  'Bão số 3 đổ bộ Quảng Ninh',
  'Thanh Hóa khởi công tuyến đường ven biển',
  'Giá lúa tăng mạnh sau vụ mùa',
  'Học sinh Thiệu Hóa đoạt giải quốc gia',
  'Mở rộng bệnh viện đa khoa huyện',
  'Hội nghị xúc tiến đầu tư năm 2026',
];
const TAILS = [': hai người mất tích', ' trong tuần tới', ', người dân phấn khởi', ': những con số ấn tượng', ''];

describe('publishing under fire', () => {
  let cms: RunningCms;
  let token: string;
  let siteToken: string;
  let dir: string;
  let siteUrl: string;
  let publisher: ChildProcess | undefined;
  let publisherLog = '';
  let hookPort: number;
  let proxy: http.Server;
  let site: http.Server;
  const secret = randomBytes(24).toString('hex');
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 100000);
  const random = prng(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const stats = { dropped: 0, delayed: 0, duplicated: 0, forged: 0, forwarded: 0, kills: 0, cmsRestarts: 0 };

  const publisherEnv = () => ({
    ...process.env,
    PUBLISH_DIR: dir,
    CMS_URL: cms.url,
    SITE_ENV_FILE: cms.env.SITE_ENV_FILE,
    CMS_ENV_FILE: cms.env.ENV_PATH,
    SITE_URL: siteUrl,
    PUBLISH_WEBHOOK_SECRET: secret,
    PUBLISH_PORT: String(hookPort),
    PUBLISH_SERVE_SITE: 'false',
    PUBLISH_DEBOUNCE_MS: '300',
    PUBLISH_RETRY_BASE_MS: '500',
    PUBLISH_RECONCILE_SECONDS: String(RECONCILE_SECONDS),
    PUBLISH_SEARCH_INDEX: 'off',
    PUBLISH_KEEP_RELEASES: '100000', // every release that went live stays, to be searched for drafts
    PUBLISH_FAILURE_RETRY_MS: '5000',
    // One build compiled ahead (a newsroom's default is two): each of the many starts compiles it.
    PUBLISH_PREPARED_BUILDS: '1',
  });

  async function startPublisherProcess() {
    // Node itself with tsx as a loader (not the tsx CLI, which runs the script in a child): the
    // process a SIGKILL reaches is the publisher.
    publisher = spawn(process.execPath, ['--import', 'tsx', 'scripts/publisher/src/main.ts'], {
      cwd: ROOT,
      env: publisherEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    publisher.stdout!.on('data', (d: Buffer) => (publisherLog += d.toString()));
    publisher.stderr!.on('data', (d: Buffer) => (publisherLog += d.toString()));
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (publisher.exitCode !== null) throw new Error(`The publisher exited:\n${publisherLog.slice(-3000)}`);
      if (await status().catch(() => null)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`The publisher did not answer:\n${publisherLog.slice(-3000)}`);
  }

  type Status = {
    live: { release: string } | null;
    building: { build: string } | null;
    queued: boolean;
    lastReconcile: { at: string; differences: number; error?: string } | null;
    draftCheck: { ok: boolean } | null;
  };
  async function status(): Promise<Status> {
    const res = await fetch(`http://127.0.0.1:${hookPort}/status`, {
      headers: { 'X-Publish-Secret': secret },
      signal: AbortSignal.timeout(5000),
    });
    return (await res.json()) as Status;
  }

  /** SIGKILLs the publisher while it is building (waits for a build to start), then starts it again. */
  async function killMidBuild() {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const s = await status().catch(() => null);
      if (s?.building) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const exited = new Promise((r) => publisher!.once('exit', r));
    if (process.env.CHAOS_TRACE) fs.appendFileSync(process.env.CHAOS_TRACE, `${new Date().toISOString()} KILL\n`);
    publisher!.kill('SIGKILL');
    await exited;
    stats.kills++;
    await startPublisherProcess();
  }

  /** Stands between the CMS and the publisher: drops, delays (reorders), duplicates and forges webhooks. */
  function faultInjector() {
    return http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200).end(); // Strapi does not retry either way
        const body = Buffer.concat(chunks);
        const forward = (headers: Record<string, string> = {}, payload: string = body.toString('utf8')) =>
          fetch(`http://127.0.0.1:${hookPort}/hooks/strapi`, {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              'X-Publish-Secret': String(req.headers['x-publish-secret'] ?? ''),
              ...headers,
            },
            body: payload,
          }).catch(() => {}); // the publisher may be down: that webhook is lost too
        const roll = random();
        if (roll < 0.2) stats.dropped++;
        else if (roll < 0.45) {
          stats.delayed++;
          setTimeout(() => void forward(), 300 + random() * 4000);
        } else if (roll < 0.55) {
          stats.duplicated++;
          void forward().then(() => forward());
        } else {
          stats.forwarded++;
          void forward();
        }
        if (random() < 0.1) {
          // Forged: a wrong secret (refused), or an event about a document that does not exist.
          stats.forged++;
          void forward({ 'X-Publish-Secret': 'forged' });
          const fake = { event: 'entry.publish', uid: 'api::article.article', entry: { documentId: 'khongtontai' } };
          void forward({}, JSON.stringify(fake));
        }
      });
    });
  }

  // What the writers work with.
  let categories: string[] = [];
  let tags: string[] = [];
  let authors: string[] = [];
  let photos: string[] = [];
  const published = new Set<string>();
  const unpublished = new Set<string>();
  const ops = { ok: 0, failed: 0, byKind: {} as Record<string, number> };
  let gate: Promise<void> = Promise.resolve();
  let counter = 0;

  const headline = () => `${pick(HEADLINES)}${pick(TAILS)} (${++counter})`;
  const some = (list: string[], n: number) => [...new Set(Array.from({ length: n }, () => pick(list)))];

  async function write(kind: string, run: () => Promise<{ status: number; text: string; json?: any }>) {
    await gate;
    const res = await run();
    if (process.env.CHAOS_TRACE)
      fs.appendFileSync(process.env.CHAOS_TRACE, `${new Date().toISOString()} ${kind} ${res.status}\n`);
    if (res.status >= 200 && res.status < 300) {
      ops.ok++;
      ops.byKind[kind] = (ops.byKind[kind] ?? 0) + 1;
      failuresInARow = 0;
    } else {
      ops.failed++;
      // Another writer may have deleted the story meanwhile (404); anything else repeating is a bug.
      if (++failuresInARow > 25)
        throw new Error(`25 writes failed in a row; the last: ${kind} ${res.status} ${res.text}`);
    }
    return res;
  }
  let failuresInARow = 0;

  const unpublishAction = async (id: string) => {
    const res = await fetch(
      `${cms.url}/content-manager/collection-types/api::article.article/${id}/actions/unpublish`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${await cms.adminJwt()}`, 'Content-Type': 'application/json' },
        body: '{}',
      }
    );
    return { status: res.status, text: await res.text() };
  };

  /**
   * One editor's action, chosen at random. (A publish publishes the whole draft: every action that
   * publishes sets the lead, so a draft's marked lead is never published on purpose.)
   */
  async function act() {
    const r = random();
    const any = [...published];
    if (r < 0.25 || any.length < 4) {
      const res = await write('create+publish', () =>
        api(`${cms.url}/api/articles?status=published`, {
          method: 'POST',
          token,
          body: {
            data: {
              title: headline(),
              lead: 'Tin từ phóng viên thường trú.',
              body: `Nội dung bài số ${counter}.\n\nĐoạn hai của bài.`,
              category: pick(categories),
              tags: some(tags, 2),
              authors: some(authors, 1),
              cover: random() < 0.5 ? pick(photos) : null,
            },
          },
        })
      );
      if (res.status === 201) published.add(res.json.data.documentId);
    } else if (r < 0.4) {
      await write('edit title/body', () =>
        api(`${cms.url}/api/articles/${pick(any)}?status=published`, {
          method: 'PUT',
          token,
          body: {
            data: { title: headline(), lead: 'Tin đã cập nhật.', body: `Bản sửa ${counter}: nội dung cập nhật.` },
          },
        })
      );
    } else if (r < 0.5) {
      await write('edit category/tags', () =>
        api(`${cms.url}/api/articles/${pick(any)}?status=published`, {
          method: 'PUT',
          token,
          body: { data: { lead: 'Tin đã cập nhật.', category: pick(categories), tags: some(tags, 2) } },
        })
      );
    } else if (r < 0.57) {
      await write('photo caption', () =>
        api(`${cms.url}/api/photos/${pick(photos)}`, {
          method: 'PUT',
          token,
          body: { data: { caption: `Chú thích ảnh mới ${++counter}` } },
        })
      );
    } else if (r < 0.58) {
      // On every page (the menu): a full build, rendering beside the publishes that go on meanwhile.
      await write('category rename', () =>
        api(`${cms.url}/api/categories/${pick(categories)}?status=published`, {
          method: 'PUT',
          token,
          body: { data: { name: `Chuyên mục ${++counter}` } },
        })
      );
    } else if (r < 0.6) {
      await write('tag rename', () =>
        api(`${cms.url}/api/tags/${pick(tags)}`, {
          method: 'PUT',
          token,
          body: { data: { name: `Chủ đề ${++counter}` } },
        })
      );
    } else if (r < 0.67) {
      const id = pick(any);
      const res = await write('unpublish', () => unpublishAction(id));
      if (res.status === 200) {
        published.delete(id);
        unpublished.add(id);
      }
    } else if (r < 0.72) {
      const id = pick(any);
      const res = await write('delete', () => api(`${cms.url}/api/articles/${id}`, { method: 'DELETE', token }));
      if (res.status === 204) published.delete(id);
    } else if (r < 0.8 && unpublished.size) {
      const id = pick([...unpublished]);
      const res = await write('re-publish', () =>
        api(`${cms.url}/api/articles/${id}?status=published`, {
          method: 'PUT',
          token,
          body: { data: { lead: 'Tin được xuất bản lại.' } },
        })
      );
      if (res.status === 200) {
        unpublished.delete(id);
        published.add(id);
      }
    } else if (r < 0.92) {
      // A draft save on a published story: its working title a part of the published headline.
      const id = pick(any);
      const live = await api(`${cms.url}/api/articles/${id}`, { token });
      const title: string = live.json?.data?.title ?? headline();
      await write('draft save (shorter headline)', () =>
        api(`${cms.url}/api/articles/${id}?status=draft`, {
          method: 'PUT',
          token,
          body: { data: { title: title.split(':')[0].slice(0, 30), lead: `Bản nháp ${DRAFT_MARK} chưa duyệt.` } },
        })
      );
    } else {
      // A new draft, never published: a working title that published headlines contain, or longer.
      const res = await write('new draft', () =>
        api(`${cms.url}/api/articles?status=draft`, {
          method: 'POST',
          token,
          body: {
            data: {
              title: random() < 0.5 ? pick(HEADLINES) : `${pick(HEADLINES)}: bản dài hơn ${++counter}`,
              lead: `Nháp ${DRAFT_MARK}.`,
              body: `Nội dung nháp ${DRAFT_MARK}.`,
              category: pick(categories),
            },
          },
        })
      );
      if (res.status === 201 && random() < 0.5) {
        await write('delete draft', () =>
          api(`${cms.url}/api/articles/${res.json.data.documentId}`, { method: 'DELETE', token })
        );
      }
    }
    // An editor's pace: four of them make a few changes a second, so builds overlap the edits.
    await new Promise((r) => setTimeout(r, 300 + random() * 900));
  }

  async function writers(count: number) {
    const target = ops.ok + count;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (ops.ok < target) await act();
      })
    );
  }

  // Readers: pages that exist must keep answering through everything (the site is served from
  // `current` by its own server, as nginx does in production, not by the publisher).
  const readers = { requests: 0, failures: [] as string[], stop: false };
  async function read(paths: string[]) {
    while (!readers.stop) {
      for (const p of paths) {
        readers.requests++;
        const res = await fetch(`${siteUrl}${p}`).catch((e: Error) => ({ status: e.message }));
        if (res.status !== 200) readers.failures.push(`${p}: ${res.status}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let reading: Promise<void> | undefined;

  beforeAll(async () => {
    hookPort = await freePort();
    const proxyPort = await freePort();
    proxy = faultInjector();
    await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
    cms = await startCms('sqlite', {
      SEED_DEMO_ARTICLES: '12',
      PUBLISH_WEBHOOK_URL: `http://127.0.0.1:${proxyPort}/hooks/strapi`,
      PUBLISH_WEBHOOK_SECRET: secret,
    });
    token = await cms.fullAccessToken();
    siteToken = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-chaos-'));
    const sitePort = await freePort();
    siteUrl = `http://127.0.0.1:${sitePort}`;
    site = createStaticServer(() => path.join(dir, 'current'));
    await new Promise<void>((r) => site.listen(sitePort, '127.0.0.1', r));
    const ids = async (collection: string) =>
      (
        (await api(`${cms.url}/api/${collection}?pagination[pageSize]=100`, { token })).json.data as {
          documentId: string;
        }[]
      ).map((x) => x.documentId);
    [categories, tags, authors, photos] = await Promise.all(['categories', 'tags', 'authors', 'photos'].map(ids));
    // Three stories nobody touches: readers ask for them throughout. The writers edit the rest.
    const existing = (await api(`${cms.url}/api/articles?pagination[pageSize]=100`, { token })).json.data as {
      documentId: string;
      slug: string;
    }[];
    const untouched = existing.slice(0, 3);
    for (const a of existing.slice(3)) published.add(a.documentId);
    await startPublisherProcess();
    // The first release, then the pages readers will keep asking for.
    const deadline = Date.now() + 300_000;
    while (!(await status()).live && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    reading = read(['/', '/rss.xml', ...untouched.map((a) => `/bai-viet/${a.slug}/`)]);
  }, 420_000);

  afterAll(async () => {
    readers.stop = true;
    await reading;
    publisher?.kill('SIGKILL');
    proxy?.close();
    site?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('converges to exactly a full build of what is published, leaks no draft, and keeps answering', async () => {
    console.info(`chaos seed ${seed} (CHAOS_SEED=${seed} replays it)`);
    // Phase 1: writers, and a publisher killed in the middle of a build.
    await Promise.all([writers(50), killMidBuild()]);
    // The CMS restarts (writers wait for it).
    let reopen!: () => void;
    gate = new Promise((r) => (reopen = r));
    await cms.stop();
    await cms.start();
    stats.cmsRestarts++;
    reopen();
    // Phase 2: writers, and another kill mid-build.
    await Promise.all([writers(50), killMidBuild()]);
    // Phase 3: writers only.
    await writers(55);
    const lastWrite = new Date().toISOString();
    expect(ops.ok).toBeGreaterThanOrEqual(150);

    // Converged: a reconciliation after the last write found nothing missing, and nothing is pending.
    const started = Date.now();
    let s: Status | null = null;
    while (Date.now() - started < 300_000) {
      s = await status().catch(() => null);
      if (s && !s.queued && !s.building && s.lastReconcile && s.lastReconcile.at > lastWrite) {
        if (s.lastReconcile.differences === 0 && !s.lastReconcile.error) break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const convergedAfterMs = Date.now() - started;
    expect(s, publisherLog.slice(-4000)).toMatchObject({ queued: false, building: null, draftCheck: { ok: true } });
    expect(s!.lastReconcile).toMatchObject({ differences: 0 });

    // A full build of what the CMS has published now, fetched with the site's own token.
    const snapshot = await fetchSnapshot(createStrapiClient({ baseUrl: cms.url, token: siteToken }));
    fs.mkdirSync(path.join(ROOT, 'site', '.builds'), { recursive: true });
    const compare = fs.mkdtempSync(path.join(ROOT, 'site', '.builds', 'chaos-'));
    try {
      await writeSnapshot(path.join(compare, 'snapshot.json'), snapshot);
      await astroBuild(compare, { snapshot: path.join(compare, 'snapshot.json'), cmsUrl: cms.url, siteUrl });
      const full = path.join(compare, 'site');
      const live = path.join(dir, 'current');
      const liveFiles = new Set(pageFiles(live));
      const fullFiles = new Set(pageFiles(full));
      const missing = [...fullFiles].filter((f) => !liveFiles.has(f));
      const extra = [...liveFiles].filter((f) => !fullFiles.has(f));
      const stale = [...fullFiles].filter(
        (f) => liveFiles.has(f) && !fs.readFileSync(path.join(live, f)).equals(fs.readFileSync(path.join(full, f)))
      );
      console.info(
        JSON.stringify({
          seed,
          operations: ops,
          webhooks: stats,
          convergedAfterMs,
          pages: fullFiles.size,
          missing: missing.length,
          extra: extra.length,
          stale: stale.length,
          readerRequests: readers.requests,
          readerFailures: readers.failures.length,
          readerFailureSample: readers.failures.slice(0, 5),
          // Which pages, should any differ: the first place to look.
          differing: [...missing, ...extra, ...stale].slice(0, 10),
        })
      );
      expect({ missing, extra, stale }).toEqual({ missing: [], extra: [], stale: [] });
      expect(fullFiles.size).toBeGreaterThan(50);
    } finally {
      fs.rmSync(compare, { recursive: true, force: true });
    }

    // No release that went live ever carried a draft's text (every release is kept for this).
    const releases = fs.readdirSync(path.join(dir, 'releases'));
    expect(releases.length).toBeGreaterThanOrEqual(2); // the first full build, and scoped ones after
    const leaks = releases.flatMap((r) =>
      pageFiles(path.join(dir, 'releases', r))
        .filter((f) => fs.readFileSync(path.join(dir, 'releases', r, f), 'utf8').includes(DRAFT_MARK))
        .map((f) => `${r}/${f}`)
    );
    expect(leaks).toEqual([]);

    // The faults happened, and readers were answered throughout.
    expect(stats.kills).toBe(2);
    expect(stats.cmsRestarts).toBe(1);
    expect(stats.dropped).toBeGreaterThan(0);
    expect(readers.requests).toBeGreaterThan(100);
    expect(readers.failures).toEqual([]);
  }, 900_000);
});

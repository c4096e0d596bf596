/**
 * The production shape of docker-compose.yml, run from Debian's packages (no Docker engine here):
 * Debian's nginx with scripts/deploy/nginx.conf serving the live release and passing the poll
 * routes and /uploads/ to two CMS processes on PostgreSQL, which share Redis (127.0.0.1:6379) and
 * were started at the same moment; the publisher building releases from one of them at an address
 * readers never see. A reader in Chromium opens an article through nginx and votes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'dotenv';
import { chromium, type Browser } from 'playwright-core';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startPublisher, type RunningPublisher } from '@newsroom/publisher/service';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@newsroom/scripts/chromium';
import { api, freePort, rawGet, sql, startCmsCluster, type RunningCms } from '../helpers/cms';
import { startNginx } from '../helpers/nginx';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const RATE_LIMIT = 6;

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

describe('the production shape: nginx, two CMS processes on PostgreSQL sharing Redis, the publisher', () => {
  const prefix = `newsroom-test-${randomBytes(4).toString('hex')}`;
  let processes: RunningCms[];
  let publisher: RunningPublisher;
  let dir: string;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let browser: Browser;
  let siteUrl: string;
  let token: string;
  let article: { slug: string; poll: { documentId: string; options: { id: number }[] } };
  /** The publisher's log, shown when its first release does not come. */
  const logs: string[] = [];

  beforeAll(async () => {
    const port = await freePort();
    siteUrl = `http://127.0.0.1:${port}`;
    const secret = randomBytes(24).toString('hex');
    const hookPort = await freePort();
    processes = await startCmsCluster('postgres', 2, {
      REDIS_URL,
      REDIS_PREFIX: prefix,
      SITE_ORIGINS: siteUrl,
      POLL_RATE_LIMIT: String(RATE_LIMIT),
      // Long enough that only the news through Redis can make a process drop a poll's settings.
      POLL_SETTINGS_TTL_SECONDS: '600',
      SEED_DEMO_ARTICLES: '8',
      PUBLISH_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hooks/strapi`,
      PUBLISH_WEBHOOK_SECRET: secret,
    });
    const [first] = processes;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-production-'));
    publisher = await startPublisher(
      {
        dir,
        // The build's address of the CMS: the tests below look for it in every public file.
        cmsUrl: first.url,
        siteToken: parse(fs.readFileSync(first.env.SITE_ENV_FILE)).SITE_API_TOKEN,
        siteEnvFile: first.env.SITE_ENV_FILE,
        siteUrl,
        secret,
        hookPort,
        sitePort: 0,
        searchIndex: false,
        preparedBuilds: 1,
      },
      (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`)
    );
    await vi.waitFor(() => expect(publisher.publisher.releases.live(), logs.slice(-8).join('\n')).not.toBeNull(), {
      timeout: 300_000,
      interval: 250,
    });
    nginx = await startNginx({ root: path.join(dir, 'current'), port, cms: processes.map((p) => p.url) });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    token = await first.fullAccessToken();
    const open = await api(`${first.url}/api/articles?filters[poll][closesAt][$gt]=${new Date().toISOString()}`);
    expect(open.status, open.text).toBe(200);
    article = open.json.data[0];
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await nginx?.close();
    await publisher?.close();
    for (const cms of [...(processes ?? [])].reverse()) await cms.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
  });

  const results = async () =>
    (await api(`${processes[0].url}/api/polls/${article.poll.documentId}/results`)).json.data as {
      total: number;
      closed: boolean;
    };
  /** A vote through nginx, as a page of the site sends it, from the reader at `address`. */
  const vote = (address: string, option: number, base = siteUrl) =>
    fetch(`${base}/api/polls/${article.poll.documentId}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: siteUrl, 'X-Forwarded-For': address },
      body: JSON.stringify({ option }),
    });
  const optionIds = async () =>
    (
      (await api(`${processes[0].url}/api/articles?filters[slug][$eq]=${article.slug}`)).json.data[0].poll.options as {
        id: number;
      }[]
    ).map((o) => o.id);

  it('two processes started together set the newsroom up once: one builder token, one webhook, one of each role', async () => {
    const [tokens] = await sql(
      processes[0],
      "SELECT count(*)::int AS n FROM strapi_api_tokens WHERE name = 'site-builder'"
    );
    expect(tokens.n).toBe(1);
    const [hooks] = await sql(processes[0], 'SELECT count(*)::int AS n FROM strapi_webhooks');
    expect(hooks.n).toBe(1);
    const roles = await sql(
      processes[0],
      'SELECT code, count(*)::int AS n FROM admin_roles GROUP BY code HAVING count(*) > 1'
    );
    expect(roles).toEqual([]);
    // The token in the shared file is the one the database knows: both processes answer it.
    const siteToken = parse(fs.readFileSync(processes[0].env.SITE_ENV_FILE)).SITE_API_TOKEN;
    for (const cms of processes) expect((await api(`${cms.url}/api/articles`, { token: siteToken })).status).toBe(200);
  });

  it('a reader opens an article through nginx and votes: one origin, no CORS, counted once', async () => {
    const before = (await results()).total;
    const context = await browser.newContext({ extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.7' } });
    const requested: string[] = [];
    context.on('request', (request) => requested.push(request.url()));
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
    await page.goto(`${siteUrl}/bai-viet/${article.slug}/`);
    const box = page.locator('.poll');
    await box.getByRole('radio').first().check();
    await box.getByRole('button', { name: 'Bình chọn' }).click();
    await expect.poll(() => box.locator('.poll-status').textContent()).toBe('Cảm ơn bạn đã bình chọn.');
    expect((await results()).total).toBe(before + 1);
    // The vote cookie is the site's own, and any process reads it: the reader is known after a reload.
    const cookies = await context.cookies(siteUrl);
    expect(cookies.map((c) => c.name)).toContain('nr_voter');
    await page.reload();
    await expect.poll(() => box.locator('.poll-status').textContent()).toBe('Bạn đã bình chọn trong cuộc thăm dò này.');
    expect((await results()).total).toBe(before + 1);
    // Everything the page asked for came from the site's origin: the CMS's own addresses never.
    expect(requested.filter((url) => new URL(url).origin !== siteUrl)).toEqual([]);
    expect(requested.some((url) => url.includes('/api/polls/'))).toBe(true);
    expect(pageErrors).toEqual([]);
    await context.close();
  });

  it('no public file names the address the build read the CMS at; photos load through nginx', async () => {
    const live = path.join(dir, 'current');
    const hosts = processes.map((p) => new URL(p.url).host);
    const files = walk(live).filter((f) => !/\.(webp|jpe?g|png|avif|woff2?|wasm)$/.test(f));
    expect(files.length).toBeGreaterThan(50);
    const text = (f: string) => {
      const bytes = fs.readFileSync(f);
      return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('latin1');
    };
    const naming = files.filter((f) => hosts.some((host) => text(f).includes(host)));
    expect(naming.map((f) => path.relative(live, f))).toEqual([]);
    const html = fs.readFileSync(path.join(live, 'bai-viet', article.slug, 'index.html'), 'utf8');
    const ogImage = /<meta property="og:image" content="([^"]+)"/.exec(html)?.[1];
    expect(ogImage).toMatch(new RegExp(`^${siteUrl}/uploads/`));
    const photo = await fetch(ogImage!);
    expect(photo.status).toBe(200);
    expect(photo.headers.get('content-type')).toMatch(/^image\//);
    // Minutes only: a file an editor replaces in the media library keeps its URL.
    expect(photo.headers.get('cache-control')).toBe('public, max-age=300');
  });

  it('nginx passes readers only the poll routes: the rest of the API and the admin stay out of reach', async () => {
    for (const p of [
      '/api/articles',
      '/api/polls',
      `/api/polls/${article.poll.documentId}`,
      '/admin',
      '/content-manager/collection-types/api::article.article',
      '/uploads/../config/server.js',
    ])
      expect((await fetch(`${siteUrl}${p}`)).status, p).toBe(404);
    // Paths that nginx normalises onto a poll route or an upload, but that would name another route
    // of the CMS as the client wrote them: the CMS gets the route nginx chose, or nothing.
    const poll = article.poll.documentId;
    const smuggled = await fetch(`${siteUrl}/api/articles/x%2F..%2F..%2Fpolls%2F${poll}%2Fresults`);
    expect(smuggled.status).toBe(200);
    expect(((await smuggled.json()) as { data: { poll: string } }).data.poll).toBe(poll);
    const raw = await rawGet(siteUrl, `/api/articles/x/../../polls/${poll}/results`);
    expect(JSON.parse(raw.text).data.poll).toBe(poll);
    for (const p of [
      '/uploads/..%2F..%2Fapi%2Farticles',
      '/uploads/x/../../api/articles',
      `/api/polls/${poll}%2F..%2F..%2Farticles/results`,
      '/uploads/%2E%2E/config/server.js',
    ])
      // 404, or 400 where the path climbs above the root: either way nginx answers, not the CMS.
      expect([400, 404], p).toContain((await rawGet(siteUrl, p)).status);
    const put = await fetch(`${siteUrl}/api/polls/${article.poll.documentId}/votes`, { method: 'PUT' });
    expect(put.status).toBe(403);
    const res = await fetch(`${siteUrl}/api/polls/${article.poll.documentId}/results`);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'self'/);
  });

  it('the rate limit is one allowance per reader, however nginx spreads the votes over the processes', async () => {
    const [option] = await optionIds();
    const statuses: number[] = [];
    for (let i = 0; i < RATE_LIMIT + 3; i++) statuses.push((await vote('203.0.113.9', option)).status);
    // The first is counted, the next are the same reader again (409), then the limit: shared, so
    // exactly RATE_LIMIT requests pass although each process alone has seen about half of them.
    expect(statuses.slice(0, RATE_LIMIT).filter((s) => s === 429)).toEqual([]);
    expect(statuses.slice(RATE_LIMIT)).toEqual([429, 429, 429]);
    for (const cms of processes) expect(cms.log()).toMatch(/POST \/api\/polls\/\w+\/votes/);
  });

  it('an editor closes the poll on one process: the other refuses the next vote, without waiting for its cache', async () => {
    const [first, second] = processes;
    const [option] = await optionIds();
    // The second process has the poll's settings cached (for 10 minutes in this test).
    expect((await vote('203.0.113.20', option, second.url)).status).toBe(201);
    const closed = await api(`${first.url}/api/polls/${article.poll.documentId}`, {
      method: 'PUT',
      token,
      body: { data: { closesAt: new Date(Date.now() - 60_000).toISOString() } },
    });
    expect(closed.status, closed.text).toBe(200);
    let n = 21;
    await vi.waitFor(
      async () => {
        const res = await vote(`203.0.113.${n++}`, option, second.url);
        expect(res.status).toBe(409);
        expect(((await res.json()) as { error: { name: string } }).error.name).toBe('PollClosed');
      },
      { timeout: 20_000, interval: 100 }
    );
  });

  it('a CMS process goes down: readers go on reading results through the other', async () => {
    await processes[1].stop();
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${siteUrl}/api/polls/${article.poll.documentId}/results`);
      expect(res.status).toBe(200);
    }
  });
});

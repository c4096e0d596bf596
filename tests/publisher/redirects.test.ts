/**
 * Old addresses keep working. When a live story's slug changes, the CMS records its old address;
 * the next release answers it with 301 to the new one, on the publisher's own site server and in
 * nginx (scripts/deploy/nginx.conf with the release's generated map), and leaves a fallback page
 * there for hosts without server rules. Chains collapse, a live page is never hidden, a loop is
 * refused in the CMS, and nothing leads to a story that is no longer published.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningPublisher } from '@newsroom/publisher/service';
import { api, freePort, type RunningCms } from '../helpers/cms';
import { startNginx } from '../helpers/nginx';
import { startCmsWithPublisher } from '../helpers/publisher';

const REDIRECTS = 'api::redirect.redirect';

describe('redirects from old addresses', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let dir: string;
  let nginx: Awaited<ReturnType<typeof startNginx>>;
  let token: string;
  let jwt: string;
  let author: string;
  /** The publisher's log, shown when a step does not come true. */
  const logs: string[] = [];
  const recent = () => logs.slice(-12).join('\n');

  beforeAll(async () => {
    ({ cms, service, dir } = await startCmsWithPublisher(
      { SEED_DEMO_ARTICLES: '3' },
      { debounceMs: 300, searchIndex: false },
      () => {}
    ));
    token = await cms.fullAccessToken();
    jwt = await cms.adminJwt();
    author = (await api(`${cms.url}/api/authors`, { token })).json.data[0].documentId;
    await vi.waitFor(
      () =>
        expect(service.publisher.releases.live(), JSON.stringify(service.publisher.status().lastBuild)).not.toBeNull(),
      {
        timeout: 300_000,
        interval: 250,
      }
    );
    nginx = await startNginx({ root: path.join(dir, 'current'), port: await freePort(), cms: [cms.url] });
  }, 400_000);

  afterAll(async () => {
    await nginx?.close();
    await service?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** What a reader's browser gets at `p` on `base`, without following redirects. */
  const visit = async (base: string, p: string) => {
    const origin = base.replace(/\/$/, '');
    const res = await fetch(`${origin}${p}`, { redirect: 'manual' });
    // nginx writes absolute Locations (on the site's own origin), the publisher's server a path.
    const location = res.headers.get('location');
    const target = location && new URL(location, origin);
    return {
      status: res.status,
      location: target && (target.origin === origin ? target.pathname : target.href),
    };
  };
  const publisherSite = (p: string) => visit(service.siteUrl!, p);
  const viaNginx = (p: string) => visit(nginx.url, p);
  const release = (file: string) => fs.readFileSync(path.join(dir, 'current', file), 'utf8');

  /** The live site (publisher's server) shows `expected` at each path; nginx too, once reloaded. */
  async function served(expected: Record<string, { status: number; location?: string }>) {
    await vi.waitFor(
      async () => {
        for (const [p, want] of Object.entries(expected))
          expect(await publisherSite(p), `${p}\n${recent()}`).toMatchObject(want);
      },
      { timeout: 120_000, interval: 300 }
    );
    nginx.reload();
    await vi.waitFor(
      async () => {
        for (const [p, want] of Object.entries(expected)) expect(await viaNginx(p), p).toMatchObject(want);
      },
      { timeout: 20_000, interval: 200 }
    );
  }

  const rename = async (documentId: string, slug: string) => {
    const res = await api(`${cms.url}/api/articles/${documentId}?status=published`, {
      method: 'PUT',
      token,
      body: { data: { slug } },
    });
    expect(res.status, res.text).toBe(200);
  };

  it("answers a story's old addresses with 301 to its new one, every rename, and never hides a live page", async () => {
    const created = await api(`${cms.url}/api/articles?status=published`, {
      method: 'POST',
      token,
      body: { data: { title: 'Khánh thành cầu Hàm Rồng mới', lead: 'Cầu mới thông xe.', authors: [author] } },
    });
    expect(created.status, created.text).toBe(201);
    const { documentId, slug: first } = created.json.data as { documentId: string; slug: string };
    await served({ [`/bai-viet/${first}/`]: { status: 200 } });

    await rename(documentId, 'cau-ham-rong-thong-xe');
    await served({
      '/bai-viet/cau-ham-rong-thong-xe/': { status: 200 },
      [`/bai-viet/${first}/`]: { status: 301, location: '/bai-viet/cau-ham-rong-thong-xe/' },
      [`/bai-viet/${first}`]: { status: 301, location: '/bai-viet/cau-ham-rong-thong-xe/' },
    });
    expect(release('_redirects/nginx.map')).toContain(`"/bai-viet/${first}/" "/bai-viet/cau-ham-rong-thong-xe/";`);
    // For hosts without server rules: a page that sends the reader on.
    expect(release(`bai-viet/${first}/index.html`)).toContain(
      '<meta http-equiv="refresh" content="0; url=/bai-viet/cau-ham-rong-thong-xe/">'
    );

    // Renamed again: both old addresses lead straight to the newest (no chain of 301s).
    await rename(documentId, 'cau-ham-rong-moi-thong-xe');
    await served({
      '/bai-viet/cau-ham-rong-moi-thong-xe/': { status: 200 },
      [`/bai-viet/${first}/`]: { status: 301, location: '/bai-viet/cau-ham-rong-moi-thong-xe/' },
      '/bai-viet/cau-ham-rong-thong-xe/': { status: 301, location: '/bai-viet/cau-ham-rong-moi-thong-xe/' },
    });

    // Back to the first slug: that address is the live page again, not a redirect to itself.
    await rename(documentId, first);
    await served({
      [`/bai-viet/${first}/`]: { status: 200 },
      '/bai-viet/cau-ham-rong-thong-xe/': { status: 301, location: `/bai-viet/${first}/` },
      '/bai-viet/cau-ham-rong-moi-thong-xe/': { status: 301, location: `/bai-viet/${first}/` },
    });
    expect(release(`bai-viet/${first}/index.html`)).toContain('Khánh thành cầu Hàm Rồng mới');

    // Taken down: its old addresses lead nowhere, and their fallback pages are gone.
    const down = await api(
      `${cms.url}/content-manager/collection-types/api::article.article/${documentId}/actions/unpublish`,
      {
        method: 'POST',
        token: jwt,
        body: {},
      }
    );
    expect(down.status, down.text).toBe(200);
    await served({
      [`/bai-viet/${first}/`]: { status: 404 },
      '/bai-viet/cau-ham-rong-thong-xe/': { status: 404 },
    });
    expect(fs.existsSync(path.join(dir, 'current', 'bai-viet', 'cau-ham-rong-thong-xe'))).toBe(false);
  }, 400_000);

  it("applies an editor's redirect, refuses a loop and what is not a path of the site, naming the problem", async () => {
    const create = (data: Record<string, unknown>) =>
      api(`${cms.url}/content-manager/collection-types/${REDIRECTS}`, { method: 'POST', token: jwt, body: data });
    const made = await create({ from: '/tin-tuc/thoi-su', to: '/chuyen-muc/thoi-su/', note: 'Địa chỉ của trang cũ.' });
    expect(made.status, made.text).toBe(201);
    expect(made.json.data.from).toBe('/tin-tuc/thoi-su/');
    await served({ '/tin-tuc/thoi-su/': { status: 301, location: '/chuyen-muc/thoi-su/' } });

    const loop = await create({ from: '/chuyen-muc/thoi-su/', to: '/tin-tuc/thoi-su/' });
    expect(loop.status).toBe(400);
    expect(loop.json.error.message).toMatch(
      /vòng lặp: \/chuyen-muc\/thoi-su\/ → \/tin-tuc\/thoi-su\/ → \/chuyen-muc\/thoi-su\//
    );
    const external = await create({ from: '/quang-cao/', to: 'https://evil.example/' });
    expect(external.status).toBe(400);
    expect(external.json.error.message).toMatch(/Chuyển đến \(to\): .*địa chỉ đầy đủ/);
    const badFrom = await create({ from: 'tin cu', to: '/' });
    expect(badFrom.status).toBe(400);
    expect(badFrom.json.error.message).toMatch(/Địa chỉ cũ \(from\)/);
    const neither = await create({ from: '/khong-di-dau/' });
    expect(neither.status).toBe(400);
    expect(neither.json.error.message).toMatch(/Chọn bài viết để chuyển tới, hoặc ghi địa chỉ mới/);

    // The public never lists them: it meets them as 301s.
    expect((await api(`${cms.url}/api/redirects`)).status).toBe(403);
  }, 200_000);
});

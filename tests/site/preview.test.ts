/**
 * Draft preview, as an editor uses it: the admin's Preview button asks the CMS for a signed link,
 * and the preview service renders the draft with the site's own page, among the live site's
 * content, under a banner. The link is the only credential (tampered or expired: 403), nothing of
 * a preview reaches a release, and the live site still has no trace of the draft.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as cheerio from 'cheerio';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { signPreviewPath } from '@newsroom/contracts/preview';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@newsroom/scripts/chromium';
import type { RunningPublisher } from '@newsroom/publisher/service';
import { api, type RunningCms } from '../helpers/cms';
import { logIntoAdmin } from '../helpers/admin';
import { startCmsWithPublisher } from '../helpers/publisher';
import { previewSettings, startPreview } from '../helpers/preview';

const ARTICLE = 'api::article.article';

describe('previewing a draft', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let dir: string;
  let preview: Awaited<ReturnType<typeof startPreview>>;
  let settings: Awaited<ReturnType<typeof previewSettings>>;
  let token: string;
  let jwt: string;
  let browser: Browser;
  let photo: { documentId: string; caption: string };
  let author: { documentId: string; name: string };
  let category: string;
  const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'newsroom-preview-'));

  beforeAll(async () => {
    settings = await previewSettings(tmp);
    ({ cms, service, dir } = await startCmsWithPublisher(
      {
        SERVE_ADMIN: 'true',
        SEED_DEMO_ARTICLES: '6',
        PREVIEW_URL: settings.url,
        PREVIEW_SECRET: settings.secret,
        PREVIEW_ENV_FILE: settings.tokenFile,
      },
      { debounceMs: 300, searchIndex: false },
      () => {}
    ));
    preview = await startPreview(settings, cms.url, dir);
    token = await cms.fullAccessToken();
    jwt = await cms.adminJwt();
    photo = (await api(`${cms.url}/api/photos`, { token })).json.data.find((p: { caption: string }) => p.caption);
    author = (await api(`${cms.url}/api/authors`, { token })).json.data[0];
    category = (await api(`${cms.url}/api/categories`, { token })).json.data[0].documentId;
    await vi.waitFor(() => expect(service.publisher.releases.live()).not.toBeNull(), {
      timeout: 300_000,
      interval: 250,
    });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await preview?.stop();
    await service?.close();
    await cms?.destroy();
    for (const d of [dir, tmp]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  async function draft(title: string, status: 'draft' | 'published' = 'draft') {
    const res = await api(`${cms.url}/api/articles?status=${status}`, {
      method: 'POST',
      token,
      body: {
        data: {
          title,
          lead: 'Sa-pô của bản nháp: chưa ai được đọc.',
          body: 'Đoạn thân bài đầu tiên của bản nháp.\n\nĐoạn thứ hai.',
          cover: photo.documentId,
          authors: [author.documentId],
          category,
        },
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data as { documentId: string; slug: string };
  }

  /** What the admin's Preview button asks for. */
  async function previewUrl(documentId: string, status = 'draft') {
    const res = await api(
      `${cms.url}/content-manager/preview/url/${ARTICLE}?documentId=${documentId}&status=${status}&locale=`,
      { token: jwt }
    );
    expect(res.status, res.text).toBe(200);
    return res.json.data.url as string;
  }

  const open = async (url: string) => {
    const res = await fetch(url);
    return { res, $: cheerio.load(await res.text()) };
  };

  it('the admin gets a signed link, good for 15 minutes; the page is the draft as readers will see it', async () => {
    const story = await draft('Bản nháp: Thiệu Hóa chuẩn bị lễ hội làng');
    const url = await previewUrl(story.documentId);
    expect(url.startsWith(`${settings.url}/xem-truoc/bai-viet/${story.documentId}/?`)).toBe(true);
    const expires = Number(new URL(url).searchParams.get('expires'));
    expect(expires - Date.now() / 1000).toBeGreaterThan(14 * 60);
    expect(expires - Date.now() / 1000).toBeLessThanOrEqual(15 * 60);

    const { res, $ } = await open(url);
    expect(res.status, $.text().slice(0, 300)).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-robots-tag')).toMatch(/noindex/);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${new URL(cms.url).origin}`);
    expect($('.preview-banner').text()).toContain('Bản xem trước — chưa xuất bản');
    expect($('h1.article-title').text()).toBe('Bản nháp: Thiệu Hóa chuẩn bị lễ hội làng');
    expect($('.lead').text()).toBe('Sa-pô của bản nháp: chưa ai được đọc.');
    expect($('.body').text()).toContain('Đoạn thân bài đầu tiên của bản nháp.');
    expect($('figure figcaption').first().text()).toContain(photo.caption);
    expect($('.byline').text()).toContain(author.name);
    // The site's own page: its stylesheet, menu and footer; the related box from the live site.
    expect($('header').length).toBe(1);
    expect($('footer.site-footer').text()).toContain('Báo Điện tử Thiệu Hóa');
    expect($('#related').text()).toBe('Tin liên quan');
    // Its photos load from the CMS's public address, which the page's policy allows.
    const img = $('figure img').first().attr('src')!;
    expect(img.startsWith(`${new URL(cms.url).origin}/uploads/`), img).toBe(true);
    expect(res.headers.get('content-security-policy')).toContain(`img-src 'self' data: ${new URL(cms.url).origin}`);
    expect((await fetch(img)).headers.get('content-type')).toMatch(/^image\//);
    // The preview fetches nothing for anyone: no image proxy to point at other addresses.
    const probe = await fetch(`${settings.url}/_image?href=${encodeURIComponent(`${cms.url}/_health`)}&w=10&f=webp`);
    expect(probe.status).toBeGreaterThanOrEqual(400);

    // Readers have no trace of it: no page, no API entry, nothing in any release.
    expect((await fetch(`${service.siteUrl}bai-viet/${story.slug}/`)).status).toBe(404);
    expect((await api(`${cms.url}/api/articles/${story.documentId}`)).status).toBe(404);
    const releases = path.join(dir, 'releases');
    const files = fs.readdirSync(releases, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    for (const f of files) {
      if (!/\.(html|xml|json|txt)$/.test(f.name)) continue;
      expect(fs.readFileSync(path.join(f.parentPath, f.name), 'utf8')).not.toContain('chuẩn bị lễ hội làng');
    }
  });

  it('refuses tampered and expired links with 403 and says why in Vietnamese', async () => {
    const story = await draft('Bản nháp cần bảo mật');
    const other = await draft('Một bản nháp khác');
    const url = new URL(await previewUrl(story.documentId));
    const signature = url.searchParams.get('signature')!;
    const flip = (s: string) => s.slice(0, -1) + (s.endsWith('0') ? '1' : '0');
    const tampered = [
      Object.assign(new URL(url), { search: url.search.replace(signature, flip(signature)) }),
      new URL(url.toString().replace(story.documentId, other.documentId)),
      new URL(url.toString().replace('status=draft', 'status=published')),
      new URL(url.toString().replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) + 60}`)),
      new URL(url.toString().replace(/&signature=[0-9a-f]+/, '')),
    ];
    for (const bad of tampered) {
      const { res, $ } = await open(bad.toString());
      expect(res.status, bad.toString()).toBe(403);
      expect($('p').text()).toMatch(/Liên kết xem trước không hợp lệ/);
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    // Signed with this install's secret, 16 minutes ago: expired.
    const old = signPreviewPath(
      { uid: ARTICLE, documentId: story.documentId, status: 'draft' },
      settings.secret,
      Date.now() - 16 * 60_000
    )!;
    const expired = await open(`${settings.url}${old}`);
    expect(expired.res.status).toBe(403);
    expect(expired.$('p').text()).toMatch(/đã hết hạn/);
    // Signed with another secret: refused the same way.
    const foreign = signPreviewPath({ uid: ARTICLE, documentId: story.documentId, status: 'draft' }, 'f'.repeat(64))!;
    expect((await fetch(`${settings.url}${foreign}`)).status).toBe(403);
  });

  it('a draft is shown among the live site as the latest publish left it, not as the first build did', async () => {
    const first = service.publisher.releases.live()!.id;
    const story = await draft('Tin vừa đăng: khánh thành trạm bơm Thiệu Ngọc', 'published');
    await vi.waitFor(async () => expect((await fetch(`${service.siteUrl}bai-viet/${story.slug}/`)).status).toBe(200), {
      timeout: 120_000,
      interval: 250,
    });
    // A publish's content is a journal entry, the change from an earlier release's snapshot (written once live).
    const live = service.publisher.releases.live()!.id;
    expect(live).not.toBe(first);
    await vi.waitFor(() => expect(service.publisher.releases.journalBase(live)).not.toBeNull(), {
      timeout: 10_000,
      interval: 100,
    });

    // The newest story of the draft's category is in its related box, as it will be once published.
    const url = await previewUrl((await draft('Bản nháp: trạm bơm vận hành mùa khô')).documentId);
    await vi.waitFor(
      async () => {
        const { res, $ } = await open(url);
        expect(res.status).toBe(200);
        expect($('#related').parent().find(`a[href$="/bai-viet/${story.slug}/"]`).length).toBeGreaterThan(0);
      },
      { timeout: 15_000, interval: 500 }
    );
  });

  it('previews an unpublished edit of a live story, while the site keeps the published version', async () => {
    const story = await draft('Tin đã đăng: cầu mới thông xe', 'published');
    await vi.waitFor(async () => expect((await fetch(`${service.siteUrl}bai-viet/${story.slug}/`)).status).toBe(200), {
      timeout: 120_000,
      interval: 500,
    });
    const edit = await api(`${cms.url}/content-manager/collection-types/${ARTICLE}/${story.documentId}`, {
      method: 'PUT',
      token: jwt,
      body: { title: 'Tin đã đăng: cầu mới thông xe sớm hai tháng' },
    });
    expect(edit.status, edit.text).toBe(200);
    const { $ } = await open(await previewUrl(story.documentId, 'draft'));
    expect($('h1.article-title').text()).toBe('Tin đã đăng: cầu mới thông xe sớm hai tháng');
    const live = await open(await previewUrl(story.documentId, 'published'));
    expect(live.$('h1.article-title').text()).toBe('Tin đã đăng: cầu mới thông xe');
    const site = cheerio.load(await (await fetch(`${service.siteUrl}bai-viet/${story.slug}/`)).text());
    expect(site('h1.article-title').text()).toBe('Tin đã đăng: cầu mới thông xe');
  });

  it('in Chromium: the editor opens Preview from the admin; a save reloads it, a message from elsewhere does not', async () => {
    const story = await draft('Bản nháp xem trong trang quản trị');
    const page = await browser.newPage({ locale: 'vi-VN' });
    try {
      await logIntoAdmin(page, cms.url);
      await page.goto(`${cms.url}/admin/content-manager/collection-types/${ARTICLE}/${story.documentId}`);
      await page.getByRole('link', { name: /^(preview|open preview|xem trước|mở bản xem trước)$/i }).click();
      await page.waitForURL(/\/preview/, { timeout: 30_000 });
      const frame = page.frameLocator('iframe');
      await expect(frame.locator('h1.article-title').textContent({ timeout: 30_000 })).resolves.toBe(
        'Bản nháp xem trong trang quản trị'
      );
      await expect(frame.locator('.preview-banner').textContent()).resolves.toContain('Bản xem trước — chưa xuất bản');
      await expect(frame.locator('figure figcaption').first().textContent()).resolves.toContain(photo.caption);
      await expect(frame.locator('.body').textContent()).resolves.toContain('Đoạn thân bài đầu tiên của bản nháp.');
      // Its photo is shown, not blocked: the page's policy allows the CMS's address.
      await vi.waitFor(
        async () =>
          expect(
            await frame
              .locator('figure img')
              .first()
              .evaluate((img: HTMLImageElement) => img.naturalWidth)
          ).toBeGreaterThan(0),
        { timeout: 15_000, interval: 250 }
      );

      // The editor saves a new title: the admin tells the frame, which reloads.
      const saved = await api(`${cms.url}/content-manager/collection-types/${ARTICLE}/${story.documentId}`, {
        method: 'PUT',
        token: jwt,
        body: { title: 'Bản nháp đã sửa tiêu đề' },
      });
      expect(saved.status).toBe(200);
      const previewOrigin = new URL(settings.url).origin;
      // A message from any other origin is ignored: the frame keeps its document.
      const inFrame = page.frames().find((f) => f.url().startsWith(previewOrigin))!;
      await inFrame.evaluate(() => {
        (window as unknown as { kept: boolean }).kept = true;
        window.dispatchEvent(
          new MessageEvent('message', { data: { type: 'strapiUpdate' }, origin: 'https://bao-khac.example' })
        );
      });
      // A reload, had it been asked for, would have replaced the document within this time.
      await page.waitForTimeout(1500);
      await expect(inFrame.evaluate(() => (window as unknown as { kept?: boolean }).kept)).resolves.toBe(true);
      await expect(frame.locator('h1.article-title').textContent()).resolves.toBe('Bản nháp xem trong trang quản trị');
      // Then as the admin does after a save.
      await page.evaluate((origin) => {
        document.querySelector('iframe')!.contentWindow!.postMessage({ type: 'strapiUpdate' }, origin);
      }, previewOrigin);
      await vi.waitFor(
        async () => expect(await frame.locator('h1.article-title').textContent()).toBe('Bản nháp đã sửa tiêu đề'),
        { timeout: 30_000, interval: 250 }
      );
    } finally {
      await page.close();
    }
  });

  it("in Chromium: an editor schedules in Vietnam time whatever the browser's time zone, and the list filters scheduled stories", async () => {
    const story = await draft('Bản nháp hẹn giờ từ trang quản trị');
    // An editor travelling in Europe: the browser's clock is Paris time, the newsroom's is Vietnam's.
    const context = await browser.newContext({ locale: 'vi-VN', timezoneId: 'Europe/Paris' });
    const page = await context.newPage();
    try {
      await logIntoAdmin(page, cms.url);
      await page.goto(`${cms.url}/admin/content-manager/collection-types/${ARTICLE}/${story.documentId}`);
      await page.getByText('Hẹn giờ xuất bản', { exact: true }).waitFor({ timeout: 30_000 });
      await page.locator('input[name="publishAt"]').fill('2030-01-02T10:00');
      await page.getByRole('button', { name: /^(save|lưu)$/i }).click();
      await vi.waitFor(
        async () => {
          const res = await api(`${cms.url}/content-manager/collection-types/${ARTICLE}/${story.documentId}`, {
            token: jwt,
          });
          expect(res.json.data.publishAt).toBe('2030-01-02T03:00:00.000Z');
        },
        { timeout: 30_000, interval: 500 }
      );
      // Shown again as it was entered, once the form has loaded the saved story.
      await page.reload();
      await vi.waitFor(
        async () => expect(await page.locator('input[name="publishAt"]').inputValue()).toBe('2030-01-02T10:00'),
        { timeout: 30_000, interval: 250 }
      );
    } finally {
      await context.close();
    }
    // What the list's filter "Hẹn giờ xuất bản is not empty" asks: the scheduled story, and only scheduled ones.
    const list = await api(
      `${cms.url}/content-manager/collection-types/${ARTICLE}?page=1&pageSize=100&filters[$and][0][publishAt][$notNull]=true`,
      { token: jwt }
    );
    expect(list.status, list.text).toBe(200);
    expect(list.json.results.map((r: { documentId: string }) => r.documentId)).toEqual([story.documentId]);
  });
});

/**
 * An editor's publish, end to end, as a person does it: log into the Strapi admin in Debian's
 * Chromium, write an article with a photo, publish it, see the edit view say it is live, and read
 * it on the site a few seconds later — served by the publisher, which Strapi's webhook told about
 * the publish.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningCms } from '../helpers/cms';
import { logIntoAdmin } from '../helpers/admin';
import { startCmsWithPublisher } from '../helpers/publisher';
import type { RunningPublisher } from '@newsroom/publisher/service';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@newsroom/scripts/chromium';

describe('an editor publishes from the admin', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let browser: Browser;
  let page: Page;
  let dir: string;
  /** Every build that made a release live: when, and its kind. */
  const liveBuilds: { at: number; kind: unknown }[] = [];

  beforeAll(async () => {
    ({ cms, service, dir } = await startCmsWithPublisher(
      { SERVE_ADMIN: 'true', SEED_DEMO_ARTICLES: '3' },
      { debounceMs: 500 },
      (msg, fields) => {
        if (msg === 'release live') liveBuilds.push({ at: Date.now(), kind: fields?.kind });
      }
    ));
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ locale: 'vi-VN' });
    // The first release must be live before the editor publishes.
    const deadline = Date.now() + 240_000;
    while (!service.publisher.releases.live() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    expect(service.publisher.releases.live(), JSON.stringify(service.publisher.status().lastBuild)).not.toBeNull();
  }, 400_000);

  afterAll(async () => {
    await browser?.close();
    await service?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Picks the first entry offered by a relation field of the edit form. The list always ends with
   * the option "Tạo quan hệ" (create a new entry in a dialog); until the entries have loaded it is
   * the only option, so the first option is awaited among the others.
   */
  async function pickRelation(field: string) {
    const combobox = page.getByRole('combobox', { name: new RegExp(`^${field}`, 'i') });
    await combobox.click();
    const option = page
      .getByRole('option')
      .filter({ hasNotText: /^(Tạo quan hệ|Create a relation)$/ })
      .first();
    await option.waitFor();
    const label = (await option.textContent())?.trim();
    await option.click();
    return label;
  }

  it('logs in, writes an article with a photo, publishes it, and reads it on the site seconds later', async () => {
    await logIntoAdmin(page, cms.url);

    await page.goto(`${cms.url}/admin/content-manager/collection-types/api::article.article/create`);
    const title = `Thiệu Hóa khánh thành nhà văn hóa thôn ${randomBytes(2).toString('hex')}`;
    await page.locator('input[name="title"]').fill(title);
    await page.locator('[name="lead"]').fill('Sáng nay, nhà văn hóa mới đã được đưa vào sử dụng.');
    await page.locator('.CodeMirror').first().click();
    // Vietnamese arrives through an input method, as text rather than key presses.
    await page.keyboard.insertText('Người dân trong thôn phấn khởi đón nhận công trình mới.');
    const author = await pickRelation('(authors|Tác giả)');
    const photo = await pickRelation('(cover|Ảnh đại diện)');
    expect(author).toBeTruthy();
    expect(photo).toBeTruthy();

    // Saved first, as a draft: the panel says it is not on the site.
    await page.getByRole('button', { name: /^(save|lưu)$/i }).click();
    await page.waitForURL((u) => /api::article\.article\/(?!create)[a-z0-9]+/.test(u.pathname), { timeout: 30_000 });
    const documentId = /api::article\.article\/([a-z0-9]+)/.exec(page.url())![1];
    const panel = page.getByTestId('newsroom-publishing');
    await panel.getByText('Chưa xuất bản').waitFor({ timeout: 30_000 });

    // Published just after the panel has looked (the page opened again): its next look is 10 s or more away.
    const looked = page.waitForResponse((r) => r.url().includes('/newsroom/publishing/'), { timeout: 60_000 });
    await page.reload();
    await looked;
    await panel.getByText('Chưa xuất bản').waitFor({ timeout: 30_000 });
    const publishedAt = Date.now();
    const saved = page.waitForResponse((r) => /\/actions\/publish\b/.test(r.url()), { timeout: 60_000 });
    await page.getByRole('button', { name: /^(publish|xuất bản)$/i }).click();
    expect((await saved).status()).toBe(200);
    // It asks again as soon as the publish is saved.
    await panel.getByText(/^(Đang chờ lên trang|Đã lên trang)$/).waitFor({ timeout: 6_000 });

    // The site's own read-only view of it, once the publisher has it live.
    const res = await fetch(`${cms.url}/api/articles/${documentId}`);
    const { data } = (await res.json()) as { data: { slug: string; body: string | null } };
    expect(data.body).toContain('Người dân trong thôn phấn khởi');
    const url = `${service.siteUrl}bai-viet/${data.slug}/`;
    let status = 0;
    while (Date.now() - publishedAt < 60_000) {
      status = (await fetch(url)).status;
      if (status === 200) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toBe(200);

    // The edit view says so too: its panel "Trên trang báo" asks the publisher, through the CMS.
    await panel.getByText('Đã lên trang').waitFor({ timeout: 30_000 });
    await expect(panel.getByRole('link', { name: /Xem bài trên trang/ }).getAttribute('href')).resolves.toBe(url);

    await page.goto(url);
    await expect(page.locator('h1').textContent()).resolves.toContain(title);
    await expect(page.locator('figure img').first().getAttribute('src')).resolves.toMatch(/^\/_astro\//);
    await expect(page.getByText(`Tác giả: ${author}`).count()).resolves.toBeGreaterThan(0);
    await expect(page.getByText('Người dân trong thôn phấn khởi').count()).resolves.toBe(1);
    // It went live by a scoped build, never a full one (later events may find nothing to build).
    const since = liveBuilds.filter((b) => b.at >= publishedAt).map((b) => b.kind);
    expect(since, JSON.stringify(liveBuilds)).toContain('scoped');
    expect(since).not.toContain('full');
  }, 180_000);
});

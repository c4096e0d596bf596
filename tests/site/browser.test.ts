/**
 * The built site as readers get it: in Debian's Chromium (playwright-core), checked by axe-core
 * for accessibility, searched with Pagefind, weighed, and validated by the W3C Nu HTML checker.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { load } from 'cheerio';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, freePort, ROOT, type RunningCms } from '../helpers/cms';
import { buildFromCms, SEED_SLUG } from './fixture';
import { startNginx } from '../helpers/nginx';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@newsroom/scripts/chromium';

const require = createRequire(import.meta.url);
const SAMPLE = {
  home: '/',
  article: `/bai-viet/${SEED_SLUG}/`,
  category: '/chuyen-muc/an-ninh-trat-tu/',
  author: '/tac-gia/mai-ha/',
  tag: '/the/thieu-hoa/',
  search: '/tim-kiem/',
  notFound: '/khong-co-trang-nay/',
};

function launchChromium() {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

describe('the built site in a browser', () => {
  let cms: RunningCms;
  let outDir: string;
  let site: { url: string; close: () => Promise<unknown> };
  let browser: Browser;

  beforeAll(async () => {
    // The site's origin is known before the CMS starts: the CMS allows it (CORS) and returns to it.
    const port = await freePort();
    ({ cms, outDir } = await buildFromCms({ articles: 30, siteUrl: `http://127.0.0.1:${port}` }));
    // Served as in production: Debian's nginx with scripts/deploy/nginx.conf, security headers
    // and Content-Security-Policy included, so every page below is also checked against them.
    site = await startNginx({ root: outDir, port, cms: [cms.url] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await cms?.destroy();
  });

  it.each(Object.entries(SAMPLE))('axe-core finds no serious or critical violation on the %s page', async (_, url) => {
    // axe-core is injected by the test: the site's CSP (no inline script) would refuse it.
    const context = await browser.newContext({ bypassCSP: true });
    const page = await context.newPage();
    await page.goto(site.url + url, { waitUntil: 'networkidle' });
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    const result = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              o: object
            ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
          };
        }
      ).axe;
      return axe.run({ resultTypes: ['violations'] });
    });
    const bad = result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map(
        (v) =>
          `${v.id} (${v.impact}): ${v.nodes
            .map((n) => n.target.join(' '))
            .slice(0, 3)
            .join(', ')}`
      );
    expect(bad).toEqual([]);
    await context.close();
  });

  it('answers an unknown URL with the Vietnamese 404 page', async () => {
    const res = await fetch(site.url + SAMPLE.notFound);
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Không tìm thấy trang');
  });

  it('search finds "Thiệu Hóa" when the reader types "thieu hoa", in Vietnamese', async () => {
    // The articles are indexed in shards of 10 (SEARCH_SHARD_PAGES): the results below are merged.
    const shards: string[] = JSON.parse(fs.readFileSync(path.join(outDir, 'pagefind', 'shards.json'), 'utf8'));
    expect(shards.length).toBeGreaterThan(1);
    for (const bundle of shards) {
      expect(bundle).toMatch(/^\/pagefind\/phan-\d+\/$/);
      expect(fs.existsSync(path.join(outDir, bundle, 'pagefind-entry.json'))).toBe(true);
    }
    const page = await browser.newPage();
    await page.goto(`${site.url}/tim-kiem/?q=thieu%20hoa`);
    const results = page.locator('.pagefind-ui__result-link');
    await results.first().waitFor({ timeout: 15_000 });
    const hrefs = await results.evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs.length).toBeGreaterThan(0);
    expect(hrefs.every((h) => h?.startsWith('/bai-viet/'))).toBe(true);
    await expect.poll(() => page.locator('.pagefind-ui__message').textContent()).toMatch(/kết quả cho thieu hoa/);
    // The seed article is about Thiệu Hóa; its title is what the reader sees in the results.
    await page.fill('.pagefind-ui__search-input', 'dan can dan lam dan huong thu');
    await expect
      .poll(() => results.first().textContent(), { timeout: 10_000 })
      .toMatch(/Dân cần, dân làm, dân hưởng thụ/);
    await page.close();
  });

  it('nginx sends the security headers on every response: pages, assets, search, 404, health', async () => {
    const $ = load(fs.readFileSync(path.join(outDir, SAMPLE.article, 'index.html'), 'utf8'));
    const asset = $('script[src^="/_astro/"]').first().attr('src')!;
    for (const url of [...Object.values(SAMPLE), asset, '/pagefind/pagefind.js', '/rss.xml', '/healthz']) {
      const res = await fetch(site.url + url);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(res.status, url).toBeLessThan(500);
      expect(res.headers.get('x-content-type-options'), url).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), url).toBe('strict-origin-when-cross-origin');
      expect(res.headers.get('x-frame-options'), url).toBe('DENY');
      expect(csp, url).toContain("frame-ancestors 'none'");
      expect(csp, url).toMatch(/script-src 'self' 'wasm-unsafe-eval';/);
      expect(res.headers.get('strict-transport-security'), url).toBeNull(); // plain HTTP here
      expect(res.headers.get('cache-control'), url).toBe(
        url.startsWith('/_astro/') ? 'public, max-age=31536000, immutable' : 'public, max-age=60'
      );
    }
    const overTls = await fetch(site.url + '/', { headers: { 'X-Forwarded-Proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
  });

  it('the Content-Security-Policy fits the site: nothing is blocked on any page, voting and searching included', async () => {
    const context = await browser.newContext();
    await context.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    const violations: string[] = [];
    const page = await context.newPage();
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && violations.push(m.text()));
    const collect = async (where: string) =>
      violations.push(
        ...(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).map(
          (v) => `${where}: ${v}`
        )
      );
    for (const url of Object.values(SAMPLE)) {
      await page.goto(site.url + url, { waitUntil: 'networkidle' });
      await collect(url);
    }
    await page.goto(`${site.url}${SAMPLE.search}?q=${encodeURIComponent('thieu hoa')}`, { waitUntil: 'networkidle' });
    await expect.poll(() => page.locator('.pagefind-ui__result').count()).toBeGreaterThan(0);
    await collect('search');
    await context.close();
    expect(violations).toEqual([]);
  });

  it('ships an article page under 30 KB gzip with under 3 KB of JavaScript (without images)', () => {
    const html = fs.readFileSync(path.join(outDir, SAMPLE.article, 'index.html'), 'utf8');
    const $ = load(html);
    const file = (href: string) => fs.readFileSync(path.join(outDir, href), 'utf8');
    const gz = (text: string) => gzipSync(text).length;
    const sum = (texts: string[]) => texts.reduce((n, text) => n + gz(text), 0);
    const externalJs = $('script[src]')
      .map((_, el) => file($(el).attr('src')!))
      .get();
    const inlineJs = $('script:not([src]):not([type="application/ld+json"])')
      .map((_, el) => $(el).text())
      .get();
    const externalCss = $('link[rel=stylesheet]')
      .map((_, el) => file($(el).attr('href')!))
      .get();
    const jsGzip = sum(externalJs) + sum(inlineJs);
    const totalGzip = gz(html) + sum(externalJs) + sum(externalCss);
    expect(totalGzip).toBeLessThanOrEqual(30 * 1024);
    expect(jsGzip).toBeLessThanOrEqual(3 * 1024);
  });

  it('the W3C Nu HTML checker reports no errors on the sample pages', () => {
    const files = Object.values(SAMPLE).map((url) =>
      url === SAMPLE.notFound ? path.join(outDir, '404.html') : path.join(outDir, url, 'index.html')
    );
    const vnu = spawnSync(
      'java',
      [
        '-jar',
        path.join(ROOT, 'node_modules/vnu-jar/build/dist/vnu.jar'),
        '--format',
        'json',
        '--errors-only',
        ...files,
      ],
      {
        encoding: 'utf8',
      }
    );
    expect(vnu.error, 'java is needed for the Nu HTML checker').toBeUndefined();
    const messages = (
      JSON.parse(vnu.stderr || '{"messages":[]}') as { messages: { type: string; message: string; url: string }[] }
    ).messages;
    expect(
      messages
        .filter((m) => m.type === 'error')
        .map((m) => `${path.relative(outDir, new URL(m.url).pathname)}: ${m.message}`)
    ).toEqual([]);
  });

  describe('the poll box', () => {
    let articlePath: string;
    let pollId: string;
    beforeAll(async () => {
      const { data } = (await api(`${cms.url}/api/articles?filters[poll][closesAt][$gt]=${new Date().toISOString()}`))
        .json;
      articlePath = `/bai-viet/${data[0].slug}/`;
      pollId = data[0].poll.documentId;
    });
    const total = async () => (await api(`${cms.url}/api/polls/${pollId}/results`)).json.data.total as number;

    it('a reader votes, sees the result bars, and still sees them after a reload', async () => {
      const before = await total();
      const context = await browser.newContext({ userAgent: 'reader-with-js' });
      const page = await context.newPage();
      await page.goto(site.url + articlePath);
      const box = page.locator('.poll');
      await box.getByRole('radio').nth(1).check();
      await box.getByRole('button', { name: 'Bình chọn' }).click();
      await expect.poll(() => box.locator('.poll-status').textContent()).toBe('Cảm ơn bạn đã bình chọn.');
      expect(await box.locator('.poll-results li').count()).toBe(4);
      expect(await box.locator('.poll-results').textContent()).toMatch(/100%[\s\S]*Tổng số: \d+ lượt bình chọn/);
      expect(await box.locator('form').isHidden()).toBe(true);
      expect(await total()).toBe(before + 1);

      await page.reload();
      await expect
        .poll(() => box.locator('.poll-status').textContent())
        .toBe('Bạn đã bình chọn trong cuộc thăm dò này.');
      expect(await box.locator('.poll-results li').count()).toBe(4);
      await context.close();
    });

    it('works without JavaScript: the form posts to the CMS, which sends the reader back to the article', async () => {
      const before = await total();
      // Another reader: another address, as nginx (a trusted proxy) would pass it on.
      const context = await browser.newContext({
        javaScriptEnabled: false,
        extraHTTPHeaders: { 'X-Forwarded-For': '198.51.100.44' },
      });
      const page = await context.newPage();
      await page.goto(site.url + articlePath);
      await page.locator('.poll').getByRole('radio').first().check();
      await page.locator('.poll').getByRole('button', { name: 'Bình chọn' }).click();
      await page.waitForURL(`${site.url}${articlePath}#binh-chon-da-ghi-nhan`);
      expect(await page.locator('#binh-chon-da-ghi-nhan').isVisible()).toBe(true);
      expect(await total()).toBe(before + 1);
      // Voting again from the same browser: back on the page, told so, nothing counted.
      await page.goto(site.url + articlePath);
      await page.locator('.poll').getByRole('radio').first().check();
      await page.locator('.poll').getByRole('button', { name: 'Bình chọn' }).click();
      await page.waitForURL(/#binh-chon-da-binh-chon$/);
      expect(await page.locator('#binh-chon-da-binh-chon').isVisible()).toBe(true);
      expect(await total()).toBe(before + 1);
      await context.close();
    });

    it('the poll island stays under 3 KB of JavaScript, gzip', () => {
      const $ = load(fs.readFileSync(path.join(outDir, articlePath, 'index.html'), 'utf8'));
      const js = $('script:not([type="application/ld+json"])')
        .map((_, el) =>
          $(el).attr('src') ? fs.readFileSync(path.join(outDir, $(el).attr('src')!), 'utf8') : $(el).text()
        )
        .get()
        .join('');
      expect(js).toContain('poll');
      expect(gzipSync(js).length).toBeLessThanOrEqual(3 * 1024);
    });

    it('shows a quiet message, and leaves the page alone, when the CMS is unreachable', async () => {
      const context = await browser.newContext({ userAgent: 'reader-offline' });
      await context.route('**/api/polls/**', (route) => route.abort());
      const page = await context.newPage();
      await page.goto(site.url + articlePath);
      await page.locator('.poll').getByRole('radio').first().check();
      await page.locator('.poll').getByRole('button', { name: 'Bình chọn' }).click();
      await expect
        .poll(() => page.locator('.poll-status').textContent())
        .toBe('Tạm thời chưa kết nối được hệ thống bình chọn.');
      expect(await page.locator('h1').textContent()).toBeTruthy();
      await context.close();
    });
  });
});

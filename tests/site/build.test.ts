/**
 * The reader's site, built for real from a seeded CMS (booted for real) with the token the CMS
 * wrote, and read back with cheerio: what a reader and a crawler get.
 */
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { load, type CheerioAPI } from 'cheerio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, SEED_FIXTURE as fixture, type RunningCms } from '../helpers/cms';
import { buildFromCms, buildSite, SEED_SLUG } from './fixture';
import { XSS_PAYLOADS } from './xss-payloads';

const DRAFT_TITLE = 'Bản nháp tuyệt mật chưa duyệt';
const DRAFT_BODY = 'Nội dung nháp không bao giờ được lên trang';

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? walk(p) : [p];
  });
}

describe('the site built from the CMS', () => {
  let cms: RunningCms;
  let outDir: string;
  let siteEnv: Record<string, string>;
  let xssSlug: string;
  const page = (p: string): CheerioAPI =>
    load(fs.readFileSync(path.join(outDir, p, p.endsWith('.html') ? '' : 'index.html'), 'utf8'));
  async function addDraftAndXss(running: RunningCms) {
    const token = await running.fullAccessToken();
    const authors = (await api(`${running.url}/api/authors`)).json.data;
    const photos = (await api(`${running.url}/api/photos`)).json.data;
    const draft = await api(`${running.url}/api/articles?status=draft`, {
      method: 'POST',
      token,
      body: { data: { title: DRAFT_TITLE, lead: DRAFT_BODY, body: DRAFT_BODY, authors: [authors[0].documentId] } },
    });
    expect(draft.status, draft.text).toBe(201);
    // Every text field an editor writes carries XSS payloads.
    const xssPhoto = await api(`${running.url}/api/photos`, {
      method: 'POST',
      token,
      body: {
        data: {
          image: photos[0].image.id,
          alt: XSS_PAYLOADS[1],
          caption: XSS_PAYLOADS.slice(0, 6).join(' '),
          credit: XSS_PAYLOADS[0],
        },
      },
    });
    expect(xssPhoto.status, xssPhoto.text).toBe(201);
    const xss = await api(`${running.url}/api/articles?status=published`, {
      method: 'POST',
      token,
      body: {
        data: {
          title: `Bài thử XSS ${XSS_PAYLOADS[0]}`,
          lead: XSS_PAYLOADS.join(' '),
          body: [...XSS_PAYLOADS, '![x](photo:1)'].join('\n\n'),
          authors: [authors[0].documentId],
          photos: [xssPhoto.json.data.documentId],
          seo: { metaTitle: XSS_PAYLOADS[0].slice(0, 60), metaDescription: XSS_PAYLOADS[1] },
        },
      },
    });
    expect(xss.status, xss.text).toBe(201);
    xssSlug = xss.json.data.slug;
  }
  const cmsTotal = async (query: string) =>
    (await api(`${cms.url}/api/articles?pagination[pageSize]=1&${query}`)).json.meta.pagination.total as number;

  beforeAll(async () => {
    ({ cms, outDir, siteEnv } = await buildFromCms({ articles: 130, prepare: addDraftAndXss }));
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  describe('the seed article page', () => {
    let $: CheerioAPI;
    beforeAll(() => {
      $ = page(`bai-viet/${SEED_SLUG}`);
    });

    it('has its title, lead in bold, and every paragraph of the body', () => {
      expect($('html').attr('lang')).toBe('vi');
      expect($('h1').text()).toBe(fixture.title);
      expect($('.lead').text()).toBe(fixture.lead);
      expect($('style').text()).toMatch(/\.lead\{[^}]*font-weight:700/);
      const body = $('.body').text();
      for (const block of fixture.body)
        if (typeof block === 'string') expect(body).toContain(block.trim().slice(0, 80));
    });

    it('shows its four photos as figures with their captions and credits, in order', () => {
      const captions = $('figure figcaption')
        .map((_, el) => $(el).text())
        .get();
      expect(captions).toHaveLength(4);
      fixture.photos.forEach((p, i) => {
        expect(captions[i]).toContain(p.caption);
        expect(captions[i]).toContain('Ảnh: Mai Hà');
      });
    });

    it('prints the date as Vietnamese news sites do, in Vietnam time', () => {
      expect($('.meta time').text()).toBe('Thứ ba, 16/08/2022 09:30');
    });

    it('has the byline "Tác giả: Mai Hà" linking to the author page, and the category breadcrumb', () => {
      expect($('.byline').text().replace(/\s+/g, ' ').trim()).toBe('Tác giả: Mai Hà');
      expect($('.byline a').attr('href')).toBe('/tac-gia/mai-ha/');
      expect($('.breadcrumb a').last().text()).toBe('An ninh trật tự');
      expect(fs.existsSync(path.join(outDir, 'tac-gia/mai-ha/index.html'))).toBe(true);
    });

    it('has the poll box "Thăm dò ý kiến" saying "Không có dữ liệu" (no poll attached)', () => {
      const poll = $('.poll');
      expect(poll.find('h2').text()).toBe('Thăm dò ý kiến');
      expect(poll.text()).toContain('Không có dữ liệu');
    });

    it('has tags, related articles and share links', () => {
      expect(
        $('.tags a')
          .map((_, el) => $(el).attr('href'))
          .get()
      ).toContain('/the/thieu-hoa/');
      expect($('#related').length).toBe(1);
      expect($('.share a[href^="https://www.facebook.com/sharer"]').length).toBe(1);
      expect($('.share a[href*="zalo"]').length).toBe(1);
    });

    it('announces itself to crawlers and social networks', () => {
      expect($('link[rel=canonical]').attr('href')).toBe(`https://tin.example.vn/bai-viet/${SEED_SLUG}/`);
      expect($('meta[property="og:type"]').attr('content')).toBe('article');
      // On the site's public origin (its web server passes /uploads/ to the CMS), never the CMS's own.
      expect($('meta[property="og:image"]').attr('content')).toMatch(/^https:\/\/tin\.example\.vn\/uploads\/.+\.jpg$/);
      const ld = $('script[type="application/ld+json"]')
        .map((_, el) => JSON.parse($(el).text()))
        .get();
      const news = ld.find((d) => d['@type'] === 'NewsArticle');
      expect(news).toMatchObject({ headline: fixture.title, datePublished: '2022-08-16T02:30:00.000Z' });
      expect(news.author[0].name).toBe('Mai Hà');
      expect(news.image).toHaveLength(4);
      expect(ld.find((d) => d['@type'] === 'BreadcrumbList').itemListElement).toHaveLength(3);
    });

    it('serves responsive images with their size set, the lead image eager and the rest lazy', () => {
      const imgs = $('figure img');
      imgs.each((_, el) => {
        expect($(el).attr('width')).toMatch(/^\d+$/);
        expect($(el).attr('height')).toMatch(/^\d+$/);
        expect($(el).attr('alt')).toBeTruthy();
      });
      expect(imgs.first().attr('loading')).toBe('eager');
      expect(imgs.first().attr('fetchpriority')).toBe('high');
      imgs.slice(1).each((_, el) => expect($(el).attr('loading')).toBe('lazy'));
      expect($('figure source[type="image/webp"]').first().attr('srcset')).toMatch(/480w.*800w.*1200w/);
    });
  });

  it('has one page per published article, and no draft anywhere', async () => {
    const pages = fs.readdirSync(path.join(outDir, 'bai-viet'));
    expect(pages).toHaveLength(await cmsTotal(''));
    for (const file of walk(outDir).filter((f) => /\.(html|xml|txt|json)$/.test(f))) {
      const text = fs.readFileSync(file, 'utf8');
      expect(text, file).not.toContain(DRAFT_TITLE);
      expect(text, file).not.toContain(DRAFT_BODY);
    }
  });

  it('never names the address the build read the CMS at: readers reach the poll and uploads on the site', () => {
    // The build's CMS_URL may be one only the build can reach (http://cms:1337 in docker-compose.yml).
    const cmsHost = new URL(cms.url).host;
    const files = walk(outDir).filter((f) => !/\.(webp|jpe?g|png|avif|woff2?|wasm)$/.test(f));
    expect(files.length).toBeGreaterThan(100);
    // The search index's files are gzip: read what they hold.
    const text = (f: string) => {
      const bytes = fs.readFileSync(f);
      return (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('latin1');
    };
    const naming = files.filter((f) => text(f).includes(cmsHost));
    expect(naming.map((f) => path.relative(outDir, f))).toEqual([]);
    const form = page('')('.poll form');
    expect(form.attr('action')).toMatch(/^\/api\/polls\/\w+\/votes$/);
    expect(page('')('.poll').attr('data-endpoint')).toMatch(/^\/api\/polls\/\w+$/);
  });

  it('paginates category, author and tag pages by 20 from the oldest story: every article on one numbered page, the newest on the front page', async () => {
    const { data: categories } = (await api(`${cms.url}/api/categories`)).json;
    const cards = (p: string) => {
      const $ = load(fs.readFileSync(path.join(p, 'index.html'), 'utf8'));
      return $('.card')
        .map((_, el) => $(el).find('a[href^="/bai-viet/"]').first().attr('href'))
        .get();
    };
    for (const c of categories) {
      const total = await cmsTotal(`filters[category][slug][$eq]=${c.slug}`);
      const dir = path.join(outDir, 'chuyen-muc', c.slug);
      const numbered = Math.ceil(total / 20);
      const listed = Array.from({ length: numbered }, (_, i) => cards(path.join(dir, String(i + 1)))).flat();
      expect(listed.length, c.slug).toBe(total);
      expect(new Set(listed).size, c.slug).toBe(total);
      expect(cards(dir).length, c.slug).toBe(Math.min(20, total));
      expect(fs.existsSync(path.join(dir, String(numbered + 1))), c.slug).toBe(false);
    }
    const maiHa = await cmsTotal('filters[authors][slug][$eq]=mai-ha');
    expect(maiHa).toBeGreaterThan(20);
    const newest = Math.ceil(maiHa / 20);
    // The front page leads to older stories; page 1 holds the oldest and leads to newer ones.
    expect(page('tac-gia/mai-ha')('.pagination a[rel="next"]').attr('href')).toMatch(/^\/tac-gia\/mai-ha\/\d+\/$/);
    const $1 = page('tac-gia/mai-ha/1');
    expect($1('.pagination [aria-current="page"]').text()).toBe('Trang 1');
    expect($1('.pagination a[rel="prev"]').attr('href')).toBe(newest > 1 ? '/tac-gia/mai-ha/2/' : '/tac-gia/mai-ha/');
    expect($1('.pagination a[rel="next"]').length).toBe(0);
    expect($1('title').text()).toMatch(/^Bài viết của Mai Hà – Trang 1/);
    const $newest = page(`tac-gia/mai-ha/${newest}`);
    expect($newest('.pagination a[rel="prev"]').attr('href')).toBe('/tac-gia/mai-ha/');
  });

  it('leads the home page with the newest featured article, and shows the open poll as an accessible form', async () => {
    const $ = page('');
    const featured = await api(`${cms.url}/api/articles?filters[featured][$eq]=true&sort=publicationDate:desc`);
    expect($('.card-lead h2').text()).toBe(featured.json.data[0].title);
    const form = $('.poll form');
    expect(form.find('fieldset legend').text()).toMatch(/mô hình nào hiệu quả nhất/);
    expect(form.find('input[type=radio][name=option]')).toHaveLength(4);
    expect(form.find('button[type=submit]').text()).toBe('Bình chọn');
  });

  it('publishes RSS feeds, sitemaps, a Google News sitemap and robots.txt', async () => {
    const rss = load(fs.readFileSync(path.join(outDir, 'rss.xml'), 'utf8'), { xml: true });
    expect(rss('item')).toHaveLength(Math.min(50, await cmsTotal('')));
    expect(rss('channel > language').text()).toBe('vi');
    const cat = load(fs.readFileSync(path.join(outDir, 'chuyen-muc/an-ninh-trat-tu/rss.xml'), 'utf8'), { xml: true });
    expect(
      cat('item title')
        .map((_, el) => cat(el).text())
        .get()
    ).toContain(fixture.title);

    const sitemap = walk(outDir)
      .filter((f) => /sitemap-\d+\.xml$/.test(f))
      .map((f) => fs.readFileSync(f, 'utf8'))
      .join('');
    expect(sitemap).toContain(`https://tin.example.vn/bai-viet/${SEED_SLUG}/`);
    expect(sitemap).not.toContain('/tim-kiem/');
    const news = fs.readFileSync(path.join(outDir, 'news-sitemap.xml'), 'utf8');
    expect(news).toContain('<news:language>vi</news:language>');
    expect(news).not.toContain(SEED_SLUG); // published in 2022: not news any more
    expect(news.match(/<url>/g)?.length).toBeGreaterThan(0);
    expect(fs.readFileSync(path.join(outDir, 'robots.txt'), 'utf8')).toContain(
      'Sitemap: https://tin.example.vn/sitemap-index.xml'
    );
  });

  it('lets no XSS payload through any text field', () => {
    const html = fs.readFileSync(path.join(outDir, 'bai-viet', xssSlug, 'index.html'), 'utf8');
    const $ = load(html);
    const scripts = $('script')
      .map((_, el) => $(el).attr('type') ?? 'classic')
      .get();
    expect(scripts.filter((t) => t !== 'application/ld+json')).toHaveLength(1); // the copy-link script
    $('*').each((_, el) => {
      for (const [name, value] of Object.entries((el as { attribs?: Record<string, string> }).attribs ?? {})) {
        expect(name, `<${(el as { name: string }).name} ${name}>`).not.toMatch(/^on/i);
        if (/^(href|src|srcset|action|formaction)$/.test(name))
          expect(value).not.toMatch(/^\s*(javascript|data|vbscript):/i);
      }
    });
    expect($('iframe, object, embed, svg, math')).toHaveLength(0);
    expect(
      $('form')
        .map((_, el) => $(el).attr('action') ?? '(none)')
        .get()
    ).toEqual(['/tim-kiem/']); // the header's search
    expect(
      $('script').filter((_, el) => /alert/.test($(el).text()) && $(el).attr('type') !== 'application/ld+json')
    ).toHaveLength(0);
    expect(html).not.toMatch(/>\s*<script>alert/i); // never as markup between tags
    // The payloads are shown as text where they are text: escaped, not dropped.
    expect($('h1').text()).toContain('<script>alert(1)</script>');
  });

  it('fails the build, naming the CMS and the cause, when the token is wrong', () => {
    const build = buildSite({ ...siteEnv, SITE_API_TOKEN: 'not-a-token', SITE_OUT_DIR: path.join(cms.dir, 'bad') });
    expect(build.status).not.toBe(0);
    expect(build.stdout + build.stderr).toMatch(/refused the API token \(401\).*SITE_API_TOKEN/);
    expect(fs.existsSync(path.join(cms.dir, 'bad', 'index.html'))).toBe(false);
  });

  it('fails the build, naming the URL, when the CMS is down', () => {
    const build = buildSite({ ...siteEnv, CMS_URL: 'http://127.0.0.1:9', SITE_OUT_DIR: path.join(cms.dir, 'down') });
    expect(build.status).not.toBe(0);
    expect(build.stdout + build.stderr).toMatch(/CMS at http:\/\/127\.0\.0\.1:9 is unreachable/);
  });
});

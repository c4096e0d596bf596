/**
 * The CMS's public contract, checked over HTTP against real Strapi processes on SQLite and on
 * PostgreSQL: what the public may read, what it may never see, and how writes are shaped.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'dotenv';
import { api, SEED_FIXTURE as fixture, DATABASES, startCms, type RunningCms, uploadFile } from '../helpers/cms';

const TYPES = ['articles', 'authors', 'categories', 'tags', 'photos', 'polls'];

describe.each(DATABASES)('CMS on %s', (database) => {
  let cms: RunningCms;
  let token: string;
  const q = (path: string) => `${cms.url}/api/${path}`;

  beforeAll(async () => {
    cms = await startCms(database);
    token = await cms.fullAccessToken();
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  async function createArticle(data: Record<string, unknown>, status: 'draft' | 'published' = 'draft') {
    const authors = (await api(q('authors'))).json.data;
    const res = await api(q(`articles?status=${status}`), {
      method: 'POST',
      token,
      body: { data: { lead: 'Tin vắn.', authors: [authors[0].documentId], ...data } },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data as { documentId: string; slug: string; title: string };
  }

  describe('what the public may read', () => {
    it('an article comes with everything its page renders, in one request', async () => {
      const res = await api(
        q(
          `articles?filters[slug][$eq]=${encodeURIComponent(
            'tiep-tuc-sang-tao-nhieu-mo-hinh-moi-voi-phuong-cham-dan-can-dan-lam-dan-huong-thu'
          )}`
        )
      );
      expect(res.status).toBe(200);
      const [article] = res.json.data;
      expect(article.title).toBe(fixture.title);
      expect(article.lead).toBe(fixture.lead);
      expect(article.category).toMatchObject({ name: 'An ninh trật tự', slug: 'an-ninh-trat-tu' });
      expect(article.authors.map((a: { name: string }) => a.name)).toEqual(['Mai Hà']);
      expect(article.authors[0]).toMatchObject({ slug: 'mai-ha', role: 'Phóng viên' });
      expect(article.tags.map((t: { slug: string }) => t.slug)).toContain('thieu-hoa');
      // Exactly what a page renders: the original and its size (the site makes its own formats).
      expect(article.cover.image).toEqual({
        id: expect.any(Number),
        documentId: expect.any(String),
        url: expect.stringMatching(/^\/uploads\/.+\.jpg$/),
        width: 1600,
        height: 1067,
        alternativeText: expect.any(String),
      });
      expect(article.poll).toBeNull();
      expect(new Date(article.publicationDate).toISOString()).toBe('2022-08-16T02:30:00.000Z');
    });

    it('the seed article round-trips with its four captions where they stand in the text', async () => {
      const res = await api(q('articles?filters[title][$eq]=' + encodeURIComponent(fixture.title)));
      const [article] = res.json.data;
      expect(article.photos.map((p: { caption: string }) => p.caption)).toEqual(fixture.photos.map((p) => p.caption));
      for (const photo of article.photos) {
        expect(photo.credit).toBe('Ảnh: Mai Hà');
        expect(photo.alt.length).toBeGreaterThan(10);
        expect(photo.image.url).toMatch(/^\/uploads\//);
      }
      const blocks: string[] = article.body.split('\n\n');
      const expected = fixture.body.map((b) => (typeof b === 'string' ? b : `photo:${b.photo}`));
      expect(blocks.map((b) => /\(photo:(\d)\)$/.exec(b)?.[0].slice(1, -1) ?? b)).toEqual(expected);
      // The uploaded placeholder really is an image of the announced size.
      const image = await fetch(`${cms.url}${article.photos[0].image.url}`);
      expect(image.headers.get('content-type')).toBe('image/jpeg');
    });

    it('polls expose their options with id, label and votes', async () => {
      const res = await api(q('polls'));
      expect(res.status).toBe(200);
      expect(res.json.data).toHaveLength(2);
      for (const poll of res.json.data) {
        expect(poll.question).toBeTruthy();
        expect(Date.parse(poll.opensAt)).toBeLessThan(Date.parse(poll.closesAt));
        for (const option of poll.options) {
          expect(option).toEqual({ id: expect.any(Number), label: expect.any(String), votes: expect.any(Number) });
        }
      }
    });

    it.each(TYPES)('GET /api/%s answers 200 to anyone', async (type) => {
      const res = await api(q(type));
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeGreaterThan(0);
    });
  });

  describe('what the public may not do', () => {
    it.each(TYPES)('POST, PUT and DELETE on /api/%s are refused with 403', async (type) => {
      const [first] = (await api(q(type))).json.data;
      expect((await api(q(type), { method: 'POST', body: { data: {} } })).status).toBe(403);
      expect((await api(q(`${type}/${first.documentId}`), { method: 'PUT', body: { data: {} } })).status).toBe(403);
      expect((await api(q(`${type}/${first.documentId}`), { method: 'DELETE' })).status).toBe(403);
      expect((await api(q(`${type}/${first.documentId}`))).status).toBe(200);
    });

    it('cannot register, log in, list users or files', async () => {
      const register = await api(`${cms.url}/api/auth/local/register`, {
        method: 'POST',
        body: { username: 'reader', email: 'reader@example.com', password: 'Reader1234' },
      });
      expect(register.status).toBe(403);
      expect((await api(`${cms.url}/api/users`)).status).toBe(403);
      expect((await api(`${cms.url}/api/upload/files`)).status).toBe(403);
    });

    it("never sees an author's email, nor filters on it", async () => {
      const authors = await api(q('authors'));
      const articles = await api(q('articles?pagination[pageSize]=100'));
      for (const body of [authors.text, articles.text]) expect(body).not.toMatch(/@toasoan\.example/);
      expect(authors.json.data[0]).not.toHaveProperty('email');
      expect((await api(q('authors?filters[email][$contains]=toasoan'))).status).toBe(400);
    });
  });

  describe('drafts never reach the public', () => {
    let draft: { documentId: string; title: string };
    beforeAll(async () => {
      const [category] = (await api(q('categories'))).json.data;
      const [tag] = (await api(q('tags'))).json.data;
      draft = await createArticle({
        title: 'BẢN NHÁP MẬT: chưa được duyệt đăng',
        category: category.documentId,
        tags: [tag.documentId],
      });
    });

    it.each(TYPES)('GET /api/%s?status=draft is refused with 403', async (type) => {
      const res = await api(q(`${type}?status=draft`));
      expect(res.status).toBe(403);
      expect(res.json.error.message).toMatch(/only published content/);
    });

    it('a draft is absent from lists, searches and its own URL', async () => {
      const list = await api(q('articles?pagination[pageSize]=100'));
      expect(list.text).not.toContain('BẢN NHÁP MẬT');
      expect((await api(q(`articles?filters[title][$contains]=${encodeURIComponent('NHÁP MẬT')}`))).json.data).toEqual(
        []
      );
      expect((await api(q(`articles/${draft.documentId}`))).status).toBe(404);
      expect((await api(q(`articles/${draft.documentId}?status=draft`))).status).toBe(403);
      // Nor does it come along as a relation of a category, tag or author: the server decides
      // what comes along (tests/cms/public-surface.test.ts walks every such path).
      for (const path of ['categories?populate=articles', 'tags?populate=articles', 'authors?populate=articles']) {
        const res = await api(q(path));
        expect(res.status, path).toBe(400);
        expect(res.json.error.message, path).toMatch(/^populate: /);
        expect(res.text, path).not.toContain('BẢN NHÁP MẬT');
      }
    });

    it("the site builder's token reads published content and the publishing state, nothing else: no drafts, no files, no users, no writes", async () => {
      const siteToken = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
      expect(siteToken).toMatch(/^[0-9a-f]{64,}$/);
      expect((await api(q('articles'), { token: siteToken })).status).toBe(200);
      expect((await api(q('publishing/state'), { token: siteToken })).status).toBe(200);
      const digest = await api(q('publishing/state?digest'), { token: siteToken });
      expect(digest.status).toBe(200);
      expect(digest.json.data.digest).toMatch(/^[\w-]{20,}$/);
      // Not to anyone else: the state and its digest tell when something was published.
      for (const path of ['publishing/state', 'publishing/state?digest'])
        expect((await api(q(path))).status, path).toBe(403);
      // Strapi's read-only type would list every uploaded file (those of unpublished stories too) and every account.
      for (const path of ['upload/files', 'users', 'users/me', 'users-permissions/roles'])
        expect((await api(q(path), { token: siteToken })).status, path).toBeGreaterThanOrEqual(401);
      expect((await api(q('articles?status=draft'), { token: siteToken })).status).toBe(403);
      expect(
        (await api(q('articles'), { method: 'POST', token: siteToken, body: { data: { title: 'x' } } })).status
      ).toBe(403);
      expect(cms.log()).not.toContain(siteToken);
    });

    it('a full-access token (preview tools) may read drafts', async () => {
      const res = await api(q(`articles/${draft.documentId}?status=draft`), { token });
      expect(res.status).toBe(200);
      expect(res.json.data.title).toBe(draft.title);
    });
  });

  describe('slugs are filled and unique on every write path', () => {
    it.each([
      [
        'Tiếp tục sáng tạo nhiều mô hình mới với phương châm “Dân cần, dân làm, dân hưởng thụ” (kỳ 2)',
        'tiep-tuc-sang-tao-nhieu-mo-hinh-moi-voi-phuong-cham-dan-can-dan-lam-dan-huong-thu-ky-2',
      ],
      ['Đường về Đồng Tâm: ưu tiên vốn cho giao thông', 'duong-ve-dong-tam-uu-tien-von-cho-giao-thong'],
      ['Năm 2025: 15 xã đạt chuẩn nông thôn mới', 'nam-2025-15-xa-dat-chuan-nong-thon-moi'],
    ])('"%s" → %s', async (title, slug) => {
      expect((await createArticle({ title })).slug).toBe(slug);
    });

    it('two articles with the same title get distinct slugs', async () => {
      const a = await createArticle({ title: 'Họp báo thường kỳ tháng 11' });
      const b = await createArticle({ title: 'Họp báo thường kỳ tháng 11' });
      expect(a.slug).toBe('hop-bao-thuong-ky-thang-11');
      expect(b.slug).toBe('hop-bao-thuong-ky-thang-11-2');
    });

    it('a title more than 64 stories share takes the first free suffix past them, and a freed one first', async () => {
      // The suffixes are looked up 64 at a time (documents/slugs.ts): base to base-64, then on.
      const base = 'nang-cap-de-bien-xa-hai-binh';
      const given = [base, ...Array.from({ length: 64 }, (_, i) => `${base}-${i + 2}`)];
      const made = await Promise.all(given.map((slug) => createArticle({ title: 'Bất kỳ', slug })));
      expect(made.map((a) => a.slug)).toEqual(given);
      expect((await createArticle({ title: 'Nâng cấp đê biển xã Hải Bình' })).slug).toBe(`${base}-66`);
      // A slug freed in the first 64 (its story deleted) is the next one taken.
      const freed = made[39];
      expect(freed.slug).toBe(`${base}-40`);
      const del = await api(q(`articles/${freed.documentId}`), { method: 'DELETE', token });
      expect(del.status, del.text).toBe(204);
      expect((await createArticle({ title: 'Nâng cấp đê biển xã Hải Bình' })).slug).toBe(`${base}-40`);
    });

    it('a very long title gets a slug of at most 120 characters, cut between words', async () => {
      const title = 'Hội nghị triển khai nhiệm vụ bảo đảm an ninh trật tự '.repeat(4).trim().slice(0, 250);
      const { slug } = await createArticle({ title });
      expect(slug.length).toBeLessThanOrEqual(120);
      expect(slug).toMatch(/^hoi-nghi-trien-khai(-[a-z0-9]+)+$/);
    });

    it('editing the title keeps the published URL; publishing keeps the slug', async () => {
      const created = await createArticle({ title: 'Tin nóng trong ngày' }, 'published');
      const res = await api(q(`articles/${created.documentId}?status=published`), {
        method: 'PUT',
        token,
        body: { data: { title: 'Tin nóng trong ngày (cập nhật)' } },
      });
      expect(res.status, res.text).toBe(200);
      expect(res.json.data.slug).toBe(created.slug);
      expect((await api(q(`articles?filters[slug][$eq]=${created.slug}`))).json.data).toHaveLength(1);
    });

    it('a slug given by hand is normalised', async () => {
      expect((await createArticle({ title: 'Bất kỳ', slug: 'Tin Mới Nhất' })).slug).toBe('tin-moi-nhat');
    });
  });

  describe('publishing rules', () => {
    it('an article cannot be published without an author', async () => {
      const res = await api(q('articles?status=published'), {
        method: 'POST',
        token,
        body: { data: { title: 'Không tác giả', lead: 'Tin vắn.' } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/ít nhất một tác giả/);
      // Nothing is left behind: the draft and its publish are one transaction.
      const drafts = await api(q('articles?status=draft&filters[title][$eq]=Không tác giả'), { token });
      expect(drafts.json.data).toHaveLength(0);
    });

    it('nor by an update that publishes (?status=published), which leaves the live version as it was', async () => {
      const live = await createArticle({ title: 'Tin có tác giả' }, 'published');
      const res = await api(q(`articles/${live.documentId}?status=published`), {
        method: 'PUT',
        token,
        body: { data: { title: 'Tin bị gỡ tác giả', authors: [] } },
      });
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/ít nhất một tác giả/);
      expect((await api(q(`articles/${live.documentId}`))).json.data.title).toBe('Tin có tác giả');
    });

    it('the publication date readers see defaults to the publish time', async () => {
      const before = Date.now();
      const created = await createArticle({ title: 'Tin mới xuất bản' }, 'published');
      const res = await api(q(`articles/${created.documentId}`));
      const date = Date.parse(res.json.data.publicationDate);
      expect(date).toBeGreaterThanOrEqual(before - 1000);
      expect(date).toBeLessThanOrEqual(Date.now() + 1000);
    });
  });

  describe('uploads accept raster images only', () => {
    const upload = (name: string, type: string, content: Uint8Array<ArrayBuffer> | string) =>
      uploadFile(cms, token, name, type, content);
    /** The files in the CMS's temporary folder whose bytes are `content`. */
    const temporaryFilesHolding = (content: string | Uint8Array) => {
      const tmp = cms.env.TMPDIR;
      return (fs.readdirSync(tmp, { recursive: true }) as string[]).filter(
        (f) =>
          fs.statSync(path.join(tmp, f)).isFile() && fs.readFileSync(path.join(tmp, f)).equals(Buffer.from(content))
      );
    };

    it.each([
      ['logo.svg', 'image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'],
      ['page.html', 'text/html', '<!doctype html><html><body><script>alert(1)</script></body></html>'],
      ['disguised.jpg', 'image/jpeg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'],
      ['notes.pdf', 'application/pdf', '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF'],
    ])('%s (%s) is refused with a clear 400, and its bytes are kept nowhere', async (name, type, content) => {
      const res = await upload(name, type, content);
      expect(res.status).toBe(400);
      expect(res.json.error.message).toMatch(/type|allowed|image/i);
      // Not even as the temporary file the request arrived in.
      expect(temporaryFilesHolding(content)).toEqual([]);
    });

    it('a PNG is accepted', async () => {
      const png = new Uint8Array(
        Buffer.from(
          'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
          'base64'
        )
      );
      const res = await upload('pixel.png', 'image/png', png);
      expect(res.status).toBe(201);
      expect(res.json[0].mime).toBe('image/png');
    });

    const PNG = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
      'base64'
    );
    const SVG = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>';
    const svgForm = () => {
      const form = new FormData();
      form.append('files', new Blob([SVG], { type: 'image/jpeg' }), 'anh.jpg');
      return form;
    };
    /** Every stored file, as the admin's media library lists them. */
    async function storedFiles() {
      const res = await api(`${cms.url}/upload/files?pageSize=100`, { token: await cms.adminJwt() });
      return (res.json.results as { id: number; hash: string; mime: string }[])
        .map((f) => `${f.id}:${f.hash}:${f.mime}`)
        .sort();
    }

    it('every route that stores a file checks its bytes, whatever the letter case', async () => {
      const jwt = await cms.adminJwt();
      const [first] = (await upload('pixel.png', 'image/png', new Uint8Array(PNG))).json;
      const before = await storedFiles();
      const routes: [string, string][] = [
        ['/api/upload', token],
        ['/API/Upload', token],
        [`/api/upload?id=${first.id}`, token],
        ['/upload', jwt],
        ['/UPLOAD', jwt],
        [`/upload?id=${first.id}`, jwt],
        [`/upload/files/${first.id}/replace`, jwt],
      ];
      for (const [route, bearer] of routes) {
        const res = await fetch(`${cms.url}${route}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${bearer}` },
          body: svgForm(),
        });
        const text = await res.text();
        expect(res.status, `${route}: ${text}`).toBeGreaterThanOrEqual(400);
        expect(res.status, route).toBeLessThan(500);
        if (res.status === 400) expect(text, route).toMatch(/not an allowed image type/);
      }
      // From a URL: the media library fetches it on the server, then stores it the same way.
      const server = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'image/jpeg' }).end(SVG));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/anh.jpg`;
        const res = await fetch(`${cms.url}/upload/actions/upload-from-urls`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${jwt}`, 'Content-Type': 'application/json' },
          body: JSON.stringify({ urls: [url] }),
        });
        const events = await res.text();
        expect(events).toMatch(/event: file:error/);
        expect(events).not.toMatch(/event: file:complete/);
      } finally {
        server.close();
      }
      expect(await storedFiles()).toEqual(before);
      expect(temporaryFilesHolding(SVG)).toEqual([]);
    });
  });
});

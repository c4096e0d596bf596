import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type RunningCms } from '../helpers/cms';
import { startCmsWithPublisher } from '../helpers/publisher';
import { startPublisher, type RunningPublisher } from '@newsroom/publisher/service';

const ARTICLE = 'api::article.article';

/**
 * What an editor can count on: a publish is never blocked by what other stories say, one story
 * that cannot be rendered holds back only itself (with the cause in the CMS), a lost webhook is
 * found by reconciliation, and a token that could read drafts stops publishing.
 */
describe('publishing an editor can trust', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let dir: string;
  let token: string;
  let site: string;
  let author: string;
  let category: string;
  const logs: Record<string, unknown>[] = [];
  const status = () => service.publisher.status();

  async function settled(timeoutMs = 180_000) {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (Date.now() < deadline) {
      const s = status();
      quiet = !s.building && !s.queued && !s.comparing ? quiet + 1 : 0;
      if (quiet >= 3) return s;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`The publisher did not settle: ${JSON.stringify(status())}\n${JSON.stringify(logs.slice(-10))}`);
  }
  const page = async (p: string) => (await fetch(`${site}${p}`)).status;

  async function create(data: Record<string, unknown>, publish = true) {
    const res = await api(`${cms.url}/api/articles?status=${publish ? 'published' : 'draft'}`, {
      method: 'POST',
      token,
      body: { data: { lead: 'Tin vắn.', body: 'Nội dung.', authors: [author], category, ...data } },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data as { documentId: string; slug: string };
  }

  /** Runs `action` with the CMS's webhooks lost: only a comparison of states can find what it changed. */
  async function withoutWebhooks<T>(action: () => Promise<T>): Promise<T> {
    const receive = service.publisher.receive.bind(service.publisher);
    service.publisher.receive = () => {};
    try {
      const result = await action();
      await new Promise((r) => setTimeout(r, 1500)); // its webhooks have come and gone
      return result;
    } finally {
      service.publisher.receive = receive;
    }
  }

  beforeAll(async () => {
    ({ cms, service, dir } = await startCmsWithPublisher(
      { SEED_DEMO_ARTICLES: '6' },
      {
        debounceMs: 300,
        retryBaseMs: 300,
        maxAttempts: 2,
        searchIndex: false,
        failureRetryMs: 600_000,
        // Reconciliation (and the probe of the CMS's digest) runs when a test or a build asks for
        // it, never by the clock: what a test sees found is what the path under test found.
        reconcileMs: 3_600_000,
        probeMs: 0,
      },
      (msg, fields) => logs.push({ msg, ...fields })
    ));
    token = await cms.fullAccessToken();
    site = service.siteUrl!.replace(/\/$/, '');
    author = (await api(`${cms.url}/api/authors`, { token })).json.data[0].documentId;
    category = (await api(`${cms.url}/api/categories`, { token })).json.data[0].documentId;
    await settled(300_000);
  }, 400_000);

  afterAll(async () => {
    await service?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('proves at start that its token cannot read drafts', () => {
    expect(status().draftCheck).toMatchObject({ ok: true });
  });

  it("publishes a headline containing a draft's working title (no content heuristic blocks a publish)", async () => {
    await create({ title: 'Bão số 3 đổ bộ Quảng Ninh' }, false);
    const story = await create({ title: 'Bão số 3 đổ bộ Quảng Ninh: hai người mất tích' });
    await settled();
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(200);
    expect(status().lastBuild).toMatchObject({ result: 'live' });
  });

  it('finds a publish whose webhook never arrived, at the next reconciliation', async () => {
    // The CMS's webhook is switched off for this one publish: only reconciliation can find it.
    const story = await withoutWebhooks(() => create({ title: 'Tin không có webhook: khánh thành trường mới' }));
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(404);
    await service.publisher.reconcile();
    expect(status().lastReconcile).toMatchObject({ differences: 1 });
    await settled();
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(200);
    const doc = service.publisher.documentStatus(ARTICLE, story.documentId, null);
    expect(doc.liveVersion).toBeTruthy();
  });

  it("finds a publish whose webhook was lost as soon as the CMS's digest moves, not at the periodic comparison", async () => {
    await settled();
    await service.publisher.reconcile(); // the digest it compared against, recorded
    await service.publisher.probe();
    expect(status().lastProbe).toMatchObject({ moved: false, unannounced: false });
    const story = await withoutWebhooks(() => create({ title: 'Tin mất webhook: chợ phiên vùng cao mở lại' }));
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(404);
    const from = logs.length;
    await service.publisher.probe();
    expect(status().lastProbe).toMatchObject({ moved: true, unannounced: true });
    // The probe compared the whole state at once, which found the story.
    expect(logs.slice(from).map((l) => l.msg)).toContain('probe found an unannounced change');
    expect(status().lastReconcile).toMatchObject({ differences: 1 });
    await settled();
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(200);
    // Caught up: the digest is the one the last comparison read.
    await service.publisher.probe();
    expect(status().lastProbe).toMatchObject({ moved: false });
  });

  it('a publish reads the state of its own documents; a change without its event is found right after and built', async () => {
    await settled();
    const unannounced = await withoutWebhooks(() => create({ title: 'Tin mất webhook: sửa xong cầu treo Bản Công' }));
    const from = logs.length;
    const story = await create({ title: 'Tin có webhook: mở lớp học bơi miễn phí' });
    await settled();
    expect(await page(`/bai-viet/${story.slug}/`)).toBe(200);
    expect(await page(`/bai-viet/${unannounced.slug}/`)).toBe(200);
    // The story's build went live from its own documents' state; the comparison of the whole
    // state that follows it found the other one, and the next build published it.
    const after = logs.slice(from);
    const live = after.findIndex((l) => l.msg === 'release live');
    const found = after.findIndex((l) => l.msg === 'reconciliation found changes');
    expect(live).toBeGreaterThanOrEqual(0);
    expect(found).toBeGreaterThan(live);
    expect(after.filter((l) => l.msg === 'release live').length).toBeGreaterThanOrEqual(2);
    for (const { documentId } of [story, unannounced]) {
      expect(service.publisher.documentStatus(ARTICLE, documentId, null).liveVersion).toBeTruthy();
    }
  });

  it('a photo changed without its event is re-rendered on every story showing it when one of them is published', async () => {
    const [photo] = (await api(`${cms.url}/api/photos?filters[caption][$ne]=Ảnh hỏng`, { token })).json.data;
    const shared = [
      await create({ title: 'Ảnh chung thứ nhất: chợ phiên vùng cao', cover: photo.documentId }),
      await create({ title: 'Ảnh chung thứ hai: mùa lúa chín', cover: photo.documentId }),
    ];
    await settled();
    const caption = `Chú thích đã sửa lúc ${Date.now()}`;
    const edit = await withoutWebhooks(() =>
      api(`${cms.url}/api/photos/${photo.documentId}`, { method: 'PUT', token, body: { data: { caption } } })
    );
    expect(edit.status, edit.text).toBe(200);
    // An editor updates the first story: its build reads the photo's new version, and so must
    // render every story that shows the photo before recording it.
    const update = await api(`${cms.url}/api/articles/${shared[0].documentId}?status=published`, {
      method: 'PUT',
      token,
      body: { data: { lead: 'Tin vắn, đã cập nhật.' } },
    });
    expect(update.status, update.text).toBe(200);
    await settled();
    for (const story of shared) {
      const html = await (await fetch(`${site}/bai-viet/${story.slug}/`)).text();
      expect(html, story.slug).toContain(caption);
    }
  });

  it('a story that cannot be rendered holds back only itself; the CMS shows the editor why; a fix publishes it', async () => {
    // A photo whose file is gone from the disk: the site cannot make its image sizes.
    const uploads = path.join(cms.env.PUBLIC_DIR, 'uploads');
    const jpeg = fs
      .readdirSync(uploads)
      .find((f) => f.endsWith('.jpg') && !/^(thumbnail|small|medium|large)_/.test(f))!;
    const form = new FormData();
    form.append('files', new Blob([fs.readFileSync(path.join(uploads, jpeg))], { type: 'image/jpeg' }), 'hong.jpg');
    const uploaded = await fetch(`${cms.url}/api/upload`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const [file] = (await uploaded.json()) as { id: number; url: string }[];
    fs.rmSync(path.join(cms.env.PUBLIC_DIR, file.url));
    const photo = await api(`${cms.url}/api/photos`, {
      method: 'POST',
      token,
      body: { data: { image: file.id, alt: 'Ảnh đã mất tệp', caption: 'Ảnh hỏng' } },
    });
    expect(photo.status, photo.text).toBe(201);

    // Published together: one story with the broken photo, two good ones.
    const [bad, good1, good2] = await Promise.all([
      create({ title: 'Bài có ảnh hỏng không lên trang được', cover: photo.json.data.documentId }),
      create({ title: 'Bài tốt thứ nhất vẫn lên trang' }),
      create({ title: 'Bài tốt thứ hai vẫn lên trang' }),
    ]);
    await settled();
    expect(await page(`/bai-viet/${good1.slug}/`)).toBe(200);
    expect(await page(`/bai-viet/${good2.slug}/`)).toBe(200);
    expect(await page(`/bai-viet/${bad.slug}/`)).toBe(404);
    const failures = status().failures as { documentId: string; error: string }[];
    expect(failures.map((f) => f.documentId)).toEqual([bad.documentId]);
    expect(failures[0].error).toContain(
      file.url
        .split('/')
        .pop()!
        .replace(/\.jpg$/, '')
    );

    // The editor's panel, through the CMS (admin session), says so in Vietnamese terms.
    const jwt = await cms.adminJwt();
    const panel = await api(`${cms.url}/newsroom/publishing/${ARTICLE}/${bad.documentId}`, { token: jwt });
    expect(panel.status).toBe(200);
    expect(panel.json.data).toMatchObject({ state: 'failed' });
    expect(panel.json.data.error).toBeTruthy();
    const okPanel = await api(`${cms.url}/newsroom/publishing/${ARTICLE}/${good1.documentId}`, { token: jwt });
    expect(okPanel.json.data).toMatchObject({ state: 'live', url: `${site}/bai-viet/${good1.slug}/` });
    // Not for anyone else.
    expect((await api(`${cms.url}/newsroom/publishing/${ARTICLE}/${bad.documentId}`)).status).toBe(401);
    expect((await api(`${cms.url}/newsroom/publishing/${ARTICLE}/${bad.documentId}`, { token })).status).toBe(401);

    // The editor swaps the photo: the new version is tried at once and goes live.
    const [goodPhoto] = (await api(`${cms.url}/api/photos?filters[caption][$ne]=Ảnh hỏng`, { token })).json.data;
    const fix = await api(`${cms.url}/api/articles/${bad.documentId}?status=published`, {
      method: 'PUT',
      token,
      body: { data: { cover: goodPhoto.documentId } },
    });
    expect(fix.status, fix.text).toBe(200);
    await settled();
    expect(await page(`/bai-viet/${bad.slug}/`)).toBe(200);
    expect(status().failures).toEqual([]);
    const fixed = await api(`${cms.url}/newsroom/publishing/${ARTICLE}/${bad.documentId}`, { token: jwt });
    expect(fixed.json.data).toMatchObject({ state: 'live' });
  }, 300_000);

  it('the publishing state is for the site token, not for the public', async () => {
    expect((await api(`${cms.url}/api/publishing/state`)).status).toBe(403);
    const siteToken = service.publisher.config.siteToken;
    const res = await api(`${cms.url}/api/publishing/state`, { token: siteToken });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json.data.types)).toContain(ARTICLE);
    // Only published documents: a draft is not listed.
    const draft = await create({ title: 'Bản nháp không được liệt kê' }, false);
    const again = await api(`${cms.url}/api/publishing/state`, { token: siteToken });
    expect(again.json.data.types[ARTICLE]).not.toHaveProperty(draft.documentId);

    // The state of some documents, as a publish reads it: the same versions as the whole state,
    // null for what is not published, and the embargoed documents the articles point to.
    const [live] = Object.keys(again.json.data.types[ARTICLE]);
    const some = await api(
      `${cms.url}/api/publishing/state?documents=${ARTICLE}/${live},${ARTICLE}/${draft.documentId}`,
      { token: siteToken }
    );
    expect(some.status, some.text).toBe(200);
    expect(some.json.data.types[ARTICLE]).toEqual({
      [live]: again.json.data.types[ARTICLE][live],
      [draft.documentId]: null,
    });
    for (const [uid, versions] of Object.entries(
      some.json.data.types as Record<string, Record<string, string | null>>
    )) {
      for (const [id, version] of Object.entries(versions))
        expect(version).toBe(again.json.data.types[uid][id] ?? null);
    }
    expect(Object.keys(some.json.data.types)).toContain('api::author.author');
    expect((await api(`${cms.url}/api/publishing/state?documents=${ARTICLE}/${live}`)).status).toBe(403);
    for (const bad of ['admin::user/1', `${ARTICLE}/a b`, '', Array(201).fill(`${ARTICLE}/x`).join(',')]) {
      const res = await api(`${cms.url}/api/publishing/state?documents=${encodeURIComponent(bad)}`, {
        token: siteToken,
      });
      expect(res.status, bad.slice(0, 40)).toBe(400);
      expect(res.json.error.message).toMatch(/"documents"/);
    }
  });

  it('refuses to build with a token that can read drafts, and says why', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-publish-'));
    const refusing = await startPublisher(
      {
        ...service.publisher.config,
        dir: other,
        siteToken: token, // full access: it can read drafts
        siteEnvFile: null,
        hookPort: 0,
        sitePort: 0,
        maxAttempts: 1,
      },
      () => {}
    );
    try {
      const deadline = Date.now() + 60_000;
      while (!refusing.publisher.lastBuild && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      const s = refusing.publisher.status();
      expect(s.draftCheck).toMatchObject({ ok: false });
      expect(s.lastBuild).toMatchObject({ result: 'failed' });
      expect(s.lastBuild!.error).toMatch(/can read drafts/);
      expect(s.live).toBeNull();
      expect(fs.readdirSync(path.join(other, 'releases'))).toEqual([]);
    } finally {
      await refusing.close();
      fs.rmSync(other, { recursive: true, force: true });
    }
  });
});

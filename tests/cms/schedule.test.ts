/**
 * Scheduled publishing ("Hẹn giờ xuất bản", "Hẹn giờ gỡ bài"), against real CMS processes: an
 * editor schedules in the admin API, and the CMS itself publishes or unpublishes at the time,
 * through the Document Service (one webhook, as for a click). On PostgreSQL two CMS processes
 * share the database and each item is acted on exactly once.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, DATABASES, sql, startCms, startCmsReplica, type RunningCms } from '../helpers/cms';

const SWEEP_SECONDS = 1;
const ARTICLES = 'api::article.article';

interface Hook {
  event: string;
  documentId?: string;
}

/** A stand-in for the publisher: records every webhook the CMS processes send. */
async function hookRecorder(secret: string) {
  const hooks: Hook[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.headers['x-publish-secret'] === secret) {
        const parsed = JSON.parse(body) as { event: string; entry?: { documentId?: string } };
        hooks.push({ event: parsed.event, documentId: parsed.entry?.documentId });
      }
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/strapi`,
    count: (event: string, documentId: string) =>
      hooks.filter((h) => h.event === event && h.documentId === documentId).length,
    close: () => new Promise((r) => server.close(r)),
  };
}

describe.each(DATABASES)('scheduled publishing on %s', (database) => {
  const processes: RunningCms[] = [];
  let cms: RunningCms;
  let token: string;
  let jwt: string;
  let hooks: Awaited<ReturnType<typeof hookRecorder>>;
  let authorId: string;

  const q = (path: string) => `${cms.url}/api/${path}`;
  const cm = (path = '') => `${cms.url}/content-manager/collection-types/${ARTICLES}${path}`;

  beforeAll(async () => {
    const secret = randomBytes(24).toString('hex');
    hooks = await hookRecorder(secret);
    cms = await startCms(database, {
      PUBLISH_WEBHOOK_URL: hooks.url,
      PUBLISH_WEBHOOK_SECRET: secret,
      SCHEDULE_SWEEP_SECONDS: String(SWEEP_SECONDS),
    });
    processes.push(cms);
    // The production shape: a second CMS process on the same PostgreSQL, sweeping too.
    if (database === 'postgres') processes.push(await startCmsReplica(cms));
    token = await cms.fullAccessToken();
    jwt = await cms.adminJwt();
    authorId = (await api(q('authors'))).json.data[0].documentId;
  });
  afterAll(async () => {
    for (const p of processes.slice(1)) await p.destroy();
    await cms?.destroy();
    await hooks?.close();
  });

  async function draft(title: string, status: 'draft' | 'published' = 'draft') {
    const res = await api(q(`articles?status=${status}`), {
      method: 'POST',
      token,
      body: { data: { title, lead: 'Tin hẹn giờ.', authors: [authorId] } },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data.documentId as string;
  }

  /** What an editor does in the admin: sets the schedule on the draft and saves it. */
  const schedule = (documentId: string, data: { publishAt?: string | null; unpublishAt?: string | null }) =>
    api(cm(`/${documentId}`), { method: 'PUT', token: jwt, body: data });

  const inAdmin = async (documentId: string) =>
    (await api(cm(`/${documentId}`), { token: jwt })).json.data as Record<string, string | null>;

  const publicArticle = async (documentId: string) => {
    const res = await api(q(`articles/${documentId}`));
    return res.status === 200 ? (res.json.data as { title: string; publicationDate: string }) : null;
  };

  /** Long enough for every process to have swept (and found nothing more) after `since`. */
  const sweptAfter = (since: number) =>
    vi.waitFor(
      () => {
        if (Date.now() < since + 3 * SWEEP_SECONDS * 1000 + 500) throw new Error('sweeps pending');
      },
      { timeout: 30_000, interval: 200 }
    );

  it('refuses a schedule in the past, and an unpublish time before the publish time, naming the field', async () => {
    const id = await draft('Hẹn giờ sai');
    const past = await schedule(id, { publishAt: new Date(Date.now() - 60_000).toISOString() });
    expect(past.status).toBe(400);
    expect(past.json.error.message).toMatch(/Hẹn giờ xuất bản phải là một thời điểm trong tương lai.*publishAt/);
    const soon = new Date(Date.now() + 3600_000);
    const backwards = await schedule(id, {
      publishAt: soon.toISOString(),
      unpublishAt: new Date(soon.getTime() - 60_000).toISOString(),
    });
    expect(backwards.status).toBe(400);
    expect(backwards.json.error.message).toMatch(/unpublishAt/);
    const garbage = await schedule(id, { publishAt: 'thứ Hai tuần sau' });
    expect(garbage.status).toBe(400);
    expect((await inAdmin(id)).publishAt).toBeNull();
    expect(await publicArticle(id)).toBeNull();
  });

  it('publishes drafts at their time, once each, with the scheduled time as the date readers see', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, (_, i) => draft(`Tin hẹn giờ số ${i + 1}`)));
    const at = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
    for (const id of ids) expect((await schedule(id, { publishAt: at.toISOString() })).status).toBe(200);
    // Scheduled, not public: nothing shows before the time.
    expect(await publicArticle(ids[0])).toBeNull();

    await vi.waitFor(
      async () => {
        for (const id of ids) expect(await publicArticle(id)).not.toBeNull();
      },
      { timeout: 30_000, interval: 250 }
    );
    const seen = Date.now();
    expect(seen).toBeGreaterThanOrEqual(at.getTime());
    await sweptAfter(seen);
    for (const id of ids) {
      expect(hooks.count('entry.publish', id), `entry.publish webhooks for ${id}`).toBe(1);
      expect(new Date((await publicArticle(id))!.publicationDate).getTime()).toBe(at.getTime());
      expect((await inAdmin(id)).publishAt).toBeNull();
    }
  });

  it('unpublishes a live story at its time', async () => {
    const id = await draft('Tin gỡ theo lịch', 'published');
    expect(await publicArticle(id)).not.toBeNull();
    const at = new Date(Date.now() + 3000).toISOString();
    expect((await schedule(id, { unpublishAt: at })).status).toBe(200);
    await vi.waitFor(async () => expect(await publicArticle(id)).toBeNull(), { timeout: 30_000, interval: 250 });
    await sweptAfter(Date.now());
    expect(hooks.count('entry.unpublish', id)).toBe(1);
    expect((await inAdmin(id)).unpublishAt).toBeNull();
  });

  it('a story published by hand is no longer scheduled: later edits stay drafts', async () => {
    const id = await draft('Bản đăng tay');
    const at = new Date(Date.now() + 4000);
    expect((await schedule(id, { publishAt: at.toISOString() })).status).toBe(200);
    const published = await api(cm(`/${id}/actions/publish`), { method: 'POST', token: jwt, body: {} });
    expect(published.status, published.text).toBe(200);
    expect((await inAdmin(id)).publishAt).toBeNull();
    expect((await api(cm(`/${id}`), { method: 'PUT', token: jwt, body: { title: 'Bản sửa chưa duyệt' } })).status).toBe(
      200
    );
    await sweptAfter(at.getTime());
    expect((await publicArticle(id))!.title).toBe('Bản đăng tay');
    expect(hooks.count('entry.publish', id)).toBe(1);
  });

  it('a CMS that was down at the due time publishes at start', async () => {
    const id = await draft('Tin đến giờ khi máy tắt');
    for (const p of processes) await p.stop();
    // The time came and went while every CMS process was down (no API accepts a past schedule).
    const at = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
    await sql(cms, 'UPDATE articles SET publish_at = ? WHERE document_id = ? AND published_at IS NULL', [
      database === 'sqlite' ? at.getTime() : at,
      id,
    ]);
    for (const p of processes) await p.start();
    await vi.waitFor(async () => expect(await publicArticle(id)).not.toBeNull(), { timeout: 30_000, interval: 250 });
    expect(new Date((await publicArticle(id))!.publicationDate).getTime()).toBe(at.getTime());
    await sweptAfter(Date.now());
    expect(hooks.count('entry.publish', id)).toBe(1);
  });
});

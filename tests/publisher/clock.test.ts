import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as cheerio from 'cheerio';
import { api, type RunningCms } from '../helpers/cms';
import { startCmsWithPublisher } from '../helpers/publisher';
import type { RunningPublisher } from '@newsroom/publisher/service';

/**
 * The site follows the clock with no click: a scheduled story goes up at its time and another
 * comes down at its time (the CMS acts, the publisher follows its webhook), and a poll box appears
 * when its poll opens and shows final results without a button when it closes (the publisher's
 * clock: no CMS event at all). Real CMS, real publisher, real Astro builds.
 */
describe('a site that follows the clock', () => {
  let cms: RunningCms;
  let service: RunningPublisher;
  let dir: string;
  let token: string;
  let jwt: string;
  let site: string;
  let author: string;
  const logs: Record<string, unknown>[] = [];
  const latencies: Record<string, number> = {};

  const html = async (path: string) => {
    const res = await fetch(`${site}${path}`);
    return { status: res.status, $: cheerio.load(await res.text()) };
  };
  const published = async (data: Record<string, unknown>, status: 'draft' | 'published' = 'published') => {
    const res = await api(`${cms.url}/api/articles?status=${status}`, {
      method: 'POST',
      token,
      body: { data: { lead: 'Tin theo giờ.', body: 'Nội dung.', authors: [author], ...data } },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data as { documentId: string; slug: string };
  };
  const schedule = async (documentId: string, data: Record<string, string>) => {
    const res = await api(`${cms.url}/content-manager/collection-types/api::article.article/${documentId}`, {
      method: 'PUT',
      token: jwt,
      body: data,
    });
    expect(res.status, res.text).toBe(200);
  };
  /** Waits for `check` to hold, then records how long after `since` it first held. */
  const seenAfter = async (name: string, since: Date, check: () => Promise<void>) => {
    await vi.waitFor(check, { timeout: 150_000, interval: 500 });
    latencies[name] = Math.max(0, Date.now() - since.getTime()) / 1000;
  };

  beforeAll(async () => {
    ({ cms, service, dir } = await startCmsWithPublisher(
      { SEED_DEMO_ARTICLES: '3' },
      { debounceMs: 300, searchIndex: false },
      (msg, fields) => logs.push({ msg, at: Date.now(), ...fields })
    ));
    token = await cms.fullAccessToken();
    jwt = await cms.adminJwt();
    site = service.siteUrl!.replace(/\/$/, '');
    author = (await api(`${cms.url}/api/authors`, { token })).json.data[0].documentId;
    await vi.waitFor(() => expect(service.publisher.status().live).toBeTruthy(), { timeout: 300_000, interval: 500 });
  }, 400_000);

  afterAll(async () => {
    console.info(`seconds from the due time to the page served: ${JSON.stringify(latencies)}`);
    await service?.close();
    await cms?.destroy();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('scheduled stories go up and come down at their time; a poll box opens and closes with its poll', async () => {
    const poll = await api(`${cms.url}/api/polls`, {
      method: 'POST',
      token,
      body: {
        data: {
          question: 'Bạn có ủng hộ mở rộng phố đi bộ?',
          options: [{ label: 'Ủng hộ' }, { label: 'Không ủng hộ' }],
          opensAt: new Date(Date.now() + 3600_000).toISOString(),
          showResultsBeforeClose: false,
        },
      },
    });
    expect(poll.status, poll.text).toBe(201);
    const pollId = poll.json.data.documentId as string;
    const withPoll = await published({ title: 'Phố đi bộ mở rộng: lấy ý kiến người dân', poll: pollId });
    const later = await published({ title: 'Khai mạc lễ hội hoa xuân' }, 'draft');
    const leaving = await published({ title: 'Thông báo tạm ngừng cấp nước' });
    const pollPage = `/bai-viet/${withPoll.slug}/`;
    await vi.waitFor(async () => expect((await html(pollPage)).status).toBe(200), { timeout: 120_000, interval: 500 });

    // The editor's last edits: the poll opens in 45 s and closes 25 s later (room for a reader's
    // vote while it is open); one story goes up in 45 s, another comes down in 50 s (room for a
    // rebuild on a busy machine before the first).
    // Nothing is touched after this.
    const t0 = Date.now();
    const opensAt = new Date(t0 + 45_000);
    const closesAt = new Date(t0 + 70_000);
    const publishAt = new Date(t0 + 45_000);
    const unpublishAt = new Date(t0 + 50_000);
    const edit = await api(`${cms.url}/api/polls/${pollId}`, {
      method: 'PUT',
      token,
      body: { data: { opensAt: opensAt.toISOString(), closesAt: closesAt.toISOString() } },
    });
    expect(edit.status, edit.text).toBe(200);
    await schedule(later.documentId, { publishAt: publishAt.toISOString() });
    await schedule(leaving.documentId, { unpublishAt: unpublishAt.toISOString() });

    // Before its time: the poll box says there is nothing yet, the scheduled story is not there.
    await vi.waitFor(() => expect(service.publisher.status().nextClockChange).toBe(opensAt.toISOString()), {
      timeout: 60_000,
      interval: 250,
    });
    const before = (await html(pollPage)).$;
    expect(Date.now()).toBeLessThan(opensAt.getTime());
    expect(before('section.poll form')).toHaveLength(0);
    expect(before('section.poll').text()).toContain('Không có dữ liệu');
    expect((await html(`/bai-viet/${later.slug}/`)).status).toBe(404);

    await seenAfter('poll opens', opensAt, async () => {
      const { $ } = await html(pollPage);
      expect($('section.poll form button[type=submit]')).toHaveLength(1);
    });
    // A reader votes while it is open; the count stays hidden until it closes.
    const options = (await api(`${cms.url}/api/polls/${pollId}`)).json.data.options as { id: number }[];
    const vote = await fetch(`${cms.url}/api/polls/${pollId}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://127.0.0.1:4321' },
      body: JSON.stringify({ option: options[0].id }),
    });
    expect(vote.status, await vote.text()).toBe(201);
    expect(Date.now()).toBeLessThan(closesAt.getTime());

    await seenAfter('scheduled publish', publishAt, async () => {
      expect((await html(`/bai-viet/${later.slug}/`)).status).toBe(200);
    });
    await seenAfter('scheduled unpublish', unpublishAt, async () => {
      expect((await html(`/bai-viet/${leaving.slug}/`)).status).toBe(404);
    });
    await seenAfter('poll closes', closesAt, async () => {
      const { $ } = await html(pollPage);
      expect($('section.poll form')).toHaveLength(0);
      expect($('section.poll .poll-results li').first().text()).toContain('100%');
    });
    expect(Date.now()).toBeGreaterThanOrEqual(closesAt.getTime());
    // No click: nothing about the poll or its article reached the publisher once the poll opened;
    // the scheduled stories each came as one action of the CMS.
    const events = (documentId: string, since = 0) =>
      logs
        .filter((l) => l.msg === 'event received' && l.documentId === documentId && (l.at as number) >= since)
        .map((l) => l.event);
    expect(events(pollId, opensAt.getTime())).toEqual([]);
    expect(events(withPoll.documentId, opensAt.getTime())).toEqual([]);
    expect(events(later.documentId, publishAt.getTime() - 1000)).toEqual(['entry.publish']);
    expect(events(leaving.documentId, unpublishAt.getTime() - 1000)).toEqual(['entry.unpublish']);
  }, 400_000);
});

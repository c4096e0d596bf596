/**
 * Readers vote on polls: every vote is counted exactly once, on PostgreSQL (where races show)
 * and on SQLite; every refusal is clear and changes nothing.
 */
import fs from 'node:fs';
import { parse } from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DATABASES, startCms, type RunningCms } from '../helpers/cms';

interface Poll {
  documentId: string;
  question: string;
  closesAt: string;
  options: { id: number; label: string; votes: number }[];
}

describe.each(DATABASES)('polls on %s', (database) => {
  let cms: RunningCms;
  let token: string;
  let open: Poll;
  let closed: Poll;

  const SITE = 'http://127.0.0.1:4321';
  let readers = 0;
  /** A reader's address, as nginx (a trusted proxy on loopback) passes it on: a new one each call. */
  const newReader = () => `10.${(++readers >> 16) & 255}.${(readers >> 8) & 255}.${readers & 255}`;
  const vote = (poll: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${cms.url}/api/polls/${poll}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE, 'X-Forwarded-For': newReader(), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const results = async (poll: string) => (await api(`${cms.url}/api/polls/${poll}/results`)).json.data;
  const createPoll = async (data: Record<string, unknown>) => {
    const res = await api(`${cms.url}/api/polls`, {
      method: 'POST',
      token,
      body: { data: { question: 'Câu hỏi thử?', options: [{ label: 'Có' }, { label: 'Không' }], ...data } },
    });
    expect(res.status, res.text).toBe(201);
    // Readers see a poll once a published article uses it (the embargo): publish one with it.
    const [author] = (await api(`${cms.url}/api/authors`, { token })).json.data;
    const article = await api(`${cms.url}/api/articles?status=published`, {
      method: 'POST',
      token,
      body: {
        data: {
          title: `Bài có thăm dò ${res.json.data.documentId}`,
          lead: 'Sa-pô.',
          authors: [author.documentId],
          poll: res.json.data.documentId,
        },
      },
    });
    expect(article.status, article.text).toBe(201);
    return (await api(`${cms.url}/api/polls/${res.json.data.documentId}`)).json.data as Poll;
  };

  beforeAll(async () => {
    // Each reader votes from an address of their own (X-Forwarded-For from loopback, a trusted
    // proxy): the limit per address is only reached on purpose.
    // The demo content of most suites (a database seeded once in this run, copied).
    cms = await startCms(database, {
      POLL_RATE_LIMIT: '40',
      POLL_RATE_WINDOW_SECONDS: '120',
    });
    token = await cms.fullAccessToken();
    const polls: Poll[] = (await api(`${cms.url}/api/polls`)).json.data;
    open = polls.find((p) => Date.parse(p.closesAt) > Date.now())!;
    closed = polls.find((p) => Date.parse(p.closesAt) < Date.now())!;
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  it('counts 200 concurrent votes from 200 readers, every one exactly once', async () => {
    const before = await results(open.documentId);
    const choices = Array.from({ length: 200 }, (_, i) => open.options[i % open.options.length].id);
    const statuses = await Promise.all(
      choices.map((option) => vote(open.documentId, { option }).then((r) => r.status))
    );
    expect(statuses.filter((s) => s === 201)).toHaveLength(200);
    const after = await results(open.documentId);
    expect(after.total - before.total).toBe(200);
    for (const option of open.options) {
      const added =
        after.options.find((o: { id: number }) => o.id === option.id).votes -
        before.options.find((o: { id: number }) => o.id === option.id).votes;
      expect(added).toBe(choices.filter((c) => c === option.id).length);
    }
    expect(after.options.reduce((n: number, o: { percent: number }) => n + o.percent, 0)).toBeCloseTo(100, 0);
  });

  it('refuses a second vote by the same reader with 409, telling the earlier choice only to its cookie', async () => {
    const home = { 'X-Forwarded-For': '198.51.100.23' };
    const first = await vote(open.documentId, { option: open.options[1].id }, home);
    expect(first.status).toBe(201);
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/nr_voter=.+; nr_voter\.sig=/);
    expect(first.headers.getSetCookie()[0]).toMatch(/httponly/i);
    expect(first.headers.getSetCookie()[0]).toMatch(/samesite=lax/i);
    const total = (await results(open.documentId)).total;

    // Same cookie from another address: refused, and told its own earlier choice.
    const again = await vote(open.documentId, { option: open.options[0].id }, { Cookie: cookie });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ name: 'AlreadyVoted', details: { option: open.options[1].id } });
    // Cookies cleared, same address, another browser: refused too, and told nothing of that choice.
    for (const agent of ['Firefox', 'Chrome', 'Safari', 'curl/8', 'Edge']) {
      const cleared = await vote(open.documentId, { option: open.options[0].id }, { ...home, 'User-Agent': agent });
      expect(cleared.status).toBe(409);
      expect((await cleared.json()).error.details).toEqual({ option: null });
    }
    // An IPv6 reader is one reader across its /64.
    const v6 = await vote(open.documentId, { option: open.options[0].id }, { 'X-Forwarded-For': '2001:db8:7:7::1' });
    expect(v6.status).toBe(201);
    const v6again = await vote(
      open.documentId,
      { option: open.options[0].id },
      { 'X-Forwarded-For': '2001:db8:7:7:ffff::2' }
    );
    expect(v6again.status).toBe(409);
    expect((await results(open.documentId)).total).toBe(total + 1);
  });

  it('takes votes from the site only: another origin, or none, is refused with 403 and counts nothing', async () => {
    const before = (await results(open.documentId)).total;
    const evil = await vote(open.documentId, { option: open.options[0].id }, { Origin: 'https://evil.example' });
    expect(evil.status).toBe(403);
    expect((await evil.json()).error.message).toMatch(/site's pages only/);
    const form = await fetch(`${cms.url}/api/polls/${open.documentId}/votes`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Origin: 'https://evil.example',
        'X-Forwarded-For': newReader(),
      },
      body: `option=${open.options[0].id}&return=${encodeURIComponent(`${SITE}/`)}`,
      redirect: 'manual',
    });
    expect(form.status).toBe(403);
    const nowhere = await fetch(`${cms.url}/api/polls/${open.documentId}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': newReader() },
      body: JSON.stringify({ option: open.options[0].id }),
    });
    expect(nowhere.status).toBe(403);
    expect((await nowhere.json()).error.message).toMatch(/no page/);
    expect((await vote(open.documentId, { option: open.options[0].id }, { Origin: 'null' })).status).toBe(403);
    expect((await results(open.documentId)).total).toBe(before);
    // An old browser without Origin, on a page of the site: its Referer says where it is.
    const referred = await fetch(`${cms.url}/api/polls/${open.documentId}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Referer: `${SITE}/bai-viet/x/`, 'X-Forwarded-For': newReader() },
      body: JSON.stringify({ option: open.options[0].id }),
    });
    expect(referred.status).toBe(201);
    // A malformed poll id is a clear 400, never a 500.
    const malformed = await fetch(`${cms.url}/api/polls/%E0%A4%A/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: SITE },
      body: '{"option":1}',
    });
    expect(malformed.status).toBe(400);
    expect((await fetch(`${cms.url}/api/polls/%E0%A4%A/results`)).status).toBeLessThan(500);
  });

  it('refuses unknown polls (404), unknown options and malformed bodies (400), closed and not-yet-open polls (409), changing nothing', async () => {
    const future = await createPoll({ opensAt: new Date(Date.now() + 86_400_000).toISOString() });
    const before = [await results(open.documentId), await results(closed.documentId)];
    const cases: [string, unknown, number, RegExp?][] = [
      ['nosuchpoll000000000000000', { option: 1 }, 404],
      [open.documentId, { option: 999_999 }, 400, /not an option/],
      [open.documentId, {}, 400, /only "option"/],
      [open.documentId, { option: '1' }, 400, /positive integer/],
      [open.documentId, { option: 1.5 }, 400],
      [open.documentId, { option: open.options[0].id, extra: true }, 400, /only "option"/],
      [open.documentId, [open.options[0].id], 400],
      [open.documentId, 'not json', 400],
      [open.documentId, { option: 'x'.repeat(100_000) }, 400],
      [closed.documentId, { option: closed.options[0].id }, 409, /closed/],
      [future.documentId, { option: future.options[0].id }, 409, /not open/],
    ];
    for (const [poll, body, status, message] of cases) {
      const res = await vote(poll, body);
      const json = await res.json();
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(status);
      if (message) expect(json.error.message).toMatch(message);
    }
    expect([await results(open.documentId), await results(closed.documentId)]).toEqual(before);
    expect((await results(future.documentId)).total).toBe(0);
  });

  it('hides results until closing when the poll says so', async () => {
    const secret = await createPoll({
      showResultsBeforeClose: false,
      closesAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const res = await vote(secret.documentId, { option: secret.options[0].id });
    expect(res.status).toBe(201);
    expect((await res.json()).data).toEqual({ option: secret.options[0].id, results: null });
    const hidden = await api(`${cms.url}/api/polls/${secret.documentId}/results`);
    expect(hidden.status).toBe(403);
    expect(hidden.json.error.message).toMatch(/hidden until the poll closes/);
    // Nor do the counts ride along anywhere else: the poll API, the article that shows it, for
    // anyone and for the site's own token.
    const siteToken = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
    for (const t of [undefined, siteToken]) {
      const poll = (await api(`${cms.url}/api/polls/${secret.documentId}`, { token: t })).json.data as Poll;
      expect(poll.options.map((o) => o.votes)).toEqual([null, null]);
      const [article] = (
        await api(`${cms.url}/api/articles?filters[poll][documentId][$eq]=${secret.documentId}`, { token: t })
      ).json.data;
      expect(article.poll.options.map((o: { votes: unknown }) => o.votes)).toEqual([null, null]);
      const list = await api(`${cms.url}/api/polls?pagination[pageSize]=100`, { token: t });
      const listed = list.json.data.find((p: Poll) => p.documentId === secret.documentId);
      expect(listed.options.map((o: { votes: unknown }) => o.votes)).toEqual([null, null]);
    }
  });

  it('an editor saving a poll cannot overwrite its vote counts', async () => {
    const before = await results(open.documentId);
    const res = await api(`${cms.url}/api/polls/${open.documentId}`, {
      method: 'PUT',
      token,
      body: { data: { options: open.options.map((o) => ({ id: o.id, label: o.label, votes: 0 })) } },
    });
    expect(res.status, res.text).toBe(200);
    expect(await results(open.documentId)).toEqual(before);
    // And the public poll API shows the same counts.
    const poll = (await api(`${cms.url}/api/polls/${open.documentId}`)).json.data as Poll;
    expect(poll.options.map((o) => o.votes)).toEqual(before.options.map((o: { votes: number }) => o.votes));
  });

  it('counts every vote cast while an editor saves the poll', async () => {
    const before = (await results(open.documentId)).total;
    // 10 readers at a time voting 150 times in all, while an editor saves the poll three times.
    let cast = 0;
    const statuses: number[] = [];
    const readers = Array.from({ length: 10 }, async () => {
      while (cast < 150) {
        cast++;
        statuses.push((await vote(open.documentId, { option: open.options[cast % 2].id })).status);
      }
    });
    const saves = (async () => {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await api(`${cms.url}/api/polls/${open.documentId}`, {
          method: 'PUT',
          token,
          // The second save reorders the options: its locks on their rows come in the other order.
          body: {
            data: {
              options: (i === 1 ? [...open.options].reverse() : open.options).map((o) => ({
                id: o.id,
                label: o.label,
                votes: 0,
              })),
            },
          },
        });
        codes.push(res.status);
      }
      return codes;
    })();
    await Promise.all(readers);
    expect(await saves).toEqual([200, 200, 200]);
    expect(
      statuses.filter((s) => s !== 201),
      cms
        .log()
        .split('\n')
        .filter((l) => /error/i.test(l))
        .join('\n')
    ).toEqual([]);
    expect((await results(open.documentId)).total).toBe(before + 150);
  });

  it('lets the site origin call the poll routes with credentials, and no other origin or route', async () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${cms.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          Origin: origin,
          'Access-Control-Request-Method': 'POST',
          'Access-Control-Request-Headers': 'content-type',
        },
      });
    const site = await preflight(`/api/polls/${open.documentId}/votes`, 'http://127.0.0.1:4321');
    expect(site.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
    expect(site.headers.get('access-control-allow-credentials')).toBe('true');
    const evil = await preflight(`/api/polls/${open.documentId}/votes`, 'https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const other = await fetch(`${cms.url}/api/articles`, { headers: { Origin: 'http://127.0.0.1:4321' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers votes with the security headers of every API response and CORS for the site only', async () => {
    const security = (res: Response) =>
      Object.fromEntries(
        [...res.headers].filter(([name]) =>
          /^(content-security-policy|strict-transport-security|x-frame-options|x-content-type-options|referrer-policy|x-dns-prefetch-control|x-download-options|x-permitted-cross-domain-policies)$/.test(
            name
          )
        )
      );
    const reference = security(await fetch(`${cms.url}/api/polls/${open.documentId}/results`));
    expect(Object.keys(reference)).toHaveLength(8);
    const fromSite = await vote(open.documentId, { option: open.options[0].id }, { Origin: 'http://127.0.0.1:4321' });
    expect(fromSite.status).toBe(201);
    expect(security(fromSite)).toEqual(reference);
    expect(fromSite.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:4321');
    expect(fromSite.headers.get('access-control-allow-credentials')).toBe('true');
    const refused = await vote('nosuchpoll000000000000000', { option: 1 }, { Origin: 'https://evil.example' });
    expect(refused.status).toBe(403);
    expect(security(refused)).toEqual(reference);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a client that votes too often with 429 and Retry-After, counting nothing', async () => {
    const before = (await results(open.documentId)).total;
    let limited: Response | undefined;
    // One client (one address), voting again and again.
    const client = { 'X-Forwarded-For': '203.0.113.77' };
    for (let i = 0; i < 80 && !limited; i++) {
      const res = await vote(open.documentId, { option: open.options[0].id }, client);
      if (res.status === 429) limited = res;
    }
    expect(limited, 'no 429 within 80 votes').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited!.json()).error.name).toBe('RateLimitError');
    const counted = (await results(open.documentId)).total - before;
    const again = await vote(open.documentId, { option: open.options[0].id }, client);
    expect(again.status).toBe(429);
    expect((await results(open.documentId)).total - before).toBe(counted);
    // Another reader behind the same proxy is not limited with it.
    expect((await vote(open.documentId, { option: open.options[0].id })).status).toBe(201);
  });
});

/**
 * Readers vote on polls: every vote is counted exactly once, on PostgreSQL (where races show)
 * and on SQLite; every refusal is clear and changes nothing.
 */
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

  const vote = (poll: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${cms.url}/api/polls/${poll}/votes`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'User-Agent': `reader-${Math.random()}`, ...headers },
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
    return (await api(`${cms.url}/api/polls/${res.json.data.documentId}`)).json.data as Poll;
  };

  beforeAll(async () => {
    // Every vote in this file comes from 127.0.0.1: the limit leaves room for the tests before the last.
    cms = await startCms(database, {
      SEED_DEMO_ARTICLES: '2',
      POLL_RATE_LIMIT: '500',
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

  it('refuses a second vote by the same reader with 409 and their earlier choice', async () => {
    const first = await vote(open.documentId, { option: open.options[1].id }, { 'User-Agent': 'same-reader' });
    expect(first.status).toBe(201);
    const cookie = first.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    expect(cookie).toMatch(/nr_voter=.+; nr_voter\.sig=/);
    expect(first.headers.getSetCookie()[0]).toMatch(/httponly/i);
    expect(first.headers.getSetCookie()[0]).toMatch(/samesite=lax/i);
    const total = (await results(open.documentId)).total;

    // Same cookie from another browser: refused.
    const again = await vote(
      open.documentId,
      { option: open.options[0].id },
      { Cookie: cookie, 'User-Agent': 'other' }
    );
    expect(again.status).toBe(409);
    expect((await again.json()).error).toMatchObject({ name: 'AlreadyVoted', details: { option: open.options[1].id } });
    // Cookies cleared, same device: refused too.
    const cleared = await vote(open.documentId, { option: open.options[0].id }, { 'User-Agent': 'same-reader' });
    expect(cleared.status).toBe(409);
    expect((await results(open.documentId)).total).toBe(total);
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
    expect(refused.status).toBe(404);
    expect(security(refused)).toEqual(reference);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a client that votes too often with 429 and Retry-After, counting nothing', async () => {
    const before = (await results(open.documentId)).total;
    let limited: Response | undefined;
    for (let i = 0; i < 400 && !limited; i++) {
      const res = await vote(open.documentId, { option: open.options[0].id });
      if (res.status === 429) limited = res;
    }
    expect(limited, 'no 429 within 400 votes').toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited!.json()).error.name).toBe('RateLimitError');
    const counted = (await results(open.documentId)).total - before;
    const again = await vote(open.documentId, { option: open.options[0].id });
    expect(again.status).toBe(429);
    expect((await results(open.documentId)).total - before).toBe(counted);
  });
});

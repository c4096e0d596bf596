import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CmsError, createStrapiClient } from './strapi';

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
const servers: http.Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

async function fakeCms(handler: Handler) {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('the Strapi client', () => {
  it('pages through every result, 100 at a time, in order, with the token', async () => {
    const total = 250;
    const seen: string[] = [];
    const url = await fakeCms((req, res) => {
      const q = new URL(req.url!, 'http://x').searchParams;
      seen.push(req.headers.authorization ?? '');
      const page = Number(q.get('pagination[page]'));
      const size = Number(q.get('pagination[pageSize]'));
      const data = Array.from({ length: Math.max(0, Math.min(size, total - (page - 1) * size)) }, (_, i) => ({
        n: (page - 1) * size + i,
      }));
      json(res, 200, {
        data,
        meta: { pagination: { page, pageSize: size, pageCount: Math.ceil(total / size), total } },
      });
    });
    const rows = await createStrapiClient({ baseUrl: url, token: 'secret' }).all<{ n: number }>('articles');
    expect(rows.map((r) => r.n)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(seen).toEqual(['Bearer secret', 'Bearer secret', 'Bearer secret']);
  });

  it('retries a 5xx with backoff, then succeeds', async () => {
    let calls = 0;
    const url = await fakeCms((_, res) =>
      ++calls < 3
        ? json(res, 503, {})
        : json(res, 200, { data: [], meta: { pagination: { page: 1, pageSize: 100, pageCount: 0, total: 0 } } })
    );
    expect(await createStrapiClient({ baseUrl: url }).all('tags')).toEqual([]);
    expect(calls).toBe(3);
  });

  it('fails naming the URL and the token when the CMS refuses it', async () => {
    const url = await fakeCms((_, res) => json(res, 401, { error: { message: 'Missing or invalid credentials' } }));
    const error = await createStrapiClient({ baseUrl: url, token: 'bad' })
      .all('articles')
      .catch((e) => e);
    expect(error).toBeInstanceOf(CmsError);
    expect(error.message).toMatch(
      new RegExp(`CMS at ${url} refused the API token \\(401\\).*/api/articles.*SITE_API_TOKEN`)
    );
  });

  it('times out a CMS that does not answer, and says so after its retries', async () => {
    const url = await fakeCms(() => {
      // never answers
    });
    const error = (await createStrapiClient({ baseUrl: url, timeoutMs: 100, retries: 1 })
      .get('articles')
      .catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/unreachable/);
    expect(error.message).toContain(url);
  });

  it('refuses a result that lost rows between pages rather than building half a site', async () => {
    const url = await fakeCms((req, res) => {
      const page = Number(new URL(req.url!, 'http://x').searchParams.get('pagination[page]'));
      json(res, 200, {
        data: page === 1 ? [{}] : [],
        meta: { pagination: { page, pageSize: 100, pageCount: 2, total: 150 } },
      });
    });
    await expect(createStrapiClient({ baseUrl: url }).all('articles')).rejects.toThrow(/returned 1 of 150 articles/);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CmsError, createStrapiClient } from './strapi';
import { fetchSnapshot, InvalidContentError } from './snapshot';

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

/**
 * Answers a collection's list as Strapi does for what the client asks: `sort=id:asc|desc`,
 * `filters[id][$gt|$lte]`, `pagination[pageSize]` (≤ 100) and `[page]`, the count unless
 * `pagination[withCount]=false`.
 */
function listing(rows: { id: number }[], seen: URLSearchParams[] = []): Handler {
  return (req, res) => {
    const q = new URL(req.url!, 'http://x').searchParams;
    seen.push(q);
    const above = Number(q.get('filters[id][$gt]') ?? -Infinity);
    const upTo = Number(q.get('filters[id][$lte]') ?? Infinity);
    const size = Math.min(100, Number(q.get('pagination[pageSize]') ?? 25));
    const page = Number(q.get('pagination[page]') ?? 1);
    const matching = rows.filter((r) => r.id > above && r.id <= upTo).sort((a, b) => a.id - b.id);
    if (q.get('sort') === 'id:desc') matching.reverse();
    const counted = q.get('pagination[withCount]') !== 'false';
    json(res, 200, {
      data: matching.slice((page - 1) * size, page * size),
      meta: { pagination: { page, pageSize: size, ...(counted && { total: matching.length }) } },
    });
  };
}

describe('the Strapi client', () => {
  it('reads every row once, in id order, by id ranges, with the token', async () => {
    // Sparse ids, as a CMS's are after years of republishing, with a dense stretch in the middle.
    const ids = [
      ...Array.from({ length: 300 }, (_, i) => 7 + i * 13),
      ...Array.from({ length: 450 }, (_, i) => 5000 + i),
      ...Array.from({ length: 70 }, (_, i) => 9000 + i * 997),
    ];
    const seen: URLSearchParams[] = [];
    const tokens: string[] = [];
    const handler = listing(
      ids.map((id) => ({ id })),
      seen
    );
    const url = await fakeCms((req, res) => {
      tokens.push(req.headers.authorization ?? '');
      handler(req, res);
    });
    const rows = await createStrapiClient({ baseUrl: url, token: 'secret' }).all<{ id: number }>('articles', {
      status: 'published',
    });
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(new Set(tokens)).toEqual(new Set(['Bearer secret']));
    // Never a page number past the first, and one count (the first request's).
    expect(seen.filter((q) => Number(q.get('pagination[page]') ?? 1) > 1)).toEqual([]);
    expect(seen.filter((q) => q.get('pagination[withCount]') !== 'false')).toHaveLength(1);
    expect(seen.every((q) => q.get('status') === 'published')).toBe(true);
    // Ranges of a few pages each, not a request per id: 820 rows in about 820 / 100 + ranges.
    expect(seen.length).toBeLessThan(8 + 16 + 2 + 1);
  });

  it('reads 100 rows or fewer in one request', async () => {
    const seen: URLSearchParams[] = [];
    const url = await fakeCms(
      listing(
        Array.from({ length: 100 }, (_, i) => ({ id: i + 1 })),
        seen
      )
    );
    expect(await createStrapiClient({ baseUrl: url }).all('tags')).toHaveLength(100);
    expect(seen).toHaveLength(1);
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

  it('refuses a result that lost or gained rows between requests rather than building half a site', async () => {
    const rows = Array.from({ length: 250 }, (_, i) => ({ id: i + 1 }));
    const serve = listing(rows);
    let requests = 0;
    // A story unpublished (its row gone) after the count, and one published (a new id) within it.
    const url = await fakeCms((req, res) => {
      if (++requests === 2) rows.splice(150, 1);
      serve(req, res);
    });
    await expect(createStrapiClient({ baseUrl: url }).all('articles')).rejects.toThrow(
      /returned 249 of 250 articles: the content changed during the build/
    );
    const more = Array.from({ length: 250 }, (_, i) => ({ id: i + 1 }));
    const serveMore = listing(more);
    let n = 0;
    const url2 = await fakeCms((req, res) => {
      if (++n === 3) more.push({ id: 120.5 });
      serveMore(req, res);
    });
    await expect(createStrapiClient({ baseUrl: url2 }).all('articles')).rejects.toThrow(/returned 251 of 250 articles/);
  });
});

describe('a whole read, page by page', () => {
  /** A CMS answering `collections` by path, as `listing` answers one; counts the requests. */
  async function cmsOf(collections: Record<string, { id: number }[]>, requests: string[] = []) {
    return fakeCms((req, res) => {
      const name = new URL(req.url!, 'http://x').pathname.replace('/api/', '');
      requests.push(name);
      listing(collections[name] ?? [])(req, res);
    });
  }

  it('keeps what `each` makes of each row as its page arrives, in id order', async () => {
    const requests: string[] = [];
    const url = await cmsOf({ tags: Array.from({ length: 450 }, (_, i) => ({ id: i + 1 })) }, requests);
    const seenAt: number[] = [];
    const kept = await createStrapiClient({ baseUrl: url }).all<{ id: number }, string>(
      'tags',
      {},
      {
        each: (row) => {
          seenAt.push(requests.length);
          return `tag-${row.id}`;
        },
      }
    );
    expect(kept).toEqual(Array.from({ length: 450 }, (_, i) => `tag-${i + 1}`));
    // The first page's rows were kept before any other page was asked for: never all rows at once.
    expect(seenAt.slice(0, 100)).toEqual(Array(100).fill(1));
    expect(requests.length).toBeGreaterThan(4);
  });

  const row = (id: number, title = `Tin số ${id} – Thiệu Hóa`) => ({
    id,
    documentId: `doc${id}`,
    title,
    slug: `tin-so-${id}`,
    lead: `Sa-pô ${id}`,
    body: `Thân bài ${id}`,
    featured: false,
    publicationDate: '2026-11-29T02:30:00.000Z',
    publishedAt: '2026-11-29T02:30:00.000Z',
    updatedAt: '2026-11-29T02:30:00.000Z',
    createdAt: '2026-11-29T02:00:00.000Z', // Strapi's, not the site's: left out by the parse
    cover: null,
    photos: [],
    category: { documentId: 'c1', name: 'Thời sự', slug: 'thoi-su', description: null, menuOrder: 1 },
    tags: [{ documentId: 't1', name: 'Nông thôn mới', slug: 'nong-thon-moi' }],
    authors: [],
    poll: null,
    seo: null,
  });

  it('a read with the live content keeps each unchanged article as live has it, and only those', async () => {
    const articles = Array.from({ length: 250 }, (_, i) => row(i + 1));
    const url = await cmsOf({ articles });
    const cms = createStrapiClient({ baseUrl: url });
    const live = await fetchSnapshot(cms);
    expect(live.articles).toHaveLength(250);
    expect(live.articles[0]).not.toHaveProperty('createdAt');
    // Between the two reads: a title edited, a category renamed on one article, one unpublished, one new.
    articles[10] = row(11, 'Tiêu đề đã sửa');
    articles[20] = { ...row(21), category: { ...row(21).category, name: 'Thời sự – Chính trị' } };
    articles.splice(30, 1);
    articles.push(row(900));
    const now = await fetchSnapshot(cms, undefined, live);
    const alone = await fetchSnapshot(cms);
    expect(now.articles).toEqual(alone.articles);
    const before = new Map(live.articles.map((a) => [a.documentId, a]));
    const shared = now.articles.filter((a) => before.get(a.documentId) === a).map((a) => a.documentId);
    expect(shared).toHaveLength(250 - 3);
    expect(shared).not.toContain('doc11');
    expect(shared).not.toContain('doc21');
    const edited = now.articles.find((a) => a.documentId === 'doc11')!;
    expect(edited.title).toBe('Tiêu đề đã sửa');
    // Its section and tags unchanged: live's objects, as every other article's.
    expect(edited.category).toBe(live.articles[0].category);
    expect(edited.tags[0]).toBe(live.articles[0].tags[0]);
    expect(now.articles.find((a) => a.documentId === 'doc21')!.category).not.toBe(live.articles[0].category);
    // Held back (the publisher's skip): left out of the read, shared or not.
    const held = await fetchSnapshot(cms, new Set(['doc5', 'doc11']), live);
    expect(held.articles.map((a) => a.documentId)).toEqual(
      alone.articles.map((a) => a.documentId).filter((id) => id !== 'doc5' && id !== 'doc11')
    );
  });

  it('names every article that does not match the schema, on whichever page it came', async () => {
    const articles = Array.from({ length: 250 }, (_, i) => row(i + 1));
    articles[3] = { ...row(4), title: null as unknown as string };
    articles[240] = { ...row(241), photos: 'none' as unknown as [] };
    const error = await fetchSnapshot(createStrapiClient({ baseUrl: await cmsOf({ articles }) })).catch((e) => e);
    expect(error).toBeInstanceOf(InvalidContentError);
    // (In the order their pages arrived: the ranges are read at once.)
    expect(error.documents).toHaveLength(2);
    expect(error.documents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ documentId: 'doc4', field: 'title' }),
        expect.objectContaining({ documentId: 'doc241', field: 'photos' }),
      ])
    );
  });
});

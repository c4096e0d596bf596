/**
 * The one module that talks to the CMS. Every published document the site renders comes through
 * here: paged (Strapi caps pageSize at 100), retried on network errors and 5xx with backoff,
 * timed out, and failing the build with the URL and the cause — never returning half the data.
 */
export interface StrapiClientOptions {
  baseUrl: string;
  token?: string;
  timeoutMs?: number;
  retries?: number;
  /** The setting the token comes from, named when the CMS refuses it. */
  tokenName?: string;
}

export class CmsError extends Error {
  constructor(
    message: string,
    readonly url: string,
    readonly status?: number
  ) {
    super(message);
    this.name = 'CmsError';
  }
}

interface Page<T> {
  data: T[];
  meta: { pagination: { page: number; pageSize: number; pageCount: number; total: number } };
}

/** Rows a request: Strapi's cap (cms/config/api.ts maxLimit). */
const PAGE = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createStrapiClient({
  baseUrl,
  token,
  timeoutMs = 15_000,
  retries = 3,
  tokenName = 'SITE_API_TOKEN',
}: StrapiClientOptions) {
  const base = baseUrl.replace(/\/+$/, '');

  async function get<T>(path: string, params: Record<string, string | number> = {}): Promise<T> {
    const url = `${base}/api/${path}?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]))}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(url, {
          headers: { Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const cause = (error as Error).cause ?? error;
        if (attempt < retries) {
          await sleep(250 * 2 ** attempt);
          continue;
        }
        throw new CmsError(
          `CMS at ${base} is unreachable (${String((cause as Error).message ?? cause)}) for ${url}: is it running? (CMS_URL)`,
          url
        );
      }
      if (res.ok) return (await res.json()) as T;
      if (res.status === 401 || res.status === 403) {
        throw new CmsError(
          `CMS at ${base} refused the API token (${res.status}) for ${url}: set ${tokenName} to a valid token.`,
          url,
          res.status
        );
      }
      if (res.status >= 500 && attempt < retries) {
        await sleep(250 * 2 ** attempt);
        continue;
      }
      const body = await res.text().catch(() => '');
      throw new CmsError(`CMS answered ${res.status} for ${url}: ${body.slice(0, 300)}`, url, res.status);
    }
  }

  /**
   * Every document of a collection that `params` select, in id order. Read by id ranges, never by
   * page number: a page deep in the list costs the CMS a walk over every row before it (at 100,000
   * articles ~0.2–0.4 s a page, most of a full build's fetch), where "ids above the last one read"
   * is a seek in the primary key. The first request tells how many there are and the highest id;
   * the ids between are split into ranges read `concurrency` at a time, each 100 rows a request
   * (Strapi's cap), without a count. Fails rather than return fewer or more rows than counted.
   * `each` turns a row into what is kept of it as its page arrives (a schema's parse): the rows of
   * a whole collection, as the CMS sends them, are never all held at once (at 100,000 articles
   * they are several times what is kept of them).
   */
  async function all<T, U = T>(
    collection: string,
    params: Record<string, string | number> = {},
    { concurrency = 4, each }: { concurrency?: number; each?: (row: T) => U } = {}
  ): Promise<U[]> {
    const keep = (rows: T[]) => (each ? rows.map(each) : (rows as unknown as U[]));
    const idOf = (row: T) => (row as { id: number }).id;
    const first = await get<Page<T>>(collection, { ...params, sort: 'id:asc', 'pagination[pageSize]': PAGE });
    const { total } = first.meta.pagination;
    let rows = keep(first.data);
    if (first.data.length === PAGE && total > PAGE) {
      const highest = await get<Page<T>>(collection, {
        ...params,
        sort: 'id:desc',
        'pagination[pageSize]': 1,
        'pagination[withCount]': 'false',
      });
      const from = idOf(first.data[PAGE - 1]);
      const to = highest.data.length ? idOf(highest.data[0]) : from;
      // More ranges than workers: one dense range does not leave the others idle.
      const count = Math.max(1, Math.min(concurrency * 4, Math.ceil((total - PAGE) / PAGE)));
      const width = Math.ceil((to - from) / count);
      const ranges = Array.from({ length: count }, (_, i) => ({
        above: from + i * width,
        upTo: Math.min(to, from + (i + 1) * width),
      }));
      const parts: U[][] = ranges.map(() => []);
      let next = 0;
      const worker = async () => {
        while (next < ranges.length) {
          const i = next++;
          for (let above = ranges[i].above; above < ranges[i].upTo;) {
            const page = await get<Page<T>>(collection, {
              ...params,
              sort: 'id:asc',
              'filters[id][$gt]': above,
              'filters[id][$lte]': ranges[i].upTo,
              'pagination[pageSize]': PAGE,
              'pagination[withCount]': 'false',
            });
            parts[i].push(...keep(page.data));
            if (page.data.length < PAGE) break;
            above = idOf(page.data[PAGE - 1]);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(concurrency, ranges.length) }, worker));
      rows = [...rows, ...parts.flat()];
    }
    if (rows.length !== total) {
      throw new CmsError(
        `CMS returned ${rows.length} of ${total} ${collection}: the content changed during the build; build again.`,
        `${base}/api/${collection}`
      );
    }
    return rows;
  }

  return { get, all };
}

export type StrapiClient = ReturnType<typeof createStrapiClient>;

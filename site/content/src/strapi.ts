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
   * Every document of a collection, all pages, in the given order. Page 1 tells how many pages
   * there are; the rest are fetched `concurrency` at a time.
   */
  async function all<T>(
    collection: string,
    params: Record<string, string | number> = {},
    concurrency = 4
  ): Promise<T[]> {
    const pageOf = (page: number) =>
      get<Page<T>>(collection, { ...params, 'pagination[page]': page, 'pagination[pageSize]': 100 });
    const first = await pageOf(1);
    const { pageCount, total } = first.meta.pagination;
    const pages: T[][] = [first.data];
    let next = 2;
    const worker = async () => {
      while (next <= pageCount) {
        const page = next++;
        pages[page - 1] = (await pageOf(page)).data;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(0, pageCount - 1)) }, worker));
    const out = pages.flat();
    if (out.length !== total) {
      throw new CmsError(
        `CMS returned ${out.length} of ${total} ${collection}: the content changed during the build; build again.`,
        `${base}/api/${collection}`
      );
    }
    return out;
  }

  return { get, all };
}

export type StrapiClient = ReturnType<typeof createStrapiClient>;

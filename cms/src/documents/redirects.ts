import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { sitePath } from '../contracts/redirects';
import { routes } from '../contracts/routes';

const ARTICLE = 'api::article.article';
const REDIRECT = 'api::redirect.redirect';

type Data = Record<string, unknown>;
interface RedirectRow {
  id: number;
  documentId: string;
  from: string;
  to: string | null;
  article?: { documentId: string } | null;
}

/** A relation as the admin or the API sends it, reduced to "set" or "cleared"; undefined: not given. */
function relationGiven(value: unknown): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') {
    const { connect, set, disconnect } = value as { connect?: unknown[]; set?: unknown[]; disconnect?: unknown[] };
    if (set) return set.length > 0;
    if (connect?.length) return true;
    if (disconnect?.length) return false;
    return undefined;
  }
  return true;
}

const invalid = (message: string) => new errors.ValidationError(message);

/**
 * The rules of redirects ("Chuyển hướng"), on every write path:
 * - `from` and `to` are paths of the site (contracts/redirects.ts), stored normalised;
 * - a redirect goes to an article (wherever its address is now) or to a path, one of the two;
 * - a redirect that would lead back to where it starts is refused, naming the loop;
 * - when a live article's slug changes (on a publish, whichever way it comes: publish-path.ts),
 *   its old address becomes a redirect to the article, so links to it keep working however often
 *   it is renamed (chains collapse: every old address points at the article, not at the address
 *   after it).
 * The build resolves them again against what is live (site/content/src/redirects.ts).
 */
export function registerRedirectRules(strapi: Core.Strapi) {
  const redirects = () => strapi.db.query(REDIRECT);

  strapi.documents.use(async (context, next) => {
    if (context.uid === REDIRECT && (context.action === 'create' || context.action === 'update')) {
      const params = context.params as { data?: Data; documentId?: string };
      if (params.data) await validate(params.data, context.action === 'update' ? params.documentId : undefined);
      return next();
    }
    // Every path that publishes is a `publish` here (publish-path.ts).
    const { documentId } = context.params as { documentId?: string };
    if (context.uid === ARTICLE && context.action === 'publish') {
      if (!documentId) return next();
      const liveSlug = async (): Promise<string | null> =>
        (
          await strapi.db
            .query(ARTICLE)
            .findOne({ select: ['slug'], where: { documentId, publishedAt: { $notNull: true } } })
        )?.slug ?? null;
      const before = await liveSlug();
      const result = await next();
      const after = await liveSlug();
      if (before && after && before !== after) await rememberOldAddress(routes.article(before), documentId);
      return result;
    }
    return next();
  });

  async function rememberOldAddress(from: string, documentId: string) {
    const existing = await redirects().findOne({ where: { from } });
    const data = { from, to: null, article: documentId, automatic: true };
    if (existing) await strapi.documents(REDIRECT).update({ documentId: existing.documentId, data: data as never });
    else await strapi.documents(REDIRECT).create({ data: data as never });
    strapi.log.info(`Redirect: ${from} now leads to article ${documentId} (its slug changed).`);
  }

  async function validate(data: Data, documentId: string | undefined) {
    const current: RedirectRow | null = documentId
      ? await redirects().findOne({ where: { documentId }, populate: { article: { select: ['documentId'] } } })
      : null;

    if (data.from !== undefined || !current) {
      const from = sitePath(data.from);
      if (from.error) throw invalid(`Địa chỉ cũ (from): ${from.error}`);
      if (from.path === '/') throw invalid('Địa chỉ cũ (from) không được là trang chủ.');
      data.from = from.path;
    }
    if (data.to !== undefined && data.to !== null && data.to !== '') {
      const to = sitePath(data.to);
      if (to.error) throw invalid(`Chuyển đến (to): ${to.error}`);
      data.to = to.path;
    } else if (data.to === '') data.to = null;

    const from = (data.from ?? current?.from) as string;
    const to = (data.to !== undefined ? data.to : current?.to) as string | null;
    const article = relationGiven(data.article) ?? Boolean(current?.article);
    if (!to && !article) {
      throw invalid('Chọn bài viết để chuyển tới, hoặc ghi địa chỉ mới (to).');
    }
    if (to && article) {
      throw invalid('Chỉ chọn một trong hai: bài viết, hoặc địa chỉ mới (to).');
    }
    if (to) {
      // Follow where `to` leads; coming back to `from` is a loop.
      const chain = [from, to];
      let at = to;
      for (let step = 0; step < 100; step++) {
        if (at === from) throw invalid(`Chuyển hướng này tạo vòng lặp: ${chain.join(' → ')}.`);
        const next: RedirectRow | null = await redirects().findOne({
          where: { from: at, ...(documentId ? { documentId: { $ne: documentId } } : {}) },
          populate: { article: { select: ['documentId'] } },
        });
        if (!next || next.article || !next.to) break;
        chain.push(next.to);
        at = next.to;
      }
    }
  }
}

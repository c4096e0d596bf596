import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const ARTICLE = 'api::article.article';

type Data = Record<string, unknown>;

function hasAuthors(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value && typeof value === 'object') {
    const { connect, set } = value as { connect?: unknown[]; set?: unknown[] };
    return (set ?? connect ?? []).length > 0;
  }
  return false;
}

const noAuthor = () =>
  new errors.ValidationError('Bài viết cần ít nhất một tác giả trước khi xuất bản (trường "Tác giả", authors).');

/**
 * Articles going public get the rules a newsroom expects:
 * - at least one author (a byline is printed on every article);
 * - `publicationDate` (the date readers see) defaults to the moment of publishing, but an editor
 *   may set it by hand for back-dated imports, and republishing an edit keeps the original date.
 */
export function registerPublicationRules(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== ARTICLE) return next();
    const params = context.params as { data?: Data; documentId?: string; status?: string };

    if (context.action === 'create' && params.status === 'published' && params.data) {
      if (!hasAuthors(params.data.authors)) throw noAuthor();
      params.data.publicationDate ??= new Date().toISOString();
    }

    if (context.action === 'publish' && params.documentId) {
      const draft = await strapi.db.query(ARTICLE).findOne({
        select: ['id', 'publicationDate'],
        where: { documentId: params.documentId, publishedAt: null },
        populate: { authors: { select: ['id'] } },
      });
      if (draft) {
        if (!draft.authors?.length) throw noAuthor();
        if (!draft.publicationDate) {
          await strapi.db.query(ARTICLE).update({ where: { id: draft.id }, data: { publicationDate: new Date() } });
        }
      }
    }
    return next();
  });
}

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const ARTICLE = 'api::article.article';

const noAuthor = () =>
  new errors.ValidationError('Bài viết cần ít nhất một tác giả trước khi xuất bản (trường "Tác giả", authors).');

/**
 * Articles going public (a `publish`, whichever way it comes: publish-path.ts) get the rules a
 * newsroom expects:
 * - at least one author (a byline is printed on every article);
 * - `publicationDate` (the date readers see) defaults to the moment of publishing, but an editor
 *   may set it by hand for back-dated imports, and republishing an edit keeps the original date.
 */
export function registerPublicationRules(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== ARTICLE) return next();
    const params = context.params as { documentId?: string };

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

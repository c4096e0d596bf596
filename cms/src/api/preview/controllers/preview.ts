import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { articlePopulate } from '../../../utils/populate';
import { hideHiddenCounts } from '../../../utils/poll-counts';

const ARTICLE = 'api::article.article';
const DOCUMENT_ID = /^[a-z0-9]{1,64}$/;

interface Ctx {
  params: { documentId?: string };
  query: Record<string, unknown>;
  body: unknown;
  set(name: string, value: string): void;
}

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /**
   * GET /api/preview/articles/:documentId?status=draft|published: one article as its page renders
   * it (the same shape as the public API), in the version the editor previews. Vote counts the
   * poll hides stay hidden, in a preview as on the site.
   */
  async findOne(ctx: Ctx) {
    ctx.set('Cache-Control', 'no-store');
    const { documentId } = ctx.params;
    const status = ctx.query.status ?? 'draft';
    if (!documentId || !DOCUMENT_ID.test(documentId)) throw new errors.ValidationError('Not a document id.');
    if (status !== 'draft' && status !== 'published') {
      throw new errors.ValidationError('status must be "draft" or "published".');
    }
    const article = await strapi.documents(ARTICLE).findOne({ documentId, status, populate: articlePopulate });
    if (!article) throw new errors.NotFoundError('No such article in that version.');
    const sanitized = (await strapi.contentAPI.sanitize.output(article, strapi.getModel(ARTICLE), {
      auth: undefined,
    })) as Record<string, unknown>;
    await hideHiddenCounts(strapi, [sanitized.poll as Parameters<typeof hideHiddenCounts>[1][number]]);
    ctx.body = { data: sanitized };
  },
});

import type { Core, UID } from '@strapi/strapi';

interface Params {
  status?: string;
  documentId?: string;
  locale?: string;
  fields?: unknown;
  populate?: unknown;
}

/**
 * One path to going live. Strapi's `create` and `update` with `status: 'published'` (the REST API's
 * `?status=published`, the seed) publish inside the repository, where no `publish` action passes
 * through the document middlewares; an admin's click is a `publish`. Here the former become a
 * draft write followed by a `publish`, in one transaction, so every rule about publishing (the
 * byline, the date, the schedule, the desk's rights, an article's old address) is written once, on
 * `publish`, and holds on every path. Registered first: the other middlewares see the two steps.
 */
export function registerPublishPath(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    const params = context.params as Params;
    if ((context.action !== 'create' && context.action !== 'update') || params.status !== 'published') return next();
    if (!strapi.getModel(context.uid)?.options?.draftAndPublish) return next();
    return strapi.db.transaction(async () => {
      params.status = 'draft';
      const draft = await next();
      const documentId = (draft as { documentId?: string } | null)?.documentId;
      if (!documentId) return draft;
      const published = await strapi.documents(context.uid as UID.ContentType).publish({
        documentId,
        locale: params.locale,
        fields: params.fields,
        populate: params.populate,
      } as never);
      return published.entries[0];
    });
  });
}

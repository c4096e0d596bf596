/**
 * The server decides what the redirects API returns (see utils/populate.ts): each redirect's
 * paths, and its article by id only. Where that article lives, if it is published at all, the
 * build reads from the published articles (site/content/src/redirects.ts): a draft's slug never
 * leaves the CMS this way.
 */
export default () => {
  return async (ctx: { query: Record<string, unknown> }, next: () => Promise<unknown>) => {
    ctx.query.fields = ['from', 'to'];
    ctx.query.populate = { article: { fields: ['documentId'] } };
    await next();
  };
};

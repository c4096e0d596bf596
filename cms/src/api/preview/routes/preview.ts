/**
 * The one route of the Content API that reads drafts: the preview service's (site/src/preview).
 * Only the preview token (bootstrap/api-tokens.ts) holds its permission; the public role does not
 * (bootstrap/permissions.ts), and the site builder's token does not either.
 */
export default {
  routes: [
    {
      method: 'GET',
      path: '/preview/articles/:documentId',
      handler: 'api::preview.preview.findOne',
      config: { policies: [] },
    },
  ],
};

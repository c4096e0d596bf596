import { factories } from '@strapi/strapi';

/**
 * Read by the site's build token only (bootstrap/site-token.ts): the public never lists the
 * redirects; it meets them as 301s. Editors manage them in the admin.
 *
 * The answer holds each redirect's `from` and `to` (middlewares/populate.ts); filters, sort and
 * fields may name those and the ids only, so the editors' note and the `automatic` flag cannot be
 * read a character at a time through them either.
 */
export default factories.createCoreRouter('api::redirect.redirect', {
  only: ['find'],
  config: {
    find: {
      policies: [{ name: 'global::public-query', config: { uid: 'api::redirect.redirect', fields: ['from', 'to'] } }],
      middlewares: ['api::redirect.populate'],
    },
  },
});

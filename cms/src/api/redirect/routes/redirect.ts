import { factories } from '@strapi/strapi';

/**
 * Read by the site's build token only (bootstrap/site-token.ts): the public never lists the
 * redirects; it meets them as 301s. Editors manage them in the admin.
 */
export default factories.createCoreRouter('api::redirect.redirect', {
  only: ['find'],
  config: {
    find: {
      policies: [{ name: 'global::public-query', config: { uid: 'api::redirect.redirect' } }],
      middlewares: ['api::redirect.populate'],
    },
  },
});

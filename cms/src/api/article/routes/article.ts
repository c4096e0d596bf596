import { factories } from '@strapi/strapi';

const read = { policies: ['global::published-only'], middlewares: ['api::article.populate'] };

export default factories.createCoreRouter('api::article.article', {
  config: { find: read, findOne: read },
});

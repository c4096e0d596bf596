import { factories } from '@strapi/strapi';

const read = { middlewares: ['global::published-only', 'api::article.populate'] };

export default factories.createCoreRouter('api::article.article', {
  config: { find: read, findOne: read },
});

import { factories } from '@strapi/strapi';

const read = { middlewares: ['global::published-only', 'api::author.populate'] };

export default factories.createCoreRouter('api::author.author', {
  config: { find: read, findOne: read },
});

import { factories } from '@strapi/strapi';

const read = { policies: ['global::published-only'], middlewares: ['api::author.populate'] };

export default factories.createCoreRouter('api::author.author', {
  config: { find: read, findOne: read },
});

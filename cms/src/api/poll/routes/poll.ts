import { factories } from '@strapi/strapi';

const read = { middlewares: ['global::published-only', 'api::poll.populate'] };

export default factories.createCoreRouter('api::poll.poll', {
  config: { find: read, findOne: read },
});

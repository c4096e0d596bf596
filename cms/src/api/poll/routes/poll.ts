import { factories } from '@strapi/strapi';

const read = { policies: ['global::published-only'], middlewares: ['api::poll.populate'] };

export default factories.createCoreRouter('api::poll.poll', {
  config: { find: read, findOne: read },
});

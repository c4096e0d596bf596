import { factories } from '@strapi/strapi';

const read = { middlewares: ['global::published-only', 'api::photo.populate'] };

export default factories.createCoreRouter('api::photo.photo', {
  config: { find: read, findOne: read },
});

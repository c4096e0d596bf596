import { factories } from '@strapi/strapi';

const read = { policies: ['global::published-only'], middlewares: ['api::photo.populate'] };

export default factories.createCoreRouter('api::photo.photo', {
  config: { find: read, findOne: read },
});

import { factories } from '@strapi/strapi';

const read = { policies: ['global::published-only'] };

export default factories.createCoreRouter('api::tag.tag', {
  config: { find: read, findOne: read },
});

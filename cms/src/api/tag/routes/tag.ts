import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::tag.tag');

export default factories.createCoreRouter('api::tag.tag', {
  config: { find: read, findOne: read },
});

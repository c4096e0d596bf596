import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::category.category');

export default factories.createCoreRouter('api::category.category', {
  config: { find: read, findOne: read },
});

import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::article.article', ['api::article.populate']);

export default factories.createCoreRouter('api::article.article', {
  config: { find: read, findOne: read },
});

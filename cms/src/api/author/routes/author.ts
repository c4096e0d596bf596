import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::author.author', ['api::author.populate']);

export default factories.createCoreRouter('api::author.author', {
  config: { find: read, findOne: read },
});

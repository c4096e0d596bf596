import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::photo.photo', ['api::photo.populate']);

export default factories.createCoreRouter('api::photo.photo', {
  config: { find: read, findOne: read },
});

import { factories } from '@strapi/strapi';
import { publicRead } from '../../../policies/public-query';

const read = publicRead('api::poll.poll', ['api::poll.populate']);

export default factories.createCoreRouter('api::poll.poll', {
  config: { find: read, findOne: read },
});

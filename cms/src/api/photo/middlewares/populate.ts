import type { Core } from '@strapi/strapi';
import { photoPopulate } from '../../../utils/populate';

/** The server decides what the photo API returns (see utils/populate.ts). */
export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: { query: Record<string, unknown> }, next: () => Promise<unknown>) => {
    ctx.query.populate = photoPopulate.populate;
    await next();
  };
};

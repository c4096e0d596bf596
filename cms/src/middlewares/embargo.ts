import type { Core } from '@strapi/strapi';
import { isFullAccessToken } from '../policies/public-query';
import { visibleIds } from '../utils/visibility';

interface Ctx {
  query: Record<string, unknown>;
  state: { auth?: Parameters<typeof isFullAccessToken>[0] };
}

/**
 * Limits a public `find`/`findOne` of an embargoed type to the entries a published article uses
 * (utils/visibility.ts): others answer as if they did not exist. On a route:
 * `{ name: 'global::embargo', config: { uid } }`.
 */
export default (config: { uid: string }, { strapi }: { strapi: Core.Strapi }) =>
  async (ctx: Ctx, next: () => Promise<unknown>) => {
    if (!isFullAccessToken(ctx.state.auth)) {
      const visible = { id: { $in: await visibleIds(strapi, config.uid) } };
      ctx.query.filters = ctx.query.filters ? { $and: [ctx.query.filters, visible] } : visible;
    }
    await next();
  };

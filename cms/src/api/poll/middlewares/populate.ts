import type { Core } from '@strapi/strapi';
import { pollPopulate } from '../../../utils/populate';
import { entriesOf, hideHiddenCounts } from '../../../utils/poll-counts';

/** The server decides what the poll API returns (see utils/populate.ts); hidden counts stay hidden. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  return async (ctx: { query: Record<string, unknown>; body?: unknown }, next: () => Promise<unknown>) => {
    ctx.query.populate = pollPopulate.populate;
    await next();
    await hideHiddenCounts(strapi, entriesOf(ctx.body));
  };
};

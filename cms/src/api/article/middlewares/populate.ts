import type { Core } from '@strapi/strapi';
import { articlePopulate } from '../../../utils/populate';
import { entriesOf, hideHiddenCounts } from '../../../utils/poll-counts';

/** The server decides what the article API returns (see utils/populate.ts); hidden poll counts stay hidden. */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  return async (ctx: { query: Record<string, unknown>; body?: unknown }, next: () => Promise<unknown>) => {
    ctx.query.populate = articlePopulate;
    await next();
    await hideHiddenCounts(
      strapi,
      entriesOf(ctx.body).map((article) => article.poll as Parameters<typeof hideHiddenCounts>[1][number])
    );
  };
};

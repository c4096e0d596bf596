import type { Core } from '@strapi/strapi';
import { isFullAccessToken } from '../policies/public-query';
import { EMBARGOED, visibleQuery } from '../utils/visibility';

interface Ctx {
  state: { auth?: Parameters<typeof isFullAccessToken>[0]; embargo?: string };
}

/**
 * Limits a public `find`/`findOne` of an embargoed type to the entries a published article uses
 * (utils/visibility.ts): others answer as if they did not exist. On a route:
 * `{ name: 'global::embargo', config: { uid } }`.
 *
 * The route only marks the request (`ctx.state.embargo`); the condition is added to its database
 * queries (`registerEmbargo`) as a subquery, not as a list of the visible ids in the filters: an
 * archive's 100,000 photos would be 100,000 bound values, past what PostgreSQL (65,535) and SQLite
 * (32,766) take in one statement, read again for every request. The filters the Content API
 * validates and sanitises cannot carry a subquery.
 */
export default (config: { uid: string }) => async (ctx: Ctx, next: () => Promise<unknown>) => {
  if (!isFullAccessToken(ctx.state.auth)) ctx.state.embargo = config.uid;
  await next();
};

interface QueryEvent {
  model: { uid: string };
  params: { where?: unknown };
}

/**
 * Adds "a published article uses it" to every read of the type a marked request is for: its
 * list, the count behind its pagination and its single entry. Requests the route did not mark (the
 * admin, full-access tokens, the CMS's own work) read every entry.
 */
export function registerEmbargo(strapi: Core.Strapi) {
  const restrict = (event: QueryEvent) => {
    const state = strapi.requestContext.get()?.state as Ctx['state'] | undefined;
    if (state?.embargo !== event.model.uid) return;
    const visible = { id: { $in: visibleQuery(strapi, event.model.uid) ?? [] } };
    event.params.where = event.params.where ? { $and: [event.params.where, visible] } : visible;
  };
  strapi.db.lifecycles.subscribe({
    models: [...EMBARGOED],
    beforeFindMany: restrict,
    beforeFindOne: restrict,
    beforeCount: restrict,
  });
}

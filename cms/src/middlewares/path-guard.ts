import { errors } from '@strapi/utils';

interface Ctx {
  path: string;
}

/** `%00` (or a raw NUL) in a URL's path, as Koa gives it: still percent-encoded. */
const NUL = /%00|\0/i;

/**
 * Refuses a URL whose path holds U+0000 (a NUL character), on every route: no document id, slug or
 * name holds one, and PostgreSQL fails any query given one (22021) with a 500. The query guard
 * (policies/public-query.ts) refuses it in the query string; this is the same rule for the path
 * (`/api/articles/%00`, `/api/polls/%00/results`), before any route reads it. A 400 naming it.
 */
export default () => async (ctx: Ctx, next: () => Promise<unknown>) => {
  if (NUL.test(ctx.path)) throw new errors.ValidationError('U+0000 (a NUL character) is not allowed in the URL path.');
  await next();
};

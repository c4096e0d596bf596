import type { Core } from '@strapi/strapi';

type Option = { id?: number; votes?: number } & Record<string, unknown>;

/**
 * Vote counts belong to readers: an editor saving a poll (whose form still holds the counts it
 * loaded) or an API client must not overwrite them. On update, every existing option keeps the
 * count in the database at that moment and a new option starts at 0.
 */
export function registerPollVoteGuard(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== 'api::poll.poll' || context.action !== 'update') return next();
    const data = (context.params as { data?: { options?: Option[] } }).data;
    if (!Array.isArray(data?.options)) return next();
    const ids = data.options.map((o) => o.id).filter((id): id is number => typeof id === 'number');
    const rows: { id: number; votes: number }[] = ids.length
      ? await strapi.db.connection('components_poll_options').select('id', 'votes').whereIn('id', ids)
      : [];
    const counted = new Map(rows.map((r) => [r.id, r.votes]));
    data.options = data.options.map((o) => ({ ...o, votes: (o.id !== undefined && counted.get(o.id)) || 0 }));
    return next();
  });
}

import type { Core } from '@strapi/strapi';

type Option = { id?: number; votes?: number } & Record<string, unknown>;

/**
 * Vote counts belong to readers: an editor saving a poll (whose form still holds the counts it
 * loaded) or an API client must not overwrite them. On update, an existing option's count is left
 * out of the write, so the column keeps whatever votes are being counted at that very moment (a
 * read-then-write would lose the votes cast in between); a new option starts at 0.
 */
export function registerPollVoteGuard(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    if (context.uid !== 'api::poll.poll' || !['update', 'delete'].includes(context.action)) return next();
    const { documentId, data } = context.params as { documentId?: string; data?: { options?: Option[] } };
    if (context.action === 'update' && Array.isArray(data?.options)) {
      data.options = data.options.map(({ votes: _readers, ...option }) =>
        typeof option.id === 'number' ? option : { ...option, votes: 0 }
      );
    }
    const result = await next();
    // Votes then check the poll's new dates and options at once, not after the settings cache expires.
    if (documentId) strapi.service('api::poll.voting')?.forgetSettings(documentId);
    return result;
  });
}

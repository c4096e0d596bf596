import type { Core } from '@strapi/strapi';

type Option = { id?: number; votes?: number } & Record<string, unknown>;

/**
 * An editor's save and a batch of votes lock the same option rows; on PostgreSQL one of them can
 * lose a deadlock (40P01) or a serialization failure (40001). The ballot box retries its batches;
 * the save is retried here too, in a new transaction, so the editor never sees a 500 for it.
 */
async function saveRetryingDeadlocks<T>(save: () => T, attempts = 4): Promise<Awaited<T>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await save();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= attempts || (code !== '40P01' && code !== '40001')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
    }
  }
}

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
    const result = await saveRetryingDeadlocks(next);
    // Votes then check the poll's new dates and options at once, not after the settings cache expires.
    if (documentId) strapi.service('api::poll.voting')?.forgetSettings(documentId);
    return result;
  });
}

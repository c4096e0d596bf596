import type { Core } from '@strapi/strapi';
import { resultsVisible } from '../contracts/polls';

type PollLike = { documentId?: unknown; options?: { votes?: number | null }[] };

/**
 * A poll whose editor hides results until it closes shows no counts anywhere before then: every
 * public response that carries its options carries `votes: null`. Decided from the poll's own
 * settings in the database, not from the response (a client may have left those fields out).
 */
export async function hideHiddenCounts(strapi: Core.Strapi, polls: (PollLike | null | undefined)[]) {
  const withOptions = polls.filter(
    (p): p is PollLike => !!p && Array.isArray(p.options) && typeof p.documentId === 'string'
  );
  if (!withOptions.length) return;
  const ids = [...new Set(withOptions.map((p) => p.documentId as string))];
  const settings = (await strapi.db.query('api::poll.poll').findMany({
    where: { documentId: { $in: ids } },
    select: ['documentId', 'opensAt', 'closesAt', 'showResultsBeforeClose'],
  })) as {
    documentId: string;
    opensAt: string | null;
    closesAt: string | null;
    showResultsBeforeClose: boolean | null;
  }[];
  const now = new Date();
  const hidden = new Set(settings.filter((s) => !resultsVisible(s, now)).map((s) => s.documentId));
  for (const poll of withOptions) {
    if (hidden.has(poll.documentId as string)) poll.options = poll.options!.map((o) => ({ ...o, votes: null }));
  }
}

/** The `data` of a Content API answer as a list (find: a list, findOne: one entry or null). */
export const entriesOf = (body: unknown): Record<string, unknown>[] => {
  const data = (body as { data?: unknown } | undefined)?.data;
  return Array.isArray(data) ? data : data && typeof data === 'object' ? [data as Record<string, unknown>] : [];
};

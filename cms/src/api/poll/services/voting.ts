import { createHash, randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';

/** What a reader may see of a poll's counts. */
export interface PollResults {
  poll: string;
  total: number;
  closed: boolean;
  options: { id: number; label: string; votes: number; percent: number }[];
}

export type VoteOutcome =
  | { kind: 'counted'; option: number; results: PollResults }
  | { kind: 'duplicate'; option: number }
  | { kind: 'not-found' }
  | { kind: 'unknown-option' }
  | { kind: 'not-open'; opensAt: string }
  | { kind: 'closed'; closedAt: string };

interface PollRow {
  documentId: string;
  opensAt: string | null;
  closesAt: string | null;
  showResultsBeforeClose: boolean | null;
  options: { id: number; label: string; votes: number }[];
}

const OPTIONS_TABLE = 'components_poll_options';
const VOTES_TABLE = 'poll_votes';

const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '')
  );
};

export const isClosed = (poll: Pick<PollRow, 'closesAt'>, now = new Date()) =>
  !!poll.closesAt && now >= new Date(poll.closesAt);

/** How long a poll's settings (dates, options) are reused between votes; counts are always live. */
const SETTINGS_TTL_MS = 5_000;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  settings: new Map<string, { poll: PollRow | null; at: number }>(),

  async findPoll(documentId: string): Promise<PollRow | null> {
    return strapi.db.query('api::poll.poll').findOne({
      where: { documentId },
      select: ['documentId', 'opensAt', 'closesAt', 'showResultsBeforeClose'],
      populate: { options: { select: ['id', 'label', 'votes'] } },
    });
  },

  /** The poll's settings, cached for a few seconds: a burst of votes costs no poll lookups. */
  async pollSettings(documentId: string): Promise<PollRow | null> {
    const hit = this.settings.get(documentId);
    if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.poll;
    const poll = await this.findPoll(documentId);
    this.settings.set(documentId, { poll, at: Date.now() });
    return poll;
  },

  /** The poll with its live counts (one small query on top of the cached settings). */
  async withCounts(poll: PollRow): Promise<PollRow> {
    const options: { id: number; label: string; votes: number }[] = await strapi.db
      .connection(OPTIONS_TABLE)
      .select('id', 'label', 'votes')
      .whereIn(
        'id',
        poll.options.map((o) => o.id)
      );
    return { ...poll, options: options.map((o) => ({ ...o, votes: Number(o.votes) })) };
  },

  results(poll: PollRow): PollResults {
    const options = [...poll.options].sort((a, b) => a.id - b.id);
    const total = options.reduce((n, o) => n + o.votes, 0);
    return {
      poll: poll.documentId,
      total,
      closed: isClosed(poll),
      options: options.map((o) => ({
        id: o.id,
        label: o.label,
        votes: o.votes,
        percent: total ? Math.round((o.votes / total) * 1000) / 10 : 0,
      })),
    };
  },

  /**
   * Counts one vote, exactly once. The ledger row (unique per reader and poll, twice over: by
   * signed cookie and by salted client hash) and the counter increment happen in one transaction,
   * and the increment is a single `UPDATE … SET votes = votes + 1`: no read-modify-write, so
   * concurrent votes are never lost and a duplicate changes nothing.
   */
  async vote(
    documentId: string,
    optionId: number,
    voter: { voterId: string; clientHash: string }
  ): Promise<VoteOutcome> {
    const poll = await this.pollSettings(documentId);
    if (!poll) return { kind: 'not-found' };
    if (!poll.options.some((o) => o.id === optionId)) return { kind: 'unknown-option' };
    const now = new Date();
    if (poll.opensAt && now < new Date(poll.opensAt)) return { kind: 'not-open', opensAt: poll.opensAt };
    if (isClosed(poll, now)) return { kind: 'closed', closedAt: poll.closesAt! };

    const voterKey = `${documentId}:${voter.voterId}`;
    const clientKey = `${documentId}:${voter.clientHash}`;
    const knex = strapi.db.connection;
    try {
      await knex.transaction(async (trx) => {
        await trx(VOTES_TABLE).insert({
          document_id: randomUUID().replace(/-/g, '').slice(0, 24),
          poll_document_id: documentId,
          option_id: optionId,
          voter_key: voterKey,
          client_key: clientKey,
          created_at: now,
          updated_at: now,
        });
        await trx(OPTIONS_TABLE).where({ id: optionId }).increment('votes', 1);
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const earlier = await knex(VOTES_TABLE)
        .select('option_id')
        .where({ voter_key: voterKey })
        .orWhere({ client_key: clientKey })
        .first();
      return { kind: 'duplicate', option: Number(earlier?.option_id) };
    }
    return { kind: 'counted', option: optionId, results: this.results(await this.withCounts(poll)) };
  },

  /** A salted, windowed hash of the client: raw IP addresses are never stored or logged. */
  clientHash(ip: string, userAgent: string, now = Date.now()) {
    const windowMs = Number(process.env.POLL_VOTER_WINDOW_HOURS ?? 24) * 3_600_000;
    const salt = process.env.POLL_HASH_SALT || strapi.config.get<string[]>('server.app.keys')[0];
    return createHash('sha256')
      .update(`${salt}|${ip}|${userAgent}|${Math.floor(now / windowMs)}`)
      .digest('base64url');
  },
});

import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { BallotBox } from '../lib/ballot-box';
import { percentages, pollPhase } from '../../../contracts/polls';
import { isVisible } from '../../../utils/visibility';
import { addressKey } from '../../../utils/client-address';
import { sharedState } from '../../../shared/redis';

/** Where a CMS process says that an editor changed a poll (shared/redis.ts). */
const POLL_CHANGED = 'poll-settings-changed';

/** What a reader may see of a poll's counts. */
export interface PollResults {
  poll: string;
  total: number;
  closed: boolean;
  options: { id: number; label: string; votes: number; percent: number }[];
}

export type VoteOutcome =
  | { kind: 'counted'; option: number; results: PollResults }
  | { kind: 'duplicate'; option: number | null }
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

/**
 * How long a poll's settings (dates, options) are reused between votes; counts are always live.
 * An editor's change reaches every CMS process at once (forgetSettings); this bounds how long a
 * process that missed the news (Redis away) goes on with the old settings.
 */
const SETTINGS_TTL_MS = settingsTtlMs(process.env.POLL_SETTINGS_TTL_SECONDS);

function settingsTtlMs(value: string | undefined) {
  const seconds = Number(value || 5);
  if (!Number.isFinite(seconds) || seconds < 0)
    throw new Error(`POLL_SETTINGS_TTL_SECONDS must be a number of seconds ≥ 0, not "${value}".`);
  return seconds * 1000;
}
const SETTINGS_MAX = 1_000;

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  settings: new Map<string, { poll: Promise<PollRow | null>; at: number }>(),
  ballotBox: new BallotBox(() => strapi.db.connection),

  /** The poll, if readers may see it: one a published article uses (utils/visibility.ts). */
  async findPoll(documentId: string): Promise<PollRow | null> {
    if (!(await isVisible(strapi, 'api::poll.poll', documentId))) return null;
    return strapi.db.query('api::poll.poll').findOne({
      where: { documentId },
      select: ['documentId', 'opensAt', 'closesAt', 'showResultsBeforeClose'],
      populate: { options: { select: ['id', 'label', 'votes'] } },
    });
  },

  /**
   * The poll's settings, cached for a few seconds and looked up once however many votes ask at
   * the same moment: a burst of votes costs no poll lookups. A failed lookup is not cached.
   */
  pollSettings(documentId: string): Promise<PollRow | null> {
    const hit = this.settings.get(documentId);
    if (hit && Date.now() - hit.at < SETTINGS_TTL_MS) return hit.poll;
    const poll = this.findPoll(documentId);
    const entry = { poll, at: Date.now() };
    this.settings.delete(documentId);
    this.settings.set(documentId, entry);
    // Bounded: ids that are no poll (or many polls) cannot grow it without end; the oldest go first.
    while (this.settings.size > SETTINGS_MAX) this.settings.delete(this.settings.keys().next().value!);
    poll.catch(() => this.settings.get(documentId) === entry && this.settings.delete(documentId));
    return poll;
  },

  /**
   * An editor changed a poll: the next vote reads its new dates and options, on this process at
   * once and on every other CMS process as soon as Redis carries the news (a few milliseconds).
   */
  forgetSettings(documentId: string) {
    this.settings.delete(documentId);
    sharedState(strapi.log)
      .publish(POLL_CHANGED, documentId)
      .catch((error: Error) =>
        strapi.log.warn(
          `Poll ${documentId} changed, but other CMS processes were not told (${error.message}): they read it within ${SETTINGS_TTL_MS / 1000} s.`
        )
      );
  },

  /** Forgets a poll's settings whenever any CMS process says an editor changed it (bootstrap). */
  listenForChanges(): Promise<void> {
    return sharedState(strapi.log).subscribe(POLL_CHANGED, (documentId) => this.settings.delete(documentId));
  },

  results(poll: PollRow): PollResults {
    const options = [...poll.options].sort((a, b) => a.id - b.id);
    const percent = percentages(options.map((o) => o.votes));
    return {
      poll: poll.documentId,
      total: options.reduce((n, o) => n + o.votes, 0),
      closed: pollPhase(poll) === 'closed',
      options: options.map((o, i) => ({ id: o.id, label: o.label, votes: o.votes, percent: percent[i] })),
    };
  },

  /**
   * Counts one vote, exactly once: the ballot box writes it with the other votes of the moment in
   * one transaction, where the ledger's unique keys (per reader and poll, by signed cookie and by
   * salted client hash) refuse a duplicate and the counter moves by a single atomic increment.
   */
  async vote(
    documentId: string,
    optionId: number,
    voter: { voterId: string; clientHash: string }
  ): Promise<VoteOutcome> {
    const poll = await this.pollSettings(documentId);
    if (!poll) return { kind: 'not-found' };
    if (!poll.options.some((o) => o.id === optionId)) return { kind: 'unknown-option' };
    const phase = pollPhase(poll);
    if (phase === 'upcoming') return { kind: 'not-open', opensAt: poll.opensAt! };
    if (phase === 'closed') return { kind: 'closed', closedAt: poll.closesAt! };

    const result = await this.ballotBox.cast({
      pollDocumentId: documentId,
      optionId,
      pollOptionIds: poll.options.map((o) => o.id),
      voterKey: `${documentId}:${voter.voterId}`,
      clientKey: `${documentId}:${voter.clientHash}`,
    });
    if (!result.counted) return { kind: 'duplicate', option: result.option };
    const options = poll.options.map((o) => ({ ...o, votes: result.counts.get(o.id) ?? 0 }));
    return { kind: 'counted', option: optionId, results: this.results({ ...poll, options }) };
  },

  /**
   * The repeat-vote key of a client: a salted hash of its address (IPv6 by /64, see
   * utils/client-address.ts), per window of POLL_VOTER_WINDOW_HOURS. Raw addresses are never
   * stored or logged; the User-Agent is not part of it (a client picks it at will). Where readers
   * share an address (an office, a school), POLL_VOTES_PER_IP lets up to that many readers with
   * their own cookie vote from it: each cookie falls into one of that many slots.
   */
  clientHash(address: string, voterId: string, now = Date.now()) {
    const windowMs = Number(process.env.POLL_VOTER_WINDOW_HOURS ?? 24) * 3_600_000;
    const perAddress = Math.max(1, Math.floor(Number(process.env.POLL_VOTES_PER_IP ?? 1)) || 1);
    const slot = perAddress > 1 ? createHash('sha256').update(voterId).digest().readUInt32BE(0) % perAddress : 0;
    const salt = process.env.POLL_HASH_SALT || strapi.config.get<string[]>('server.app.keys')[0];
    return createHash('sha256')
      .update(`${salt}|${addressKey(address)}|${slot}|${Math.floor(now / windowMs)}`)
      .digest('base64url');
  },
});

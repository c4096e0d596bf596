/**
 * The poll rules the CMS enforces (votes, results) and the site shows (the poll box): when a poll
 * is open, when its results may be shown, and how votes become percentages. Pure functions of the
 * poll and the time, compiled into the CMS by Strapi and imported by name
 * (`@newsroom/contracts/polls`) by the site.
 */

export interface PollTimes {
  opensAt?: string | null;
  closesAt?: string | null;
}

/** Before `opensAt` a poll is upcoming; from `closesAt` on (inclusive) it is closed. */
export type PollPhase = 'upcoming' | 'open' | 'closed';

export function pollPhase(poll: PollTimes, now: Date = new Date()): PollPhase {
  if (poll.opensAt && now < new Date(poll.opensAt)) return 'upcoming';
  if (poll.closesAt && now >= new Date(poll.closesAt)) return 'closed';
  return 'open';
}

export const isPollOpen = (poll: PollTimes, now: Date = new Date()) => pollPhase(poll, now) === 'open';

/** Counts are public once a poll closes; before that only when the editor allowed it (the default). */
export function resultsVisible(poll: PollTimes & { showResultsBeforeClose?: boolean | null }, now = new Date()) {
  return poll.showResultsBeforeClose !== false || pollPhase(poll, now) === 'closed';
}

/** Each option's share of the votes, in percent with one decimal (0 when nobody voted). */
export function percentages(votes: readonly number[]): number[] {
  const total = votes.reduce((n, v) => n + v, 0);
  return votes.map((v) => (total ? Math.round((v / total) * 1000) / 10 : 0));
}

import { describe, expect, it } from 'vitest';
import { xoroshiro128plus } from 'pure-rand';
import { clockChange, NEWS_SITEMAP_WINDOW_MS, nextChange, pollFace, renderedAt, shownDate, vietnamYear } from './clock';
import { withClock } from './plan';
import type { Article, Poll } from './schema';
import { newestFirst, type Snapshot } from './snapshot';

/**
 * The clock against its definition, on random newsrooms: what the pages show that depends on the
 * time (each poll box, the home page's current poll, the news sitemap, the footer's year) is the
 * same at every instant before `nextChange`, and `clockChange` names every article page whose box
 * differs between two instants.
 */

function prng(seed: number) {
  const generator = xoroshiro128plus(seed);
  return () => (generator.unsafeNext() >>> 0) / 2 ** 32;
}

const BASE = Date.UTC(2026, 11, 30, 12); // near a new year in Vietnam (31 Dec 17:00 UTC)
const DAY = 24 * 3600 * 1000;

function newsroom(random: () => number): Snapshot {
  const at = () => new Date(BASE + Math.round((random() - 0.5) * 6 * DAY)).toISOString();
  const polls: Poll[] = Array.from({ length: 5 }, (_, i) => ({
    documentId: `poll${i}`,
    question: `Câu hỏi ${i}?`,
    opensAt: random() < 0.7 ? at() : null,
    closesAt: random() < 0.7 ? at() : null,
    showResultsBeforeClose: random() < 0.5,
    options: [
      { id: 1, label: 'Có', votes: 1 },
      { id: 2, label: 'Không', votes: 2 },
    ],
  }));
  const articles = Array.from({ length: 30 }, (_, i) => {
    const date = at();
    return {
      documentId: `doc${i}`,
      slug: `tin-${i}`,
      publicationDate: random() < 0.5 ? date : null,
      publishedAt: date,
      poll: random() < 0.4 ? polls[Math.floor(random() * polls.length)] : null,
      category: null,
      tags: [],
      authors: [],
    } as unknown as Article;
  });
  return {
    version: 1,
    fetchedAt: new Date(BASE).toISOString(),
    articles,
    categories: [],
    authors: [],
    tags: [],
    polls,
  };
}

/** Everything time-dependent the site shows, as the pages compute it. */
function shown(s: Snapshot, now: Date) {
  return {
    home: s.polls.map((p) => pollFace(p, now)),
    articles: s.articles.map((a) => (a.poll ? pollFace(a.poll, now) : null)),
    sitemap: s.articles
      .filter((a) => Date.parse(shownDate(a)) > now.getTime() - NEWS_SITEMAP_WINDOW_MS)
      .map((a) => a.documentId),
    year: vietnamYear(now),
  };
}

describe('the clock: when pages change by themselves', () => {
  it('on 200 random newsrooms: nothing shown changes before the next change, and every changed poll box is named', () => {
    const random = prng(20261129);
    for (let run = 0; run < 200; run++) {
      const s = newsroom(random);
      const from = new Date(BASE + Math.round((random() - 0.5) * 8 * DAY));
      const next = nextChange(s, from);
      expect(next, `run ${run}`).not.toBeNull();
      // Found by bisection in the articles newest first, the same instant.
      expect(nextChange(s, from, [...s.articles].sort(newestFirst)), `run ${run}`).toEqual(next);
      expect(next!.getTime()).toBeGreaterThan(from.getTime());
      const before = shown(s, from);
      for (let k = 0; k < 20; k++) {
        const t = new Date(from.getTime() + Math.floor(random() * (next!.getTime() - from.getTime())));
        expect(shown(s, t), `run ${run}: ${t.toISOString()} is before ${next!.toISOString()}`).toEqual(before);
      }
      for (let k = 0; k < 10; k++) {
        const to = new Date(from.getTime() + Math.floor(random() * 4 * DAY));
        const after = shown(s, to);
        const change = clockChange(s, from, to);
        if (JSON.stringify(after) !== JSON.stringify(before)) expect(change.kind, `run ${run}`).not.toBe('none');
        if (change.kind === 'pages') {
          const differing = s.articles.filter((a, i) => before.articles[i] !== after.articles[i]).map((a) => a.slug);
          expect(change.articles.sort()).toEqual([...new Set(differing)].sort());
        }
        if (after.year !== before.year) expect(change.kind).toBe('full');
      }
    }
  });

  it('the year turns at midnight in Vietnam (UTC+7), and that change is a full build', () => {
    expect(vietnamYear(new Date('2026-12-31T16:59:59.999Z'))).toBe(2026);
    expect(vietnamYear(new Date('2026-12-31T17:00:00.000Z'))).toBe(2027);
    const empty: Snapshot = {
      version: 1,
      fetchedAt: '',
      articles: [],
      categories: [],
      authors: [],
      tags: [],
      polls: [],
    };
    expect(nextChange(empty, new Date('2026-06-01T00:00:00Z'))).toEqual(new Date('2026-12-31T17:00:00.000Z'));
    expect(clockChange(empty, new Date('2026-12-31T16:00:00Z'), new Date('2026-12-31T18:00:00Z')).kind).toBe('full');
  });

  it('a poll opening joins a plan with nothing else to do, as its article page; the new content records the instant', () => {
    const opensAt = '2026-11-29T10:00:00.000Z';
    const poll: Poll = {
      documentId: 'p',
      question: 'Bạn đồng ý?',
      opensAt,
      closesAt: null,
      showResultsBeforeClose: false,
      options: [{ id: 1, label: 'Có', votes: null }],
    };
    const live: Snapshot = {
      version: 1,
      fetchedAt: '2026-11-29T09:00:00.000Z',
      articles: [
        { documentId: 'a', slug: 'co-tham-do', poll },
        { documentId: 'b', slug: 'khong-tham-do', poll: null },
      ].map((a) => ({
        ...a,
        publishedAt: '2026-11-20T00:00:00.000Z',
        publicationDate: null,
        category: null,
        tags: [],
        authors: [],
      })) as unknown as Article[],
      categories: [],
      authors: [],
      tags: [],
      polls: [poll],
    };
    expect(nextChange(live, renderedAt(live))).toEqual(new Date(opensAt));
    const early = withClock({ kind: 'none', reason: 'nothing' }, live, new Date('2026-11-29T09:59:59.999Z'));
    expect(early.kind).toBe('none');
    const plan = withClock({ kind: 'none', reason: 'nothing' }, live, new Date('2026-11-29T10:00:00.250Z'));
    expect(plan.kind).toBe('scoped');
    if (plan.kind !== 'scoped') return;
    expect(plan.scope).toEqual({ articles: ['co-tham-do'], categories: [], authors: [], tags: [], sitemaps: [] });
    expect(plan.snapshot.renderedAt).toBe('2026-11-29T10:00:00.250Z');
    // Rendered after it opened, the release's next change is no longer the opening.
    expect(nextChange(plan.snapshot, renderedAt(plan.snapshot))!.getTime()).toBeGreaterThan(Date.parse(opensAt));
  });
});

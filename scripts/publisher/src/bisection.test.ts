import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidContentError } from '@newsroom/content/snapshot';
import { ARTICLE, Bisection, BuildError } from './bisection';
import { noChanges } from './events';
import { ChangeQueue, docKey, type ChangeKey } from './queue';
import type { PublishState } from './state';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A queue in a temporary folder, with `n` changed articles pending, and a bisection over it. */
function setup(n: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-bisection-'));
  dirs.push(dir);
  const queue = new ChangeQueue(path.join(dir, 'queue.json'));
  const ids = Array.from({ length: n }, (_, i) => `doc${String(i).padStart(3, '0')}`);
  queue.add({ ...noChanges(), documents: { [ARTICLE]: ids } }, 'webhook');
  const state: PublishState = {
    generatedAt: '2026-11-29T08:00:00.000Z',
    types: { [ARTICLE]: Object.fromEntries(ids.map((id) => [id, `v-${id}`])) },
    files: {},
  };
  const bisection = new Bisection(
    queue,
    () => {},
    () => 30_000
  );
  return { queue, bisection, ids, state };
}

/**
 * Runs builds as the publisher does until nothing is pending: each build carries the pending
 * articles minus what is held (failed ones and the bisection's half), and fails when it carries a
 * bad one. Returns the number of builds and what was published.
 */
function publishAll(s: ReturnType<typeof setup>, bad: Set<string>, limit = 200) {
  const published = new Set<string>();
  let builds = 0;
  while (!s.queue.isEmpty()) {
    if (++builds > limit) throw new Error(`no convergence after ${limit} builds`);
    const claim = s.queue.claim();
    const held = new Set<ChangeKey>([...s.queue.held((uid, id) => `v-${id}`), ...s.bisection.held()]);
    const carried = [...claim.revs.keys()].filter((k) => !held.has(k));
    const breaks = carried.some((k) => bad.has(k.slice(`doc:${ARTICLE}:`.length)));
    if (breaks) {
      const goOn = s.bisection.failed(new BuildError('Astro failed to render', carried, s.state, true));
      expect(goOn).toBe(true);
      continue;
    }
    for (const k of carried) published.add(k.slice(`doc:${ARTICLE}:`.length));
    const kept = s.bisection.settled(carried, claim);
    // Failed documents leave the queue: their failure record brings them back when due.
    s.queue.settle(claim, kept);
  }
  return { builds, published };
}

describe('one bad story holds back only itself', () => {
  it.each([1, 2, 7, 64, 300])('finds the one bad article among %i in about log2(n) builds', (n) => {
    const s = setup(n);
    const bad = s.ids[Math.floor(n / 3)];
    const { builds, published } = publishAll(s, new Set([bad]));
    expect(published).toEqual(new Set(s.ids.filter((id) => id !== bad)));
    expect(s.queue.failures().map((f) => [f.documentId, f.version])).toEqual([[bad, `v-${bad}`]]);
    expect(builds).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n)) + 3);
  });

  it('holds back every bad article when several break the build, and publishes the rest', () => {
    const s = setup(40);
    const bad = new Set([s.ids[0], s.ids[17], s.ids[39]]);
    const { published } = publishAll(s, bad);
    expect(published).toEqual(new Set(s.ids.filter((id) => !bad.has(id))));
    expect(new Set(s.queue.failures().map((f) => f.documentId))).toEqual(bad);
  });

  it('blames nobody for a failure a document cannot cause', () => {
    const s = setup(4);
    const carried = s.ids.map((id) => docKey(ARTICLE, id));
    expect(s.bisection.failed(new BuildError('the CMS did not answer', carried, s.state, false))).toBe(false);
    expect(s.bisection.failed(new Error('disk full'))).toBe(false);
    expect(s.bisection.held().size).toBe(0);
    expect(s.queue.failures()).toEqual([]);
  });

  it('takes the blame back when the build fails without the document it blamed', () => {
    const s = setup(1);
    const key = docKey(ARTICLE, s.ids[0]);
    s.bisection.failed(new BuildError('render failed', [key], s.state, true));
    expect(s.queue.failure(ARTICLE, s.ids[0])).toBeTruthy();
    // The next build carries nothing new and still fails: the cause was elsewhere.
    expect(s.bisection.failed(new BuildError('render failed', [], s.state, true))).toBe(false);
    expect(s.queue.failure(ARTICLE, s.ids[0])).toBeUndefined();
  });

  it('names an article the schema refuses at once, and stops for a refused category', () => {
    const s = setup(3);
    const refusedArticle = Object.assign(
      new InvalidContentError([
        { what: 'article', documentId: s.ids[1], field: 'title', message: 'Expected string, received null' },
      ]),
      { state: s.state }
    );
    expect(s.bisection.failed(refusedArticle)).toBe(true);
    expect(s.queue.failure(ARTICLE, s.ids[1])).toMatchObject({
      version: `v-${s.ids[1]}`,
      error: expect.stringContaining('"title"'),
    });
    const refusedCategory = new InvalidContentError([
      { what: 'category', documentId: 'cat1', field: 'name', message: 'Required' },
    ]);
    expect(s.bisection.failed(refusedCategory)).toBe(false);
    expect(s.queue.failure('api::category.category', 'cat1')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import {
  diffPartial,
  diffState,
  stateChange,
  UNLISTED,
  withHeld,
  withPartial,
  withPartialInSteps,
  withShown,
  withStateChange,
  type PublishState,
} from './state';
import { partialStateSchema, publishStateSchema } from '@newsroom/content/publish-state';
import { supersededSlugs } from './publisher';

const ARTICLE = 'api::article.article';
const TAG = 'api::tag.tag';

const state = (types: PublishState['types'], files: PublishState['files'] = {}): PublishState => ({
  generatedAt: '2026-11-29T08:00:00.000Z',
  types,
  files,
});

describe('reconciliation: what the live release is missing', () => {
  it('finds documents added, removed and of another version, and nothing else', () => {
    const live = state({ [ARTICLE]: { a: '1', b: '1', c: '1' }, [TAG]: { t: '1' } });
    const now = state({ [ARTICLE]: { a: '1', b: '2', d: '1' }, [TAG]: { t: '1' } });
    const diff = diffState(live, now);
    expect(diff.documents).toEqual({ [ARTICLE]: ['b', 'd', 'c'] });
    expect(diff.count).toBe(3);
    expect(diffState(now, now)).toEqual({ documents: {}, media: [], full: null, clock: null, count: 0 });
  });

  it("a partial state's diff, read for its documents only, is the whole diff", async () => {
    const live = state({ [ARTICLE]: { a: '1', b: '1', c: '1' }, [TAG]: { t: '1' } }, { '1': ['/uploads/a.jpg', 't1'] });
    // The CMS's answer for a, c, d and t: c unpublished, d new, t unchanged.
    const partial = { generatedAt: 'now', types: { [ARTICLE]: { a: '2', c: null, d: '1' }, [TAG]: { t: '1' } } };
    const now = withPartial(live, partial);
    const sorted = (diff: ReturnType<typeof diffState>) => ({
      ...diff,
      documents: Object.fromEntries(Object.entries(diff.documents).map(([uid, ids]) => [uid, [...ids].sort()])),
    });
    expect(sorted(diffPartial(live, partial))).toEqual(sorted(diffState(live, now)));
    expect(sorted(diffPartial(live, partial)).documents).toEqual({ [ARTICLE]: ['a', 'c', 'd'] });
    // Made in steps, the same state.
    expect(await withPartialInSteps(live, partial, () => Promise.resolve())).toEqual(now);
  });

  it('a partial state applied in steps: the same state, a pause every 10,000 versions', async () => {
    const many = Object.fromEntries(Array.from({ length: 25_000 }, (_, i) => [`d${i}`, '1']));
    const live = state({ [ARTICLE]: many, [TAG]: { t: '1' } });
    const partial = { generatedAt: 'now', types: { [ARTICLE]: { d5: '2', d24999: null, x: '1' } } };
    let pauses = 0;
    const stepped = await withPartialInSteps(live, partial, async () => {
      pauses++;
    });
    expect(stepped).toEqual(withPartial(live, partial));
    expect(stepped.types[ARTICLE]).toMatchObject({ d5: '2', x: '1', d0: '1' });
    expect('d24999' in stepped.types[ARTICLE]).toBe(false);
    expect(pauses).toBe(2);
    // The live state is not changed.
    expect(live.types[ARTICLE]).toMatchObject({ d5: '1', d24999: '1' });
    expect('x' in live.types[ARTICLE]).toBe(false);
  });

  it('a state that is not one is refused, naming the first entry that is not a version', () => {
    const versions = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`d${i}`, `v${i}`]));
    const good = { generatedAt: 'now', types: { [ARTICLE]: versions }, files: { '1': ['/uploads/a.jpg', 't'] } };
    expect(publishStateSchema.parse(good)).toEqual(good);
    const issue = (value: unknown) => {
      const parsed = publishStateSchema.safeParse(value);
      return parsed.success
        ? null
        : { path: parsed.error.issues[0].path.join('.'), message: parsed.error.issues[0].message };
    };
    expect(issue({ ...good, types: { [ARTICLE]: { ...versions, d500: 5 } } })).toEqual({
      path: `types.${ARTICLE}.d500`,
      message: 'expected a version (a string)',
    });
    expect(issue({ ...good, types: { [ARTICLE]: ['v'] } })).toEqual({
      path: `types.${ARTICLE}`,
      message: 'expected an object',
    });
    expect(issue({ ...good, files: { '1': ['/uploads/a.jpg'] } })?.path).toBe('files.1');
    // A partial state names the documents not published as null; a whole one never does.
    expect(issue({ ...good, types: { [ARTICLE]: { d1: null } } })?.path).toBe(`types.${ARTICLE}.d1`);
    expect(
      partialStateSchema.safeParse({ generatedAt: 'now', types: { [ARTICLE]: { d1: null, d2: 'v' } } }).success
    ).toBe(true);
  });

  it('a content type only one side knows counts in full', () => {
    const diff = diffState(state({}), state({ [TAG]: { t: '1', u: '1' } }));
    expect(diff.documents).toEqual({ [TAG]: ['t', 'u'] });
  });

  it('a file replaced or removed gives its old and new URLs; a new file changes no page', () => {
    const live = state(
      {},
      { '1': ['/uploads/a.jpg', 't1'], '2': ['/uploads/b.jpg', 't1'], '3': ['/uploads/c.jpg', 't1'] }
    );
    const now = state(
      {},
      { '1': ['/uploads/a2.jpg', 't2'], '3': ['/uploads/c.jpg', 't1'], '4': ['/uploads/d.jpg', 't1'] }
    );
    expect(diffState(live, now).media.sort()).toEqual(['/uploads/a.jpg', '/uploads/a2.jpg', '/uploads/b.jpg']);
  });

  it('on randomly generated histories, applying the diff to the live state gives the state now', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let run = 0; run < 200; run++) {
      const make = () =>
        Object.fromEntries(
          Array.from({ length: Math.floor(random() * 8) }, () => [
            `d${Math.floor(random() * 10)}`,
            `v${Math.floor(random() * 3)}`,
          ])
        );
      const live = state({ [ARTICLE]: make(), [TAG]: make() });
      const now = state({ [ARTICLE]: make(), [TAG]: make() });
      const diff = diffState(live, now);
      for (const uid of [ARTICLE, TAG]) {
        const patched = { ...live.types[uid] };
        for (const id of diff.documents[uid] ?? []) {
          if (id in now.types[uid]) patched[id] = now.types[uid][id];
          else delete patched[id];
        }
        expect(patched).toEqual(now.types[uid]);
        // …and names nothing that is the same on both sides.
        for (const id of diff.documents[uid] ?? []) expect(live.types[uid][id]).not.toBe(now.types[uid][id]);
      }
    }
  });

  it('a release holding documents back records their live versions, so the next comparison finds them again', () => {
    const live = state({ [ARTICLE]: { a: '1', b: '1' } });
    const now = state({ [ARTICLE]: { a: '2', b: '2', c: '1' } });
    const recorded = withHeld(now, live, [
      { uid: ARTICLE, documentId: 'a' },
      { uid: ARTICLE, documentId: 'c' },
    ]);
    expect(recorded.types[ARTICLE]).toEqual({ a: '1', b: '2' });
    expect(diffState(recorded, now).documents).toEqual({ [ARTICLE]: ['a', 'c'] });
    expect(now.types[ARTICLE]).toEqual({ a: '2', b: '2', c: '1' }); // not modified
    // A held document the release's content does not carry after all is recorded as absent.
    const notCarried = withHeld(now, live, [{ uid: ARTICLE, documentId: 'a' }], (_uid, id) => id !== 'a');
    expect(notCarried.types[ARTICLE]).toEqual({ b: '2', c: '1' });
    expect(diffState(notCarried, now).documents).toEqual({ [ARTICLE]: ['a'] });
  });

  it('a release records the articles it shows that its state did not list, so the next comparison finds them', () => {
    // Published between the state's read and the content's: shown, not listed.
    const read = state({ [ARTICLE]: { a: '1' } });
    const recorded = withShown(read, [{ documentId: 'a' }, { documentId: 'x' }]);
    expect(recorded.types[ARTICLE]).toEqual({ a: '1', x: UNLISTED });
    expect(read.types[ARTICLE]).toEqual({ a: '1' }); // not modified
    // Unpublished since, its webhook lost: the comparison finds it (absent now, shown then)…
    expect(diffState(recorded, state({ [ARTICLE]: { a: '1' } })).documents).toEqual({ [ARTICLE]: ['x'] });
    // …and still published: found too, and fetched again with its version.
    expect(diffState(recorded, state({ [ARTICLE]: { a: '1', x: '1' } })).documents).toEqual({ [ARTICLE]: ['x'] });
    // Everything shown listed: the state itself, not a copy.
    expect(withShown(read, [{ documentId: 'a' }])).toBe(read);
  });
});

describe('the live articles a release no longer carries as they were (its search index narrowed)', () => {
  const content = {
    articles: ['a', 'b', 'c', 'h'].map((id) => ({ documentId: id, slug: `tin-${id}` })),
  } as unknown as Parameters<typeof supersededSlugs>[2];

  it('finds those changed, gone or held as absent, by every version or only among the documents named', () => {
    const live = state({ [ARTICLE]: { a: '1', b: '1', c: '1', h: '1' } });
    // A partial read named b (changed), c (unpublished) and n (new); h was held and left out.
    const partial = { generatedAt: live.generatedAt, types: { [ARTICLE]: { b: '2', c: null, n: '1' } }, files: {} };
    const next = withHeld(withPartial(live, partial), live, [{ uid: ARTICLE, documentId: 'h' }], () => false);
    const named = [...Object.keys(partial.types[ARTICLE]), 'h', 'a-tag-held'];
    expect(supersededSlugs(live, next, content)).toEqual(['tin-b', 'tin-c', 'tin-h']);
    expect(supersededSlugs(live, next, content, named)).toEqual(['tin-b', 'tin-c', 'tin-h']);
    expect(supersededSlugs(live, live, content, named)).toEqual([]);
    expect(supersededSlugs(null, next, content, named)).toBeNull();
  });
});

describe('a state recorded as the change from a whole one (Releases.stageState)', () => {
  it('on random pairs of states, the change applied to the base is the state, naming only what differs', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const make = () =>
      Object.fromEntries(
        Array.from({ length: Math.floor(random() * 8) }, () => [
          `d${Math.floor(random() * 10)}`,
          `v${Math.floor(random() * 3)}`,
        ])
      );
    // Content types present or not on either side, files the same object, equal, or not.
    const types = () =>
      Object.fromEntries([ARTICLE, TAG, 'api::poll.poll'].filter(() => random() < 0.8).map((uid) => [uid, make()]));
    const files = (): PublishState['files'] =>
      random() < 0.5 ? {} : { '1': ['/uploads/a.jpg', `t${Math.floor(random() * 2)}`] };
    for (let run = 0; run < 300; run++) {
      const base = state(types(), files());
      const now = {
        ...state(types(), random() < 0.3 ? base.files : files()),
        generatedAt: `2026-11-29T09:00:${run % 60}Z`,
      };
      const change = stateChange(base, now, Infinity)!;
      const baseCopy = structuredClone(base);
      expect(withStateChange(base, change, now.generatedAt)).toEqual(now);
      expect(base).toEqual(baseCopy); // the base is not changed
      // Through JSON, as on disk.
      expect(withStateChange(base, JSON.parse(JSON.stringify(change)), now.generatedAt)).toEqual(now);
      for (const [uid, changed] of Object.entries(change.types))
        for (const [id, version] of Object.entries(changed ?? {}))
          expect(base.types[uid]?.[id] ?? null, `${uid} ${id}`).not.toBe(version);
    }
  });

  it('names only the documents changed at 100,000 versions, and gives up beyond its limit', () => {
    const versions = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`doc${i}`, `v${i}`]));
    const base = state({ [ARTICLE]: versions });
    const now = state({ [ARTICLE]: { ...versions, doc5: 'v5b', new1: 'n' } });
    delete now.types[ARTICLE].doc7;
    expect(stateChange(base, now, 10)).toEqual({ types: { [ARTICLE]: { doc5: 'v5b', new1: 'n', doc7: null } } });
    expect(stateChange(base, now, 2)).toBeNull();
    expect(stateChange(base, base, 0)).toEqual({ types: {} });
  });
});

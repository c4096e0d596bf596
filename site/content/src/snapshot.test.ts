import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  applyDelta,
  holdsAny,
  leanSnapshot,
  lines,
  readSnapshot,
  sharedParts,
  snapshotDelta,
  toContent,
  writeSnapshot,
  type Snapshot,
} from './snapshot';

type Article = Snapshot['articles'][number];
const article = (i: number) =>
  ({
    documentId: `doc${i}`,
    title: `Tin "số" ${i} – Thiệu Hóa`,
    slug: `tin-so-${i}`,
    lead: `Sa-pô ${i}\n`,
    body: null,
    publicationDate: '2026-11-29T02:30:00.000Z',
    photos: [],
    tags: [],
    authors: [],
  }) as unknown as Article;

/** A newsroom of these articles, one section, nothing else. */
const snapshotOf = (articles: Article[]): Snapshot => ({
  version: 1,
  fetchedAt: '2026-11-29T00:00:00.000Z',
  articles,
  categories: [{ documentId: 'c', name: 'Thời sự', slug: 'thoi-su', menuOrder: 1 }],
  authors: [],
  tags: [],
  polls: [],
});

describe('content snapshots on disk', () => {
  it('reads back exactly what was written, whatever the number of articles', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      for (const n of [0, 1, 250, 251, 1234]) {
        const snapshot: Snapshot = {
          ...snapshotOf(
            Array.from({ length: n }, (_, i) => ({
              ...article(i),
              // What could pass for a line's end inside a value: none survives as a raw newline.
              body: `Đoạn một,\n]}\n,\r\n"trích dẫn"\u2028 {"articles":[\n${i}`,
            }))
          ),
          ...(n % 2 ? { renderedAt: '2026-11-29T01:00:00.000Z', redirects: [] } : {}),
        };
        const file = path.join(dir, `s${n}.json`);
        await writeSnapshot(file, snapshot);
        expect(readSnapshot(file)).toEqual(snapshot);
        // As a snapshot too large to be one string is read (100,000 articles): a line at a time.
        expect(readSnapshot(file, 0)).toEqual(snapshot);
        expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(snapshot)));
        expect(fs.existsSync(`${file}.tmp`)).toBe(false);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a large file a chunk at a time, lines spanning chunks and multi-byte letters included', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      const text = 'Đầu\n{"a":"Thiệu Hóa"}\n\nmột dòng rất dài ' + 'ữ'.repeat(40) + '\n]}';
      const file = path.join(dir, 'lines.txt');
      fs.writeFileSync(file, text);
      for (const size of [1, 2, 3, 5, 8, 64, 4096]) expect([...lines(file, Infinity, size)]).toEqual(text.split('\n'));
      // A first line longer than asked for is not read.
      expect([...lines(file, 2, 3)]).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads lean the articles a build does not render (one of several), as leanSnapshot makes them', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      const snapshot = snapshotOf(
        Array.from({ length: 300 }, (_, i) => ({
          ...article(i),
          body: `Nội dung ${i}`,
          seo: { metaTitle: `Tiêu đề ${i}` },
          poll: { documentId: `p${i}` },
          photos: [{ documentId: `ph${i}` }],
        })) as unknown as Article[]
      );
      const file = path.join(dir, 's.json');
      await writeSnapshot(file, snapshot);
      const renders = (slug: string) => Number(slug.split('-').at(-1)) % 3 === 0;
      const expected = leanSnapshot(snapshot, new Set(snapshot.articles.map((a) => a.slug).filter(renders)));
      // Whole or a line at a time (the large files), the same.
      for (const limit of [undefined, 0]) {
        const read = readSnapshot(file, limit, renders);
        expect(read).toEqual(expected);
        expect(read.articles.filter((a) => a.body !== null)).toHaveLength(100);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file written on one line (by an older publisher) is still read whole; one cut short is refused by name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      const snapshot = snapshotOf([article(1), article(2)]);
      const oneLine = path.join(dir, 'one-line.json');
      fs.writeFileSync(oneLine, JSON.stringify(snapshot));
      expect(readSnapshot(oneLine)).toEqual(snapshot);
      expect(readSnapshot(oneLine, 0)).toEqual(snapshot);
      const cut = path.join(dir, 'cut.json');
      await writeSnapshot(cut, snapshot);
      const bytes = fs.readFileSync(cut);
      fs.writeFileSync(cut, bytes.subarray(0, bytes.lastIndexOf('\n')));
      expect(() => readSnapshot(cut, 0)).toThrow(/cut\.json ends before its list of articles does/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the documents articles show, held once', () => {
  /** A copy of `value` as JSON makes one: each article read holds its own. */
  const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
  const photo = (n: number) => ({
    documentId: `p${n}`,
    caption: `Ảnh ${n}`,
    credit: null,
    alt: `Ảnh minh họa ${n}`,
    image: { url: `/uploads/anh-${n}.jpg`, width: 1200, height: 800 },
  });
  const author = (n: number, bio = `Phóng viên ${n}`) => ({
    documentId: `a${n}`,
    name: `Tác giả ${n}`,
    slug: `tac-gia-${n}`,
    role: null,
    bio,
  });
  /** 400 articles showing a few documents each, some of them as edited halfway (the same id, another value). */
  const newsroom = () => {
    let seed = 7;
    const pick = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    return Array.from({ length: 400 }, (_, i) => ({
      ...article(i),
      category: copy({ documentId: `c${pick(3)}`, name: 'Thời sự', slug: 'thoi-su', menuOrder: 1 }),
      tags: Array.from({ length: pick(3) }, () =>
        copy({ documentId: `t${pick(5)}`, name: 'Nông thôn mới', slug: 'ntm' })
      ),
      authors: [copy(author(pick(3), i > 200 && pick(2) ? 'Tiểu sử đã sửa' : undefined))],
      cover: pick(4) ? copy(photo(pick(6))) : null,
      photos: Array.from({ length: pick(3) }, () => copy(photo(pick(6)))),
    })) as unknown as Article[];
  };
  /** How many objects the articles hold for the documents they show, and how many distinct values. */
  const counted = (articles: Article[]) => {
    const parts = articles.flatMap((a) => [a.category, a.cover, ...a.photos, ...a.tags, ...a.authors].filter(Boolean));
    return { objects: new Set(parts).size, values: new Set(parts.map((p) => JSON.stringify(p))).size };
  };

  it('read from a file, equal documents are one object and the content is as written', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      const snapshot = snapshotOf(newsroom());
      expect(counted(snapshot.articles).objects).toBeGreaterThan(1000);
      const file = path.join(dir, 'snapshot.json');
      await writeSnapshot(file, snapshot);
      for (const read of [readSnapshot(file), readSnapshot(file, 0)]) {
        expect(read).toEqual(snapshot);
        const { objects, values } = counted(read.articles);
        // 3 sections, 5 tags, 6 photos, 3 authors and those edited: one object each.
        expect(values).toBeLessThanOrEqual(3 + 5 + 6 + 3 + 3);
        expect(objects).toBe(values);
      }
      // Lean but for some: the same.
      const lean = readSnapshot(file, 0, (slug) => slug.endsWith('7'));
      expect(lean.articles.filter((a) => a.slug.endsWith('7'))).toEqual(
        snapshot.articles.filter((a) => a.slug.endsWith('7'))
      );
      expect(counted(lean.articles).objects).toBe(counted(lean.articles).values);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("given the live content, keeps live's objects for the documents it shows alike", () => {
    // As live content is held: read, its documents shared.
    const held = sharedParts();
    const live = newsroom().map((a) => held(a));
    const share = sharedParts();
    // Each article read beside its live one, as a whole read offers it.
    const read = copy(live).map((a, i) => share(a, live[i]));
    expect(read).toEqual(live);
    read.forEach((a, i) => {
      expect(a.category).toBe(live[i].category);
      a.tags.forEach((t, j) => expect(t).toBe(live[i].tags[j]));
      a.photos.forEach((p, j) => expect(p).toBe(live[i].photos[j]));
    });
    // A document changed since: its own object, equal to what was read.
    const renamed = { ...copy(live[0]), category: { ...copy(live[0].category!), name: 'Thời sự – Chính trị' } };
    const after = share(copy(renamed), live[0]);
    expect(after).toEqual(renamed);
    expect(after.category).not.toBe(live[0].category);
    expect(share(copy(renamed)).category).toBe(after.category);
    // The live content is read, never written.
    expect(live[0].category!.name).toBe('Thời sự');
  });
});

describe('a snapshot as the change from the live one', () => {
  /** An article with what only its own page shows (leanSnapshot drops it). */
  const whole = (i: number) => ({ ...article(i), body: `Thân bài ${i}`, seo: { metaTitle: `Tin ${i}` } }) as Article;
  const base = (n: number) => snapshotOf(Array.from({ length: n }, (_, i) => whole(i)));
  /** Through a file and back, as the build reads both. */
  const roundTrip = <T>(x: T): T => JSON.parse(JSON.stringify(x));

  it('rebuilds the new snapshot from the base read back from disk, on random changes', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 200; round++) {
      const live = base(Math.floor(random() * 60));
      // A publish's snapshot as plan.ts makes it: the live objects kept, some articles re-fetched
      // (changed, unchanged copies, gone) and new ones added.
      const refetch = new Set(live.articles.filter(() => random() < 0.2).map((a) => a.documentId));
      const fetched = live.articles
        .filter((a) => refetch.has(a.documentId) && random() < 0.7)
        .map((a) => (random() < 0.5 ? { ...a, title: `${a.title} (sửa)` } : { ...a }));
      const added = Array.from({ length: Math.floor(random() * 3) }, (_, i) => whole(1000 + round * 10 + i));
      const next: Snapshot = {
        ...live,
        renderedAt: `2026-11-29T0${round % 10}:00:00.000Z`,
        tags: round % 3 ? [] : [{ documentId: 't', name: 'Giao thông', slug: 'giao-thong' }],
        articles: [...live.articles.filter((a) => !refetch.has(a.documentId)), ...fetched, ...added],
      };
      const delta = snapshotDelta(live, next);
      expect(delta.articles.length).toBe(fetched.length + added.length);
      expect(applyDelta(roundTrip(live), roundTrip(delta))).toEqual(roundTrip(next));
      // From the lean base a waiting build preloads: the rendered articles come whole.
      const rendered = new Set(next.articles.filter(() => random() < 0.1).map((a) => a.slug));
      const toLean = snapshotDelta(live, next, (a) => rendered.has(a.slug));
      const built = applyDelta(roundTrip(leanSnapshot(live)), roundTrip(toLean));
      const sorted = (x: Snapshot) => [...x.articles].sort((a, b) => a.documentId.localeCompare(b.documentId));
      const changed = new Set([...fetched, ...added].map((a) => a.documentId));
      const expected = leanSnapshot(
        next,
        new Set([...rendered, ...next.articles.filter((a) => changed.has(a.documentId)).map((a) => a.slug)])
      );
      expect(sorted(built)).toEqual(sorted(roundTrip(expected)));
    }
  });

  it('refuses a delta made from another base, rather than render something else', () => {
    const live = base(10);
    const next = { ...live, articles: live.articles.slice(0, 9) };
    const delta = roundTrip(snapshotDelta(live, next));
    expect(() => applyDelta(base(12), delta)).toThrow(/does not fit its base: 11 articles \(9 expected\)/);
    const twice = { ...delta, articles: [article(20), article(20)], count: 11 };
    expect(() => applyDelta(live, twice)).toThrow(/or one twice/);
    const doubled = { ...live, articles: [...live.articles, { ...live.articles[0] }] };
    expect(() => applyDelta(doubled, { ...delta, articles: [], removed: [], count: 11 })).toThrow(/or one twice/);
    expect(() => applyDelta(live, { ...delta, version: 2 as 1 })).toThrow(/version 2/);
  });
});

describe('whether a list of articles holds some documents', () => {
  it('answers the same by a walk over the list and by its indexes, once they are made', () => {
    const list = Array.from({ length: 300 }, (_, i) => article(i));
    const asks: [string[], boolean][] = [
      [[], false],
      [['doc7'], true],
      [['new-doc'], false],
      [['new-doc', 'doc299'], true],
      [['doc300', 'doc-1'], false],
    ];
    for (const [ids, answer] of asks) expect(holdsAny(list, ids)).toBe(answer);
    // Indexed as the publisher indexes the live content (indexLive): asked of its map by id.
    expect(toContent(snapshotOf(list)).byId.size).toBe(300);
    for (const [ids, answer] of asks) expect(holdsAny(list, new Set(ids))).toBe(answer);
  });
});

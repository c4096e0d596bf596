import { ACTIONS, CAPTIONS, PHOTOGRAPHERS, PLACES, SENTENCES, SUBJECTS, TAGS } from './demo-data';

/** mulberry32: a tiny seeded PRNG, so article N is the same on every machine. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)];
  const sample = <T>(list: readonly T[], n: number) => {
    const pool = [...list];
    const out: T[] = [];
    while (out.length < n && pool.length) out.push(pool.splice(Math.floor(next() * pool.length), 1)[0]);
    return out;
  };
  return { next, int, pick, sample };
}

export interface GeneratedPhoto {
  sourceKey: string;
  caption: string;
  credit: string;
  alt: string;
}

export interface GeneratedArticle {
  sourceKey: string;
  title: string;
  lead: string;
  /** Markdown paragraphs and photo slots (1-based index into `photoKeys`). */
  body: (string | { photo: number })[];
  categoryIndex: number;
  authorIndexes: number[];
  tags: string[];
  coverKey: string;
  photoKeys: string[];
  featured: boolean;
  /** Hours before the seeding time this article was published. */
  hoursAgo: number;
}

export const PHOTO_POOL_SIZE = 16;

export function generatePhoto(i: number): GeneratedPhoto {
  const r = prng(10_000 + i);
  const caption = r.pick(CAPTIONS).replace('{place}', r.pick(PLACES));
  return { sourceKey: `demo-photo-${i + 1}`, caption, credit: `Ảnh: ${r.pick(PHOTOGRAPHERS)}`, alt: caption };
}

function sentence(r: ReturnType<typeof prng>, place: string, subject: string) {
  return r
    .pick(SENTENCES)
    .replace('{place}', place)
    .replace('{subject}', subject)
    .replace('{n}', String(r.int(2, 95)));
}

/** Demo article number `n` (1-based): varied length, 1–2 authors, 1–3 tags, 0–2 body photos. */
export function generateArticle(n: number, categories: number, authors: number): GeneratedArticle {
  const r = prng(n);
  const place = r.pick(PLACES);
  const subject = r.pick(SUBJECTS);
  const title = `${r.pick(ACTIONS)} ${subject} tại ${place}`;
  const lead = `${place[0].toUpperCase()}${place.slice(1)} vừa tổ chức hội nghị về ${subject}. ${sentence(r, place, subject)}`;
  const paragraphs = Array.from({ length: r.int(3, 12) }, () =>
    Array.from({ length: r.int(2, 5) }, () => sentence(r, place, subject)).join(' ')
  );
  const photoKeys = r.sample(
    Array.from({ length: PHOTO_POOL_SIZE }, (_, i) => `demo-photo-${i + 1}`),
    r.int(0, 2)
  );
  const body: GeneratedArticle['body'] = [...paragraphs];
  photoKeys.forEach((_, i) => body.splice(Math.min(body.length, 2 + i * 3), 0, { photo: i + 1 }));
  return {
    sourceKey: `demo-article-${n}`,
    title: title[0].toUpperCase() + title.slice(1),
    lead,
    body,
    categoryIndex: r.int(0, categories - 1),
    authorIndexes: r.sample(
      Array.from({ length: authors }, (_, i) => i),
      r.next() < 0.8 ? 1 : 2
    ),
    tags: r.sample(TAGS, r.int(1, 3)),
    coverKey: `demo-photo-${r.int(1, PHOTO_POOL_SIZE)}`,
    photoKeys,
    featured: n % 25 === 1,
    hoursAgo: n * 3 + r.int(0, 2),
  };
}

/** The markdown an editor would write: paragraphs, and `![alt](photo:N)` where photo N stands. */
export function toMarkdown(body: (string | { photo: number })[], alts: string[]) {
  return body
    .map((block) => (typeof block === 'string' ? block : `![${alts[block.photo - 1] ?? ''}](photo:${block.photo})`))
    .join('\n\n');
}

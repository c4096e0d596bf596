import fs from 'fs';
import os from 'os';
import path from 'path';
import type { Core, UID } from '@strapi/strapi';
import fixture from './fixtures/seed-article.json';
import { AUTHORS, CATEGORIES, POLLS, TAGS } from './demo-data';
import { generateArticle, generatePhoto, PHOTO_POOL_SIZE, toMarkdown } from './generate';
import { placeholderJpeg } from './placeholder-image';
import { createPublishedInBulk, type BulkDocument } from './bulk';
import { firstFreeSlug, slugBase } from '../documents/slugs';
import { toSlug } from '../utils/vietnamese-slug';

export interface SeedOptions {
  /** How many generated demo articles should exist (the seed fixture comes on top). */
  articles: number;
  /**
   * Write the generated articles in bulk (seed/bulk.ts: the rows the Document Service would store,
   * 1,000 per transaction, no events) rather than one Document Service call each.
   */
  bulk?: boolean;
  onProgress?: (done: number, total: number) => void;
}

/** Articles per transaction on the bulk path: progress survives an interruption, memory stays flat. */
const BULK_CHUNK = 1000;

type Counts = { articles: number; photos: number; authors: number; categories: number; tags: number; polls: number };

export interface SeedResult {
  /** What this run added. */
  created: Counts;
  /** What the database holds afterwards (published articles). */
  totals: Counts;
}

async function totals(strapi: Core.Strapi): Promise<Counts> {
  const count = (uid: UID.ContentType, where = {}) => strapi.db.query(uid).count({ where });
  return {
    articles: await count('api::article.article', { publishedAt: { $notNull: true } }),
    photos: await count('api::photo.photo'),
    authors: await count('api::author.author'),
    categories: await count('api::category.category'),
    tags: await count('api::tag.tag'),
    polls: await count('api::poll.poll'),
  };
}

type Ids = Map<string, string>;

/** Finds documents of `uid` by `field` and creates the missing ones; returns field → documentId. */
async function ensureBy(
  strapi: Core.Strapi,
  uid: UID.ContentType,
  field: string,
  items: Record<string, unknown>[]
): Promise<[Ids, number]> {
  const existing: Record<string, string>[] = await strapi.db
    .query(uid)
    .findMany({ select: ['documentId', field], where: { [field]: { $in: items.map((i) => i[field]) } } });
  const ids: Ids = new Map(existing.map((e) => [e[field], e.documentId]));
  let created = 0;
  for (const item of items) {
    const key = String(item[field]);
    if (ids.has(key)) continue;
    const doc = await strapi.documents(uid).create({ data: item as never });
    ids.set(key, doc.documentId);
    created++;
  }
  return [ids, created];
}

async function uploadJpeg(strapi: Core.Strapi, name: string, buffer: Buffer, alt: string) {
  const filepath = path.join(os.tmpdir(), `newsroom-seed-${process.pid}-${name}`);
  fs.writeFileSync(filepath, buffer);
  try {
    const [file] = await strapi
      .plugin('upload')
      .service('upload')
      .upload({
        data: { fileInfo: { name, alternativeText: alt } },
        files: { filepath, originalFilename: name, mimetype: 'image/jpeg', size: buffer.length },
      });
    return file as { id: number };
  } finally {
    fs.rmSync(filepath, { force: true });
  }
}

async function ensurePhotos(
  strapi: Core.Strapi,
  photos: { sourceKey: string; caption: string; credit: string; alt: string }[]
) {
  const uid = 'api::photo.photo';
  const existing: { documentId: string; sourceKey: string }[] = await strapi.db
    .query(uid)
    .findMany({ select: ['documentId', 'sourceKey'], where: { sourceKey: { $in: photos.map((p) => p.sourceKey) } } });
  const ids: Ids = new Map(existing.map((e) => [e.sourceKey, e.documentId]));
  let created = 0;
  for (const [i, photo] of photos.entries()) {
    if (ids.has(photo.sourceKey)) continue;
    const file = await uploadJpeg(strapi, `${photo.sourceKey}.jpg`, await placeholderJpeg(i, photo.caption), photo.alt);
    const doc = await strapi.documents(uid).create({ data: { ...photo, image: file.id } as never });
    ids.set(photo.sourceKey, doc.documentId);
    created++;
  }
  return [ids, created] as const;
}

async function ensurePolls(strapi: Core.Strapi) {
  const now = Date.now();
  const day = 86_400_000;
  const items = POLLS.map((p, i) => ({
    question: p.question,
    options: p.options.map((label, j) => ({ label, votes: p.open ? 0 : ([412, 268, 155, 40][j] ?? 0) })),
    opensAt: new Date(p.open ? now - 7 * day : Date.UTC(2024, 0, 1 + i)).toISOString(),
    closesAt: new Date(p.open ? now + 90 * day : Date.UTC(2024, 1, 1 + i)).toISOString(),
    showResultsBeforeClose: true,
  }));
  return ensureBy(strapi, 'api::poll.poll', 'question', items);
}

/**
 * Seeds the demo newsroom: categories, authors, tags, a photo pool, two polls (one open, one
 * closed), the real seed article and `articles` generated ones. Idempotent: everything is keyed
 * (slug, sourceKey, question) and only what is missing is created.
 */
export async function seed(strapi: Core.Strapi, { articles, bulk, onProgress }: SeedOptions): Promise<SeedResult> {
  const [categories, nCategories] = await ensureBy(
    strapi,
    'api::category.category',
    'slug',
    CATEGORIES.map((c, i) => ({ ...c, slug: toSlug(c.name), menuOrder: (i + 1) * 10 }))
  );
  const [authors, nAuthors] = await ensureBy(
    strapi,
    'api::author.author',
    'slug',
    AUTHORS.map((a) => ({ ...a, slug: toSlug(a.name), email: `${toSlug(a.name).replace(/-/g, '.')}@toasoan.example` }))
  );
  const allTags = [...new Set([...TAGS, ...fixture.tags])];
  const [tags, nTags] = await ensureBy(
    strapi,
    'api::tag.tag',
    'slug',
    allTags.map((name) => ({ name, slug: toSlug(name) }))
  );
  const fixturePhotos = fixture.photos.map((p, i) => ({ ...p, sourceKey: `${fixture.sourceKey}-photo-${i + 1}` }));
  const poolPhotos = Array.from({ length: PHOTO_POOL_SIZE }, (_, i) => generatePhoto(i));
  const [photos, nPhotos] = await ensurePhotos(strapi, [...fixturePhotos, ...poolPhotos]);
  const [polls, nPolls] = await ensurePolls(strapi);

  const uid = 'api::article.article';
  const wanted = [fixture.sourceKey, ...Array.from({ length: articles }, (_, i) => `demo-article-${i + 1}`)];
  const have = new Set<string>();
  for (let i = 0; i < wanted.length; i += 500) {
    const rows: { sourceKey: string }[] = await strapi.db
      .query(uid)
      .findMany({ select: ['sourceKey'], where: { sourceKey: { $in: wanted.slice(i, i + 500) } } });
    rows.forEach((row) => have.add(row.sourceKey));
  }

  let createdArticles = 0;
  const anchor = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const byName = (map: Ids, name: string) => map.get(toSlug(name))!;
  const total = wanted.length - have.size;

  if (!have.has(fixture.sourceKey)) {
    await strapi.documents(uid).create({
      status: 'published',
      data: {
        sourceKey: fixture.sourceKey,
        title: fixture.title,
        lead: fixture.lead,
        body: toMarkdown(
          fixture.body,
          fixture.photos.map((p) => p.alt)
        ),
        publicationDate: new Date(fixture.publicationDate).toISOString(),
        featured: fixture.featured,
        category: byName(categories, fixture.category),
        authors: fixture.authors.map((a) => byName(authors, a)),
        tags: fixture.tags.map((t) => byName(tags, t)),
        cover: photos.get(fixturePhotos[fixture.coverPhoto - 1].sourceKey),
        photos: fixturePhotos.map((p) => photos.get(p.sourceKey)),
      } as never,
    });
    createdArticles++;
    onProgress?.(createdArticles, total);
  }

  const categoryIds = CATEGORIES.map((c) => byName(categories, c.name));
  const authorIds = AUTHORS.map((a) => byName(authors, a.name));
  const pollIds = POLLS.map((p) => polls.get(p.question)!);
  /** Generated article `n` as the Document Service takes it: relations by documentId. */
  const article = (n: number) => {
    const a = generateArticle(n, categoryIds.length, authorIds.length);
    const alts = a.photoKeys.map((k) => poolPhotos.find((p) => p.sourceKey === k)!.alt);
    return {
      data: {
        sourceKey: a.sourceKey,
        title: a.title,
        lead: a.lead,
        body: toMarkdown(a.body, alts),
        publicationDate: new Date(anchor - a.hoursAgo * 3_600_000).toISOString(),
        featured: a.featured,
      },
      relations: {
        category: [categoryIds[a.categoryIndex]],
        authors: a.authorIndexes.map((i) => authorIds[i]),
        tags: a.tags.map((t) => byName(tags, t)),
        cover: [photos.get(a.coverKey)!],
        photos: a.photoKeys.map((k) => photos.get(k)!),
        poll: n <= pollIds.length ? [pollIds[n - 1]] : [],
      },
    };
  };
  const missing = Array.from({ length: articles }, (_, i) => i + 1).filter((n) => !have.has(`demo-article-${n}`));

  if (bulk) {
    // The targets have no drafts: one row per document.
    const rowIds = new Map<string, number>();
    for (const target of [
      'api::category.category',
      'api::author.author',
      'api::tag.tag',
      'api::photo.photo',
      'api::poll.poll',
    ])
      for (const row of await strapi.db.query(target as UID.ContentType).findMany({ select: ['id', 'documentId'] }))
        rowIds.set(row.documentId, row.id);
    const taken = new Set(
      ((await strapi.db.query(uid).findMany({ select: ['slug'] })) as { slug: string | null }[]).map(
        (r) => r.slug ?? ''
      )
    );
    for (let i = 0; i < missing.length; i += BULK_CHUNK) {
      const documents: BulkDocument[] = missing.slice(i, i + BULK_CHUNK).map((n) => {
        const { data, relations } = article(n);
        // What the slug middleware (documents/slugs.ts) gives a new document.
        const slug = firstFreeSlug(slugBase(uid, toSlug(data.title)), taken);
        taken.add(slug);
        return {
          data: { ...data, slug },
          relations: Object.fromEntries(
            Object.entries(relations).map(([name, ids]) => [name, ids.map((id) => rowIds.get(id)!)])
          ),
        };
      });
      await createPublishedInBulk(strapi, uid, documents);
      createdArticles += documents.length;
      onProgress?.(createdArticles, total);
    }
  } else {
    for (const n of missing) {
      const { data, relations } = article(n);
      await strapi.documents(uid).create({
        status: 'published',
        data: {
          ...data,
          category: relations.category[0],
          authors: relations.authors,
          tags: relations.tags,
          cover: relations.cover[0],
          photos: relations.photos,
          poll: relations.poll[0],
        } as never,
      });
      createdArticles++;
      onProgress?.(createdArticles, total);
    }
  }

  return {
    created: {
      articles: createdArticles,
      photos: nPhotos,
      authors: nAuthors,
      categories: nCategories,
      tags: nTags,
      polls: nPolls,
    },
    totals: await totals(strapi),
  };
}

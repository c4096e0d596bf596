import type { Core, UID } from '@strapi/strapi';
import { toSlug } from '../utils/vietnamese-slug';

/** Content types whose `slug` is derived from another field. */
export const SLUG_SOURCES: Partial<Record<UID.ContentType, string>> = {
  'api::article.article': 'title',
  'api::author.author': 'name',
  'api::category.category': 'name',
  'api::tag.tag': 'name',
};

type Data = Record<string, unknown>;

/** Slugs asked for in one query: `base` to `base-64` (a title more common than that asks again). */
const SLUGS_A_QUERY = 64;

/**
 * `base`, or `base-2`, `base-3`… — the first slug no other document of `uid` holds. Asked by
 * equality (`slug IN (…)`), which the slug index answers (bootstrap/indexes.ts): a prefix match
 * (`LIKE 'base-%'`) read the whole table on every write, as SQLite's LIKE ignores case and
 * PostgreSQL's needs another kind of index: 35 ms at 10,000 articles, 0.5–0.6 s at 100,000
 * (SQLite here; 0.3–0.6 ms by equality), in every story's create and save.
 */
async function uniqueSlug(strapi: Core.Strapi, uid: UID.ContentType, base: string, documentId?: string) {
  const slugs = slugsOf(slugBase(uid, base));
  for (;;) {
    const candidates = Array.from({ length: SLUGS_A_QUERY }, () => slugs.next().value);
    const rows: { slug: string }[] = await strapi.db.query(uid).findMany({
      select: ['slug'],
      where: { slug: { $in: candidates }, ...(documentId ? { documentId: { $ne: documentId } } : {}) },
    });
    const taken = new Set(rows.map((r) => r.slug));
    const free = candidates.find((slug) => !taken.has(slug));
    if (free) return free;
  }
}

/** A document's slug before de-duplication: its normalised `wanted` slug, or the type's name when that is empty. */
export const slugBase = (uid: string, wanted: string) => wanted || uid.split('.').pop()!;

/** `base`, `base-2`, `base-3`…: the slugs a document may take, in the order it takes the first free one. */
function* slugsOf(base: string): Generator<string, never> {
  yield base;
  for (let n = 2; ; n++) yield `${base}-${n}`;
}

/** `base`, or `base-2`, `base-3`…: the first that is not `taken`. Every path that names a document uses this order. */
export function firstFreeSlug(base: string, taken: ReadonlySet<string>) {
  const slugs = slugsOf(base);
  let slug = slugs.next().value;
  while (taken.has(slug)) slug = slugs.next().value;
  return slug;
}

/**
 * Fills and de-duplicates slugs on every write path (admin, REST, seeds, scripts). The admin fills
 * uid fields itself, but the Document Service does not, so without this a seeded or API-created
 * article would have no URL. A given slug is normalised; an existing slug is never changed
 * implicitly, so published URLs stay stable when a title is edited.
 */
export function registerSlugs(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    const source = SLUG_SOURCES[context.uid as UID.ContentType];
    if (!source || (context.action !== 'create' && context.action !== 'update')) return next();

    const params = context.params as { data?: Data; documentId?: string };
    const data = params.data;
    if (!data) return next();
    const uid = context.uid as UID.ContentType;
    const documentId = context.action === 'update' ? params.documentId : undefined;

    let wanted = typeof data.slug === 'string' ? toSlug(data.slug) : '';
    if (!wanted) {
      if (documentId && !('slug' in data)) {
        const current = await strapi.db.query(uid).findOne({ select: ['slug', source], where: { documentId } });
        if (current?.slug) return next();
        wanted = toSlug(String(data[source] ?? current?.[source] ?? ''));
      } else {
        wanted = toSlug(String(data[source] ?? ''));
      }
    }
    data.slug = await uniqueSlug(strapi, uid, wanted, documentId);
    return next();
  });
}

interface UidService {
  generateUIDField(params: { contentTypeUID: string; field: string; data: Data; locale?: string }): Promise<string>;
  findUniqueUID(params: { contentTypeUID: string; field: string; value: string; locale?: string }): Promise<string>;
}

/**
 * The admin's slug field fills itself from the title as the editor types, through the content
 * manager's own generator (a general-purpose slugify). For the newsroom's types it uses the same
 * Vietnamese rules as every other write path (`toSlug`), so what the editor sees is what is kept.
 */
export function useNewsroomSlugsInAdmin(strapi: Core.Strapi) {
  const service = strapi.plugin('content-manager').service('uid') as unknown as UidService;
  const generate = service.generateUIDField.bind(service);
  service.generateUIDField = async (params) => {
    const source = SLUG_SOURCES[params.contentTypeUID as UID.ContentType];
    const value = source && params.field === 'slug' ? toSlug(String(params.data?.[source] ?? '')) : '';
    return value ? service.findUniqueUID({ ...params, value }) : generate(params);
  };
}

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

/** `base`, or `base-2`, `base-3`… — the first slug no other document of `uid` holds (one query). */
async function uniqueSlug(strapi: Core.Strapi, uid: UID.ContentType, base: string, documentId?: string) {
  const fallback = base || uid.split('.').pop()!;
  const rows: { slug: string }[] = await strapi.db.query(uid).findMany({
    select: ['slug'],
    where: {
      $or: [{ slug: fallback }, { slug: { $startsWith: `${fallback}-` } }],
      ...(documentId ? { documentId: { $ne: documentId } } : {}),
    },
  });
  const taken = new Set(rows.map((r) => r.slug));
  if (!taken.has(fallback)) return fallback;
  for (let n = 2; ; n++) if (!taken.has(`${fallback}-${n}`)) return `${fallback}-${n}`;
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

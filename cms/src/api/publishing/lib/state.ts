import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';

/**
 * What is published, per document, in one cheap answer: the publisher compares it with the state
 * its live release was built from (reconciliation), so a change whose webhook never arrived is
 * still found. A document's version covers everything of it that a page shows and that can change
 * without the document's own `updatedAt` moving: the publication itself (`publishedAt`) and the
 * documents and files it points to (relations edited from the other side, a file swapped in the
 * media library). The related documents' own fields are versioned by their own rows.
 */
export const PUBLISHED_TYPES = [
  'api::article.article',
  'api::category.category',
  'api::author.author',
  'api::tag.tag',
  'api::photo.photo',
  'api::poll.poll',
] as const;

export interface PublishState {
  generatedAt: string;
  /** Per content type: documentId → version. */
  types: Record<string, Record<string, string>>;
  /** Uploaded files: id → [url, updatedAt]. */
  files: Record<string, [string, string]>;
}

type Row = Record<string, unknown> & { documentId: string; id: number };

/** Rows read per query: SQLite allows 32,766 bound values in one statement (populate binds every id). */
const CHUNK = 5000;

const iso = (value: unknown) => (value == null ? '' : new Date(value as string).toISOString());

/** The relations a document's pages show from its side: owning relations and media, not private ones. */
function shownRelations(strapi: Core.Strapi, uid: string) {
  const model = strapi.getModel(uid as Uid);
  const out: { name: string; media: boolean }[] = [];
  for (const [name, attribute] of Object.entries(model.attributes) as [string, Record<string, unknown>][]) {
    if (attribute.private || name === 'createdBy' || name === 'updatedBy' || name === 'localizations') continue;
    if (attribute.type === 'media') out.push({ name, media: true });
    else if (attribute.type === 'relation' && !attribute.mappedBy) out.push({ name, media: false });
  }
  return out;
}

function version(row: Row, relations: { name: string; media: boolean }[]) {
  const linked = relations.map(({ name, media }) => {
    const value = row[name] as Row | Row[] | null | undefined;
    const list = value == null ? [] : Array.isArray(value) ? value : [value];
    return list.map((x) => (media ? String(x.id) : x.documentId)).join(',');
  });
  const hash = createHash('sha1')
    .update(`${iso(row.publishedAt)}|${linked.join('|')}`)
    .digest('base64url')
    .slice(0, 12);
  return `${iso(row.updatedAt)}~${hash}`;
}

type Uid = Parameters<Core.Strapi['getModel']>[0];

/** documentId → version of the published documents of `uid` matching `where`. */
async function versions(strapi: Core.Strapi, uid: string, where: Record<string, unknown> = {}) {
  const relations = shownRelations(strapi, uid);
  const populate = Object.fromEntries(
    relations.map(({ name, media }) => [name, { select: [media ? 'id' : 'documentId'] }])
  );
  const out: Record<string, string> = {};
  for (let offset = 0; ; offset += CHUNK) {
    const rows = (await strapi.db.query(uid as Uid).findMany({
      select: ['id', 'documentId', 'updatedAt', 'publishedAt'],
      where: { ...where, publishedAt: { $notNull: true } },
      populate,
      orderBy: { id: 'asc' },
      offset,
      limit: CHUNK,
    })) as Row[];
    for (const row of rows) out[row.documentId] = version(row, relations);
    if (rows.length < CHUNK) break;
  }
  return out;
}

/** The published version of one document, or null when it is not published. */
export async function documentVersion(strapi: Core.Strapi, uid: string, documentId: string) {
  return (await versions(strapi, uid, { documentId }))[documentId] ?? null;
}

export async function publishState(strapi: Core.Strapi): Promise<PublishState> {
  const generatedAt = new Date().toISOString();
  const types: PublishState['types'] = {};
  for (const uid of PUBLISHED_TYPES) types[uid] = await versions(strapi, uid);
  const files: PublishState['files'] = {};
  for (let offset = 0; ; offset += CHUNK) {
    const rows = (await strapi.db.query('plugin::upload.file').findMany({
      select: ['id', 'url', 'updatedAt'],
      orderBy: { id: 'asc' },
      offset,
      limit: CHUNK,
    })) as { id: number; url: string; updatedAt: unknown }[];
    for (const row of rows) files[String(row.id)] = [row.url, iso(row.updatedAt)];
    if (rows.length < CHUNK) break;
  }
  return { generatedAt, types, files };
}

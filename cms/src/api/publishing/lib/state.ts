import { setImmediate as nextTurn } from 'node:timers/promises';
import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { isEmbargoed, visibleFileIds, visibleFilesQuery, visibleIds, visibleQuery } from '../../../utils/visibility';
import { PUBLISHED_TYPES } from '../../../contracts/publish-webhook';

/**
 * What is published, per document, in one cheap answer: the publisher compares it with the state
 * its live release was built from (reconciliation), so a change whose webhook never arrived is
 * still found. A document's version covers everything of it that a page shows and that can change
 * without the document's own `updatedAt` moving: the publication itself (`publishedAt`) and the
 * documents and files it points to (relations edited from the other side, a file swapped in the
 * media library). The related documents' own fields are versioned by their own rows. Tags,
 * authors, photos and polls count as published once a published article uses them (the embargo,
 * utils/visibility.ts), as the public API lists them.
 */
export interface PublishState {
  generatedAt: string;
  /** Per content type: documentId → version. */
  types: Record<string, Record<string, string>>;
  /** Uploaded files: id → [url, updatedAt]. */
  files: Record<string, [string, string]>;
}

type Uid = Parameters<Core.Strapi['getModel']>[0];
type QueryBuilder = ReturnType<Core.Strapi['db']['connection']>;

interface JoinTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn?: { name: string };
  orderColumnName?: string;
}
interface Attribute {
  type: string;
  relation?: string;
  target?: string;
  private?: boolean;
  mappedBy?: string;
  columnName?: string;
  joinTable?: JoinTable;
}
interface Meta {
  tableName: string;
  attributes: Record<string, Attribute>;
}

const ARTICLE = 'api::article.article';

/** Ids bound per query: SQLite allows 32,766 bound values in one statement. */
const CHUNK = 5000;

const iso = (value: unknown) => (value == null ? '' : new Date(value as string | number).toISOString());

const metaOf = (strapi: Core.Strapi, uid: string) =>
  (strapi.db as unknown as { metadata: { get(uid: string): Meta } }).metadata.get(uid);

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

/**
 * documentId → version of the published documents of `uid` (only among `documentIds`, when
 * given). Read with plain queries on the tables and link tables (one per relation), not the query
 * engine's populate.
 */
async function versions(strapi: Core.Strapi, uid: string, documentIds?: string[]) {
  const knex = strapi.db.connection;
  const meta = metaOf(strapi, uid);
  const column = (name: string) => meta.attributes[name].columnName ?? name;
  let query = knex(meta.tableName)
    .select({
      id: 'id',
      documentId: column('documentId'),
      updatedAt: column('updatedAt'),
      publishedAt: column('publishedAt'),
    })
    .whereNotNull(column('publishedAt'));
  if (documentIds) query = query.whereIn(column('documentId'), documentIds);
  let rows = (await query) as { id: number; documentId: string; updatedAt: unknown; publishedAt: unknown }[];
  // What readers may not see yet (the embargo) is not published for the site either.
  if (isEmbargoed(uid)) {
    const visible = new Set(await visibleIds(strapi, uid, documentIds));
    rows = rows.filter((r) => visible.has(Number(r.id)));
  }
  const ids = rows.map((r) => r.id);
  const linked = new Map<number, string[]>(rows.map((r) => [r.id, []]));
  for (const { name, media } of shownRelations(strapi, uid)) {
    const links = media ? await mediaLinks(strapi, uid, name, ids) : await relationLinks(strapi, meta, name, ids);
    for (const row of rows) linked.get(row.id)!.push((links.get(row.id) ?? []).join(','));
  }
  const out: Record<string, string> = {};
  for (const [i, row] of rows.entries()) {
    if (i % CHUNK === CHUNK - 1) await nextTurn();
    const hash = createHash('sha1')
      .update(`${iso(row.publishedAt)}|${linked.get(row.id)!.join('|')}`)
      .digest('base64url')
      .slice(0, 12);
    out[row.documentId] = `${iso(row.updatedAt)}~${hash}`;
  }
  return out;
}

// The whole state at 100,000 articles is seconds of this process's one thread (SQLite answers
// synchronously): read in steps (nextTurn between them), an editor's save or a reader's vote that
// comes meanwhile waits for one step, not for all of them.

/**
 * The rows `build` selects whose `column` is one of `ids` (ordered by it, when `build` orders by
 * it), CHUNK ids at a time: by list for a few ids, by range of the ids sorted for many (the rows of
 * other ids in a range, drafts, come along, as with the whole table).
 */
async function whereIn<T>(build: () => QueryBuilder, column: string, ids: number[]) {
  const out: T[] = [];
  const sorted = ids.length > CHUNK ? [...ids].sort((x, y) => x - y) : null;
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = (
      sorted
        ? await build().whereBetween(column, [sorted[i], sorted[Math.min(i + CHUNK, ids.length) - 1]])
        : await build().whereIn(column, ids.slice(i, i + CHUNK))
    ) as T[];
    for (const row of rows) out.push(row);
    if (sorted) await nextTurn();
  }
  return out;
}

/** Owner id → target documentIds, in the relation's order, through its link table. */
async function relationLinks(strapi: Core.Strapi, meta: Meta, name: string, ids: number[]) {
  const attribute = meta.attributes[name];
  const table = attribute.joinTable;
  const links = new Map<number, string[]>();
  if (!table?.inverseJoinColumn || !attribute.target || !ids.length) return links;
  const knex = strapi.db.connection;
  const targetMeta = metaOf(strapi, attribute.target);
  const [owner, target] = [`l.${table.joinColumn.name}`, `l.${table.inverseJoinColumn.name}`];
  const rows = await whereIn<{ owner: number; target: number; documentId: string | null }>(
    () =>
      knex({ l: table.name })
        .leftJoin({ t: targetMeta.tableName }, 't.id', target)
        .select({ owner, target, documentId: `t.${targetMeta.attributes.documentId.columnName ?? 'document_id'}` })
        .orderBy([owner, ...(table.orderColumnName ? [`l.${table.orderColumnName}`] : []), 'l.id']),
    owner,
    ids
  );
  for (const row of rows) {
    const list = links.get(row.owner) ?? [];
    list.push(row.documentId ?? `#${row.target}`);
    links.set(row.owner, list);
  }
  return links;
}

/** Owner id → file ids of a media field, in order (Strapi keeps them in files_related_mph). */
async function mediaLinks(strapi: Core.Strapi, uid: string, field: string, ids: number[]) {
  const table = metaOf(strapi, 'plugin::upload.file').attributes.related.joinTable as JoinTable & {
    morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
  };
  const knex = strapi.db.connection;
  const owner = table.morphColumn.idColumn.name;
  const rows = await whereIn<{ owner: number; file: number }>(
    () =>
      knex(table.name)
        .select({ owner, file: table.joinColumn.name })
        .where(table.morphColumn.typeColumn.name, uid)
        .andWhere('field', field)
        .orderBy([owner, 'order', 'id']),
    owner,
    ids
  );
  const links = new Map<number, string[]>();
  for (const row of rows) links.set(row.owner, [...(links.get(row.owner) ?? []), String(row.file)]);
  return links;
}

/** The published version of one document, or null when it is not published. */
export async function documentVersion(strapi: Core.Strapi, uid: string, documentId: string) {
  return (await versions(strapi, uid, [documentId]))[documentId] ?? null;
}

/** How many documents one partial state may name (the list travels in the URL: Node takes 16 KB of headers). */
export const MAX_PARTIAL_DOCUMENTS = 200;

/**
 * Per content type, documentId → version, or null when not published: the documents named, and
 * the published embargoed documents (tags, authors, photos, polls) the published version of the
 * named articles points to, since publishing an article shows them (utils/visibility.ts). Not the
 * draft's: an author or poll an unpublished edit adds is nobody's business until the edit is
 * published (the whole state, built from published rows only, says the same). A publish costs
 * what it changed, not the archive: the publisher reads this for the documents its events name,
 * before their content, and compares the whole state after the release is live.
 */
export async function partialPublishState(strapi: Core.Strapi, documents: Record<string, string[]>) {
  const wanted = new Map<string, Set<string>>();
  const want = (uid: string, ids: Iterable<string>) => {
    const set = wanted.get(uid) ?? new Set<string>();
    for (const id of ids) set.add(id);
    wanted.set(uid, set);
  };
  for (const [uid, ids] of Object.entries(documents)) want(uid, ids);
  const articles = [...(wanted.get(ARTICLE) ?? [])];
  if (articles.length) {
    const knex = strapi.db.connection;
    const meta = metaOf(strapi, ARTICLE);
    const column = (name: string) => `a.${meta.attributes[name].columnName ?? name}`;
    for (const attribute of Object.values(meta.attributes)) {
      const table = attribute.joinTable;
      if (attribute.type !== 'relation' || !attribute.target || !isEmbargoed(attribute.target)) continue;
      if (!table?.inverseJoinColumn) continue;
      const targetMeta = metaOf(strapi, attribute.target);
      const rows = (await knex({ l: table.name })
        .join({ a: meta.tableName }, 'a.id', `l.${table.joinColumn.name}`)
        .join({ t: targetMeta.tableName }, 't.id', `l.${table.inverseJoinColumn.name}`)
        .whereIn(column('documentId'), articles)
        .whereNotNull(column('publishedAt'))
        .distinct({ documentId: `t.${targetMeta.attributes.documentId.columnName ?? 'document_id'}` })) as {
        documentId: string;
      }[];
      want(
        attribute.target,
        rows.map((r) => r.documentId)
      );
    }
  }
  const types: Record<string, Record<string, string | null>> = {};
  for (const [uid, ids] of wanted) {
    const found = await versions(strapi, uid, [...ids]);
    const named = new Set(documents[uid] ?? []);
    // A document pointed to is listed only when published: what a draft points to stays unseen
    // (one that stops being published is found by the comparison of the whole state).
    types[uid] = Object.fromEntries(
      [...ids].flatMap((id): [string, string | null][] =>
        id in found ? [[id, found[id]]] : named.has(id) ? [[id, null]] : []
      )
    );
  }
  return { generatedAt: new Date().toISOString(), types };
}

export async function publishState(strapi: Core.Strapi): Promise<PublishState> {
  const generatedAt = new Date().toISOString();
  const types: PublishState['types'] = {};
  for (const uid of PUBLISHED_TYPES) types[uid] = await versions(strapi, uid);
  const fileMeta = metaOf(strapi, 'plugin::upload.file');
  const files: PublishState['files'] = {};
  const rows = (await strapi.db.connection(fileMeta.tableName).select({
    id: 'id',
    url: fileMeta.attributes.url.columnName ?? 'url',
    updatedAt: fileMeta.attributes.updatedAt.columnName ?? 'updated_at',
  })) as { id: number; url: string; updatedAt: unknown }[];
  // Only the files readers may see (the embargo covers a story's photos too).
  const visible = await visibleFileIds(strapi);
  for (const row of rows) if (visible.has(Number(row.id))) files[String(row.id)] = [row.url, iso(row.updatedAt)];
  return { generatedAt, types, files };
}

/**
 * A digest of everything the whole state is made from, in a few aggregate queries (milliseconds
 * where the whole state takes seconds): per published content type, its published rows (and of
 * the embargoed types, the visible ones), the link rows they own for the relations their pages
 * show, and the visible files. Each as a count, a sum of row ids, and the latest times or the sum
 * of orders that change in place. Rows are never changed in place but for their times and link
 * orders: a publish, an unpublish or an edited relation removes rows and adds rows with new, higher
 * ids, which changes a count or a sum. The publisher asks for it every second or so and compares
 * the whole state as soon as it moves with no event to explain it (a lost webhook); an equal digest
 * proves nothing, and the periodic comparison of the whole state stays the guarantee.
 */
export async function publishDigest(strapi: Core.Strapi) {
  const generatedAt = new Date().toISOString();
  const knex = strapi.db.connection;
  const aggregates: string[][] = [];
  // Sums and times as the driver gives them (numbers, strings, dates): made comparable as text.
  // One query a turn of the event loop: at 100,000 articles each is 75–200 ms of this process's one
  // thread (SQLite answers synchronously) and the ten of them ~1.3 s, which an editor's publish and
  // its webhooks waited behind, every probe.
  const add = async (query: QueryBuilder) => {
    const [row] = (await query) as Record<string, unknown>[];
    aggregates.push(Object.values(row).map((v) => (v instanceof Date ? v.toISOString() : String(v ?? ''))));
    await nextTurn();
  };
  const media = metaOf(strapi, 'plugin::upload.file').attributes.related.joinTable as JoinTable & {
    morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
  };
  for (const uid of PUBLISHED_TYPES) {
    const meta = metaOf(strapi, uid);
    const column = (name: string) => meta.attributes[name].columnName ?? name;
    const owners = () => {
      const query = knex(meta.tableName).select('id').whereNotNull(column('publishedAt'));
      if (!isEmbargoed(uid)) return query;
      const visible = visibleQuery(strapi, uid);
      return visible ? query.whereIn('id', visible) : query.whereRaw('1 = 0');
    };
    // Not `id in (owners)` for the rows themselves: the published rows are read from the index of
    // (published_at, document_id, updated_at) alone (database/migrations), never the articles' bodies.
    const rows = knex(meta.tableName).whereNotNull(column('publishedAt'));
    await add(
      (isEmbargoed(uid) ? rows.whereIn('id', owners()) : rows)
        .count({ n: '*' })
        .sum({ ids: 'id' })
        .max({ updated: column('updatedAt'), published: column('publishedAt') })
    );
    for (const { name, media: isMedia } of shownRelations(strapi, uid)) {
      if (isMedia) {
        await add(
          knex(media.name)
            .where(media.morphColumn.typeColumn.name, uid)
            .andWhere('field', name)
            .whereIn(media.morphColumn.idColumn.name, owners())
            .count({ n: '*' })
            .sum({ ids: 'id', orders: 'order' })
        );
        continue;
      }
      const table = meta.attributes[name].joinTable;
      if (!table?.inverseJoinColumn) continue;
      await add(
        knex(table.name)
          .whereIn(table.joinColumn.name, owners())
          .count({ n: '*' })
          .sum({ ids: 'id', ...(table.orderColumnName ? { orders: table.orderColumnName } : {}) })
      );
    }
  }
  const files = metaOf(strapi, 'plugin::upload.file');
  await add(
    knex(files.tableName)
      .whereIn('id', visibleFilesQuery(strapi))
      .count({ n: '*' })
      .sum({ ids: 'id' })
      .max({ updated: files.attributes.updatedAt.columnName ?? 'updated_at' })
  );
  return { generatedAt, digest: createHash('sha1').update(JSON.stringify(aggregates)).digest('base64url') };
}

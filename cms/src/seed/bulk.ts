import { createId } from '@paralleldrive/cuid2';
import type { Core, UID } from '@strapi/strapi';

type Transaction = Parameters<Parameters<Core.Strapi['db']['transaction']>[0]>[0]['trx'];

/**
 * Published documents written straight to the database, many per statement: what the Document
 * Service stores for `create({ status: 'published', data })` of a draft-and-publish type, row for
 * row, at a few microseconds a document instead of tens of milliseconds. For generated demo
 * content only (`npm run seed`): it runs no document middleware, lifecycle or webhook, so what the
 * newsroom's rules would add (slugs, dates) must already be in `data`, and the publisher learns of
 * the documents by comparing states (reconciliation), not by events.
 *
 * What it writes, as the Document Service does (checked table by table in tests/cms/seed.test.ts):
 * - a draft row and a published row per document, sharing a new `documentId` (cuid2), with the
 *   same values; attributes left out take their schema default or null;
 * - per relation, the same link rows for both versions: the order of the targets (1, 2, …) in the
 *   order column, and in the inverse order column each document's place among the documents
 *   linked to that target (the largest value there + 1, as Strapi's entity manager computes it).
 */
export interface BulkDocument {
  /** Scalar attributes by name (strings, numbers, booleans; ISO strings or Dates for datetimes). */
  data: Record<string, unknown>;
  /** Relation attributes by name: the target rows' ids, in order. */
  relations: Record<string, number[]>;
}

type Attribute = {
  type: string;
  columnName?: string;
  joinTable?: {
    name: string;
    joinColumn: { name: string };
    inverseJoinColumn: { name: string };
    orderColumnName?: string;
    inverseOrderColumnName?: string;
    on?: unknown;
  };
};
type SchemaAttribute = { type: string; required?: boolean; maxLength?: number; default?: unknown };

/** Rows per INSERT: well under SQLite's 32,766 bound parameters with the widest table. */
const ROWS_PER_INSERT = 500;
/** Columns Strapi sets itself on every row. */
const SYSTEM = new Set(['id', 'documentId', 'createdAt', 'updatedAt', 'publishedAt', 'locale']);

export async function createPublishedInBulk(
  strapi: Core.Strapi,
  uid: UID.ContentType,
  documents: BulkDocument[],
  now = new Date()
): Promise<void> {
  if (!documents.length) return;
  const model = strapi.contentType(uid) as unknown as {
    options?: { draftAndPublish?: boolean };
    attributes: Record<string, SchemaAttribute>;
  };
  if (!model.options?.draftAndPublish)
    throw new Error(`${uid} has no drafts: the bulk path writes draft-and-publish types only.`);
  const meta = strapi.db.metadata.get(uid) as unknown as { tableName: string; attributes: Record<string, Attribute> };
  const scalars = Object.entries(meta.attributes).filter(
    ([name, a]) => a.columnName && a.type !== 'relation' && !SYSTEM.has(name)
  );
  const relations = new Map(
    Object.entries(meta.attributes).filter(([, a]) => a.type === 'relation' && a.joinTable && !a.joinTable.on)
  );
  for (const [i, doc] of documents.entries()) check(uid, model.attributes, doc, relations, i);

  await strapi.db.transaction(async ({ trx }) => {
    const knex = trx;
    const postgres = strapi.db.dialect.client === 'postgres';
    // The ids are chosen here: no other writer may take one meanwhile (PostgreSQL's writers would
    // draw them from a sequence that does not know them; SQLite has one writer at a time anyway).
    if (postgres) await knex.raw('LOCK TABLE ?? IN SHARE ROW EXCLUSIVE MODE', [meta.tableName]);
    const [{ max }] = await knex(meta.tableName).max('id as max');
    let nextId = Number(max ?? 0);

    // Each target's largest inverse order so far, per relation that keeps one.
    const inverseMax = new Map<string, Map<number, number>>();
    for (const [name, { joinTable }] of relations) {
      if (!joinTable?.inverseOrderColumnName) continue;
      const target = joinTable.inverseJoinColumn.name;
      const rows: Record<string, unknown>[] = await knex(joinTable.name)
        .select(target)
        .max(`${joinTable.inverseOrderColumnName} as max`)
        .groupBy(target);
      inverseMax.set(name, new Map(rows.map((r) => [Number(r[target]), Number(r.max)])));
    }

    const rows: Record<string, unknown>[] = [];
    const links = new Map<string, Record<string, unknown>[]>();
    for (const doc of documents) {
      const documentId = createId();
      const values = Object.fromEntries(
        scalars.map(([name, a]) => [a.columnName!, toColumn(model.attributes[name], doc.data[name])])
      );
      const versions = [null, now].map((publishedAt) => {
        const id = ++nextId;
        rows.push({
          id,
          document_id: documentId,
          ...values,
          created_at: now,
          updated_at: now,
          published_at: publishedAt,
          locale: null,
        });
        return id;
      });
      for (const [name, targets] of Object.entries(doc.relations)) {
        const { joinTable } = relations.get(name)!;
        const { name: table, joinColumn, inverseJoinColumn, orderColumnName, inverseOrderColumnName } = joinTable!;
        const maxes = inverseMax.get(name);
        const inverse = targets.map((target) => {
          if (!maxes) return undefined;
          const order = (maxes.get(target) ?? 0) + 1;
          maxes.set(target, order);
          return order;
        });
        const out = links.get(table) ?? links.set(table, []).get(table)!;
        for (const id of versions)
          targets.forEach((target, i) =>
            out.push({
              [joinColumn.name]: id,
              [inverseJoinColumn.name]: target,
              ...(orderColumnName ? { [orderColumnName]: i + 1 } : {}),
              ...(inverseOrderColumnName ? { [inverseOrderColumnName]: inverse[i] } : {}),
            })
          );
      }
    }

    await insert(knex, meta.tableName, rows);
    for (const [table, out] of links) await insert(knex, table, out);
    // PostgreSQL's id sequence does not follow explicit ids (SQLite's AUTOINCREMENT does).
    if (postgres) await knex.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), ?)`, [meta.tableName, nextId]);
  });
}

async function insert(knex: Transaction, table: string, rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await knex(table).insert(rows.slice(i, i + ROWS_PER_INSERT));
}

/** A value as Strapi's field types store it; attributes left out take their default. */
function toColumn(attribute: SchemaAttribute, value: unknown) {
  const v = value === undefined ? attribute.default : value;
  if (v === undefined || v === null) return null;
  if (attribute.type === 'datetime') return new Date(v as string);
  return v;
}

/** What the Document Service's validation would refuse: a required value missing, a string too long, a relation unknown. */
function check(
  uid: string,
  attributes: Record<string, SchemaAttribute>,
  doc: BulkDocument,
  relations: Map<string, Attribute>,
  index: number
) {
  const where = `${uid} #${index + 1}${doc.data.sourceKey ? ` (${String(doc.data.sourceKey)})` : ''}`;
  for (const [name, attribute] of Object.entries(attributes)) {
    const value = doc.data[name] ?? attribute.default;
    if (attribute.type === 'relation' || attribute.type === 'component') continue;
    if (attribute.required && (value === undefined || value === null || value === ''))
      throw new Error(`${where}: "${name}" is required.`);
    if (attribute.maxLength && typeof value === 'string' && value.length > attribute.maxLength)
      throw new Error(`${where}: "${name}" is longer than ${attribute.maxLength} characters.`);
  }
  for (const name of Object.keys(doc.data))
    if (
      !attributes[name] ||
      SYSTEM.has(name) ||
      ['relation', 'component', 'dynamiczone', 'media'].includes(attributes[name].type)
    )
      throw new Error(`${where}: "${name}" is not a scalar attribute of ${uid}.`);
  for (const [name, targets] of Object.entries(doc.relations)) {
    if (!relations.has(name)) throw new Error(`${where}: "${name}" is not a relation the bulk path writes.`);
    if (new Set(targets).size !== targets.length) throw new Error(`${where}: "${name}" names a target twice.`);
  }
}

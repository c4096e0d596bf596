import type { Core } from '@strapi/strapi';

/**
 * The embargo: entries without drafts of their own (tags, authors, photos, polls) are seen by
 * readers only once a published article uses them. A photo saved for an unpublished story (its
 * caption, credit, file), the poll and the tags prepared for it stay unlisted until the story is
 * published; the site never needs them earlier. Categories are the site's sections: always public.
 *
 * Applied to the public Content API (middlewares/embargo.ts), to the poll routes and to the
 * publishing state, so that what the site is built from and what it is told changed are the same
 * set.
 */
export const EMBARGOED = ['api::tag.tag', 'api::author.author', 'api::photo.photo', 'api::poll.poll'] as const;
const ARTICLE = 'api::article.article';

interface JoinTable {
  name: string;
  joinColumn: { name: string };
  inverseJoinColumn?: { name: string };
}
interface Meta {
  tableName: string;
  attributes: Record<string, { type: string; target?: string; joinTable?: JoinTable; columnName?: string }>;
}
const metaOf = (strapi: Core.Strapi, uid: string) =>
  (strapi.db as unknown as { metadata: { get(uid: string): Meta } }).metadata.get(uid);

export const isEmbargoed = (uid: string) => (EMBARGOED as readonly string[]).includes(uid);

/**
 * Row ids of `uid` that a published article points to, through any of the article's relations
 * to that type (cover and photos for photos): one query, an EXISTS per relation on its link table
 * (indexed on both sides; a few milliseconds at 10,000 articles, where a join over the whole link
 * table took a hundred).
 */
export async function visibleIds(strapi: Core.Strapi, uid: string, documentIds?: string[]): Promise<number[]> {
  const query = visibleQuery(strapi, uid, documentIds);
  return query ? ((await query) as { id: number }[]).map((row) => Number(row.id)) : [];
}

/**
 * The query behind `visibleIds` (null when no article points to `uid`), to use as a subquery;
 * only among `documentIds`, when given.
 */
export function visibleQuery(strapi: Core.Strapi, uid: string, documentIds?: string[]) {
  const article = metaOf(strapi, ARTICLE);
  const target = metaOf(strapi, uid);
  const knex = strapi.db.connection;
  const published = article.attributes.publishedAt.columnName ?? 'published_at';
  const links = Object.values(article.attributes).flatMap((attribute) =>
    attribute.type === 'relation' && attribute.target === uid && attribute.joinTable?.inverseJoinColumn
      ? [attribute.joinTable as Required<JoinTable>]
      : []
  );
  if (!links.length) return null;
  let query = knex({ t: target.tableName }).select('t.id');
  if (documentIds) query = query.whereIn(`t.${target.attributes.documentId.columnName ?? 'document_id'}`, documentIds);
  return query.where((visible) => {
    links.forEach((table, i) => {
      const usedBy = knex({ l: table.name })
        .join({ a: article.tableName }, 'a.id', `l.${table.joinColumn.name}`)
        .whereRaw('?? = ??', [`l.${table.inverseJoinColumn.name}`, 't.id'])
        .whereNotNull(`a.${published}`)
        .select(knex.raw('1'));
      if (i === 0) visible.whereExists(usedBy);
      else visible.orWhereExists(usedBy);
    });
  });
}

/**
 * Ids of the uploaded files readers may see: those of visible photos and authors, and those of
 * published articles (their own media fields and their components', e.g. the SEO share image).
 */
export async function visibleFileIds(strapi: Core.Strapi): Promise<Set<number>> {
  const rows = (await visibleFilesQuery(strapi)) as { id: number }[];
  return new Set(rows.map((r) => Number(r.id)));
}

/** The query behind `visibleFileIds` (distinct `id`s), to use as a subquery. */
export function visibleFilesQuery(strapi: Core.Strapi) {
  const knex = strapi.db.connection;
  const article = metaOf(strapi, ARTICLE);
  const published = article.attributes.publishedAt.columnName ?? 'published_at';
  const morph = (
    metaOf(strapi, 'plugin::upload.file').attributes.related as unknown as {
      joinTable: {
        name: string;
        joinColumn: { name: string };
        morphColumn: { typeColumn: { name: string }; idColumn: { name: string } };
      };
    }
  ).joinTable;
  const type = morph.morphColumn.typeColumn.name;
  const owner = morph.morphColumn.idColumn.name;
  const owners: [string, ReturnType<typeof knex>][] = [];
  for (const uid of ['api::photo.photo', 'api::author.author']) {
    const query = visibleQuery(strapi, uid);
    if (query) owners.push([uid, query]);
  }
  owners.push([ARTICLE, knex(article.tableName).select('id').whereNotNull(published)]);
  for (const attribute of Object.values(article.attributes) as {
    type: string;
    component?: string;
    joinTable?: JoinTable;
  }[]) {
    if (attribute.type !== 'component' || !attribute.component || !attribute.joinTable?.inverseJoinColumn) continue;
    const table = attribute.joinTable;
    owners.push([
      attribute.component,
      knex({ c: table.name })
        .join({ a: article.tableName }, 'a.id', `c.${table.joinColumn.name}`)
        .whereNotNull(`a.${published}`)
        .select(`c.${table.inverseJoinColumn!.name}`),
    ]);
  }
  return knex(morph.name)
    .distinct({ id: morph.joinColumn.name })
    .where((q) => {
      for (const [uid, ids] of owners) q.orWhere((o) => o.where(type, uid).whereIn(owner, ids));
    });
}

/** Whether the `uid` entry with this documentId is used by a published article. */
export async function isVisible(strapi: Core.Strapi, uid: string, documentId: string) {
  return !isEmbargoed(uid) || (await visibleIds(strapi, uid, [documentId])).length > 0;
}

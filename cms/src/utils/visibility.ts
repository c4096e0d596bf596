import type { Core } from '@strapi/strapi';

/**
 * The embargo: entries without drafts of their own (tags, authors, photos, polls) are seen by
 * readers only once a published article uses them. A photo saved for an unpublished story (its
 * caption, credit, file), the poll and the tags prepared for it stay unlisted until the story is
 * published; the site never needs them earlier. Categories are the site's sections: always public.
 *
 * Applied to the public Content API (the `global::embargo` route middleware), to the poll routes
 * and to the publishing state, so that what the site is built from and what it is told changed
 * are the same set.
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
 * to that type (cover and photos for photos). One query per relation, on the link tables.
 */
export async function visibleIds(strapi: Core.Strapi, uid: string): Promise<number[]> {
  const article = metaOf(strapi, ARTICLE);
  const knex = strapi.db.connection;
  const published = article.attributes.publishedAt.columnName ?? 'published_at';
  const ids = new Set<number>();
  for (const attribute of Object.values(article.attributes)) {
    const table = attribute.joinTable;
    if (attribute.type !== 'relation' || attribute.target !== uid || !table?.inverseJoinColumn) continue;
    const rows = (await knex({ l: table.name })
      .join({ a: article.tableName }, 'a.id', `l.${table.joinColumn.name}`)
      .whereNotNull(`a.${published}`)
      .distinct({ id: `l.${table.inverseJoinColumn.name}` })) as { id: number }[];
    for (const row of rows) ids.add(Number(row.id));
  }
  return [...ids];
}

/** Whether the `uid` entry with this documentId is used by a published article. */
export async function isVisible(strapi: Core.Strapi, uid: string, documentId: string) {
  if (!isEmbargoed(uid)) return true;
  const meta = metaOf(strapi, uid);
  const row = (await strapi.db
    .connection(meta.tableName)
    .where(meta.attributes.documentId.columnName ?? 'document_id', documentId)
    .first('id')) as { id: number } | undefined;
  return !!row && (await visibleIds(strapi, uid)).includes(Number(row.id));
}

import { z } from 'zod';
import { createStrapiClient } from './strapi';

/** The article fields the site renders (see cms/src/utils/populate.ts for the full shape). */
export const articleSummary = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  lead: z.string(),
  publicationDate: z.string().nullable(),
});
export type ArticleSummary = z.infer<typeof articleSummary>;

function env(name: string): string | undefined {
  return process.env[name] || (import.meta.env[name] as string | undefined);
}

export const cms = createStrapiClient({
  baseUrl: env('CMS_URL') || 'http://127.0.0.1:1337',
  token: env('SITE_API_TOKEN'),
});

/** Every published article, newest first. */
export async function loadArticles(): Promise<ArticleSummary[]> {
  const rows = await cms.all<unknown>('articles', { sort: 'publicationDate:desc', status: 'published' });
  return rows.map((row) => articleSummary.parse(row));
}

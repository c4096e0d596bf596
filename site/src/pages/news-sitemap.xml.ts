import type { APIRoute } from 'astro';
import { loadContent, shownDate } from '../lib/content';
import { SITE } from '../lib/config';
import { routes } from '@newsroom/content/routes';
import { NEWS_SITEMAP_WINDOW_MS } from '@newsroom/content/clock';

/** URLs a news sitemap may hold (Google's limit). */
const NEWS_SITEMAP_MAX = 1000;

const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Google News sitemap: the articles of the last two days (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap). */
export const GET: APIRoute = async () => {
  const { articles, now } = await loadContent();
  const since = now.getTime() - NEWS_SITEMAP_WINDOW_MS;
  // Newest first: the recent ones lead, and the rest of the archive is not read.
  const recent: typeof articles = [];
  for (const a of articles) {
    if (recent.length === NEWS_SITEMAP_MAX || Date.parse(shownDate(a)) <= since) break;
    recent.push(a);
  }
  const body = `<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
${recent
  .map(
    (a) =>
      `<url><loc>${SITE.url}${routes.article(a.slug)}</loc><news:news><news:publication><news:name>${escape(SITE.name)}</news:name><news:language>vi</news:language></news:publication><news:publication_date>${new Date(shownDate(a)).toISOString()}</news:publication_date><news:title>${escape(a.title)}</news:title></news:news></url>`
  )
  .join('\n')}
</urlset>
`;
  return new Response(body, { headers: { 'Content-Type': 'application/xml; charset=utf-8' } });
};

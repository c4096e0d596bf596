import type { APIRoute } from 'astro';
import { loadContent, shownDate } from '../lib/content';
import { SITE } from '../lib/config';
import { routes } from '@newsroom/content/routes';
import { NEWS_SITEMAP_WINDOW_MS } from '@newsroom/content/clock';

const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Google News sitemap: the articles of the last two days (https://developers.google.com/search/docs/crawling-indexing/sitemaps/news-sitemap). */
export const GET: APIRoute = async () => {
  const { articles, now } = await loadContent();
  const since = now.getTime() - NEWS_SITEMAP_WINDOW_MS;
  const recent = articles.filter((a) => Date.parse(shownDate(a)) > since).slice(0, 1000);
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

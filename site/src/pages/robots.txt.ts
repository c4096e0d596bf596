import type { APIRoute } from 'astro';
import { SITE } from '../lib/config';

export const GET: APIRoute = () =>
  new Response(
    `User-agent: *\nAllow: /\nDisallow: /tim-kiem/\n\nSitemap: ${SITE.url}/sitemap-index.xml\nSitemap: ${SITE.url}/news-sitemap.xml\n`,
    { headers: { 'Content-Type': 'text/plain; charset=utf-8' } }
  );

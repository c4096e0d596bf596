import type { APIRoute } from 'astro';
import { loadContent } from '../lib/content';
import { sitemapIndex } from '../lib/sitemap';

export const GET: APIRoute = async () => sitemapIndex(await loadContent());

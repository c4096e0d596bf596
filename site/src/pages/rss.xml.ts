import type { APIRoute } from 'astro';
import { loadContent } from '../lib/content';
import { SITE } from '../lib/config';
import { articleFeed } from '../lib/feeds';

export const GET: APIRoute = async () => {
  const { articles } = await loadContent();
  return articleFeed(SITE.name, SITE.description, articles);
};

import type { APIRoute, GetStaticPaths } from 'astro';
import { loadContent } from '../lib/content';
import { sitemapFile, sitemapFileCount } from '../lib/sitemap';

export const getStaticPaths = (async () => {
  const count = sitemapFileCount(await loadContent());
  return Array.from({ length: count }, (_, n) => ({ params: { n: String(n) } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => sitemapFile(await loadContent(), Number(params.n));

import type { APIRoute, GetStaticPaths } from 'astro';
import { loadContent } from '../../../lib/content';
import { categoryFeedPaths } from '../../../lib/static-paths';
import { SITE } from '../../../lib/config';
import { articleFeed } from '../../../lib/feeds';
import type { Category } from '@newsroom/content/schema';

export const getStaticPaths = categoryFeedPaths satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { category } = props as { category: Category };
  const { byCategory } = await loadContent();
  return articleFeed(
    `${category.name} | ${SITE.name}`,
    category.description ?? category.name,
    byCategory.get(category.slug) ?? []
  );
};

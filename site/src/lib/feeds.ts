import rss from '@astrojs/rss';
import { SITE } from './config';
import { shownDate } from './content';
import type { Article } from '@newsroom/content/schema';
import { routes } from '@newsroom/content/routes';

/** Items per feed: readers' apps want the latest, not the archive. */
const FEED_SIZE = 50;

/** An RSS 2.0 feed of the newest `articles` (@astrojs/rss escapes every field). */
export function articleFeed(title: string, description: string, articles: Article[]) {
  return rss({
    title,
    description,
    site: SITE.url,
    customData: '<language>vi</language>',
    items: articles.slice(0, FEED_SIZE).map((a) => ({
      title: a.title,
      link: routes.article(a.slug),
      description: a.lead,
      pubDate: new Date(shownDate(a)),
      categories: [a.category?.name, ...a.tags.map((t) => t.name)].filter((c): c is string => !!c),
      author: a.authors.map((x) => x.name).join(', '),
    })),
  });
}

import { SITE } from './config';
import { mediaUrl, shownDate } from './content';
import { T } from './strings';
import type { Article } from '@newsroom/content/schema';
import { routes } from '@newsroom/content/routes';

/** schema.org NewsArticle and BreadcrumbList for an article page. */
export function articleJsonLd(article: Article, path: string, crumbs: { name: string; href: string }[]) {
  const url = `${SITE.url}${path}`;
  const images = [article.cover, ...article.photos]
    .map((p) => p?.image && mediaUrl(p.image.url))
    .filter((u, i, all): u is string => !!u && all.indexOf(u) === i);
  return [
    {
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      mainEntityOfPage: url,
      headline: article.title.slice(0, 110),
      description: article.lead,
      image: images,
      datePublished: shownDate(article),
      dateModified: article.updatedAt,
      inLanguage: 'vi',
      articleSection: article.category?.name,
      keywords: article.tags.map((t) => t.name).join(', ') || undefined,
      author: article.authors.map((a) => ({
        '@type': 'Person',
        name: a.name,
        url: `${SITE.url}${routes.author(a.slug)}`,
      })),
      publisher: { '@type': 'NewsMediaOrganization', name: SITE.name, url: `${SITE.url}/` },
    },
    {
      '@context': 'https://schema.org',
      '@type': 'BreadcrumbList',
      itemListElement: [{ name: T.home, href: '/' }, ...crumbs, { name: article.title, href: path }].map((c, i) => ({
        '@type': 'ListItem',
        position: i + 1,
        name: c.name,
        item: `${SITE.url}${c.href}`,
      })),
    },
  ];
}

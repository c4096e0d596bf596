/**
 * Where each page of the site lives: the one place its URLs are built (pages, planner, publisher,
 * and the CMS, which records an article's old address when its slug changes).
 * Paths end in a slash (trailingSlash: 'always').
 */
export const routes = {
  home: () => '/',
  article: (slug: string) => `/bai-viet/${slug}/`,
  category: (slug: string) => `/chuyen-muc/${slug}/`,
  author: (slug: string) => `/tac-gia/${slug}/`,
  tag: (slug: string) => `/the/${slug}/`,
  search: () => '/tim-kiem/',
};

const ARTICLES = routes.article('x').split('/')[1];

/**
 * The slug of the article whose page holds `sitePath`, a path in a release (`bai-viet/x/index.html`,
 * `bai-viet/x`) or an address (`/bai-viet/x/`); null for any other path.
 */
export function articleSlugOf(sitePath: string): string | null {
  const [top, slug] = sitePath.split('/').filter(Boolean);
  return top === ARTICLES && slug ? slug : null;
}

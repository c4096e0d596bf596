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

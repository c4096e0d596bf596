/**
 * Where each page of the site lives: the one place its URLs are built (pages, planner, publisher).
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

/** The absolute URL of a CMS media path (uploads are served by the CMS at `cmsUrl`); other URLs as they are. */
export const mediaUrlOn = (cmsUrl: string) => (url: string) =>
  url.startsWith('/') && !url.startsWith('//') ? `${cmsUrl}${url}` : url;

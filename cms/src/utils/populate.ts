/**
 * The shapes the Content API returns, decided by the server (see each API's populate middleware)
 * so that clients ask for "an article" and get exactly what a page renders.
 */
// Not `formats`: the site makes its own sizes with astro:assets, and Strapi's four formats were
// half of every article's JSON (a 10k-article build fetched 79 MB instead of ~40 MB).
export const imageFields = ['url', 'width', 'height', 'alternativeText'];

export const photoPopulate = {
  fields: ['caption', 'credit', 'alt', 'takenOn'],
  populate: { image: { fields: imageFields } },
};

export const authorPopulate = {
  fields: ['name', 'slug', 'role', 'bio'],
  populate: { avatar: { fields: imageFields } },
};

export const pollPopulate = {
  fields: ['question', 'opensAt', 'closesAt', 'showResultsBeforeClose'],
  populate: { options: true },
};

export const articlePopulate = {
  cover: photoPopulate,
  photos: photoPopulate,
  category: { fields: ['name', 'slug', 'menuOrder'] },
  tags: { fields: ['name', 'slug'] },
  authors: authorPopulate,
  poll: pollPopulate,
  seo: { populate: { shareImage: { fields: imageFields } } },
};

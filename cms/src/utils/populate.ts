/**
 * The shapes the Content API returns, decided by the server (see each API's populate middleware)
 * so that clients ask for "an article" and get exactly what a page renders.
 */
export const imageFields = ['url', 'width', 'height', 'formats', 'mime', 'alternativeText'];

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

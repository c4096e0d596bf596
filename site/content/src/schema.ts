import { z } from 'zod';

/**
 * The shapes the CMS returns (decided server-side: cms/src/utils/populate.ts), validated at the
 * boundary so a changed field fails the build with its path instead of rendering "undefined".
 */
export const image = z.object({
  url: z.string(),
  width: z.number().nullable(),
  height: z.number().nullable(),
  alternativeText: z.string().nullable().optional(),
});

export const photo = z.object({
  documentId: z.string(),
  caption: z.string().nullable(),
  credit: z.string().nullable(),
  alt: z.string(),
  image: image.nullable(),
});

export const category = z.object({
  documentId: z.string(),
  name: z.string(),
  slug: z.string(),
  description: z.string().nullable().optional(),
  menuOrder: z.number().nullable().optional(),
});

export const tag = z.object({ documentId: z.string(), name: z.string(), slug: z.string() });

export const author = z.object({
  documentId: z.string(),
  name: z.string(),
  slug: z.string(),
  role: z.string().nullable(),
  bio: z.string().nullable().optional(),
  avatar: image.nullable().optional(),
});

export const poll = z.object({
  documentId: z.string(),
  question: z.string(),
  opensAt: z.string().nullable(),
  closesAt: z.string().nullable(),
  showResultsBeforeClose: z.boolean().nullable(),
  // `votes` is null while the poll hides its results (until it closes).
  options: z.array(z.object({ id: z.number(), label: z.string(), votes: z.number().nullable() })),
});

export const article = z.object({
  documentId: z.string(),
  title: z.string(),
  slug: z.string(),
  lead: z.string(),
  body: z.string().nullable(),
  featured: z.boolean().nullable(),
  publicationDate: z.string().nullable(),
  publishedAt: z.string(),
  updatedAt: z.string(),
  cover: photo.nullable(),
  photos: z.array(photo),
  category: category.nullable(),
  tags: z.array(tag),
  authors: z.array(author),
  poll: poll.nullable(),
  seo: z
    .object({
      metaTitle: z.string().nullable(),
      metaDescription: z.string().nullable(),
      shareImage: image.nullable().optional(),
    })
    .nullable(),
});

/**
 * A redirect as the build reads it. The article is named by its id only: where it lives now comes
 * from the published articles of the same snapshot (an unpublished one has no address).
 */
export const redirect = z.object({
  documentId: z.string(),
  from: z.string(),
  to: z.string().nullable(),
  article: z.object({ documentId: z.string() }).nullable().optional(),
});

export type Image = z.infer<typeof image>;
export type Photo = z.infer<typeof photo>;
export type Category = z.infer<typeof category>;
export type Tag = z.infer<typeof tag>;
export type Author = z.infer<typeof author>;
export type Poll = z.infer<typeof poll>;
export type Article = z.infer<typeof article>;
export type Redirect = z.infer<typeof redirect>;

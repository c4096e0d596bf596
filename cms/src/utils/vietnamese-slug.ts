import slugify from 'slugify';

export const MAX_SLUG_LENGTH = 120;

/**
 * Every character but letters, digits, tone marks, spaces and apostrophes separates words: "2/9/1945"
 * keeps its three numbers apart, "1,5 triệu" its two (slugify alone would glue them: "291945").
 * This also drops the symbols slugify spells out in English ("%" → "percent", "&" → "and").
 */
const SEPARATORS = /[^\p{L}\p{N}\p{M}\s'’]/gu;

/**
 * A readable, stable URL slug for Vietnamese text: tone marks removed, đ/Đ → d, punctuation
 * (including curly quotes) turned into word breaks, words joined by hyphens, cut at a word
 * boundary. Used for new slugs only: a stored slug is never recomputed (documents/slugs.ts).
 */
export function toSlug(text: string, maxLength = MAX_SLUG_LENGTH): string {
  const slug = slugify(text.normalize('NFC').replace(SEPARATORS, ' '), {
    locale: 'vi',
    lower: true,
    strict: true,
    trim: true,
  });
  if (slug.length <= maxLength) return slug;
  const cut = slug.slice(0, maxLength + 1);
  const lastHyphen = cut.lastIndexOf('-');
  return (lastHyphen > 0 ? cut.slice(0, lastHyphen) : slug.slice(0, maxLength)).replace(/-+$/, '');
}

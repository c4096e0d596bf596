import slugify from 'slugify';

export const MAX_SLUG_LENGTH = 120;

/** Symbols slugify spells out in English ("%" → "percent", "&" → "and"): dropped instead. */
const SPELLED_SYMBOLS = /[%&<>|$€£¥₫©®™∞♥]/g;

/**
 * A readable, stable URL slug for Vietnamese text: tone marks removed, đ/Đ → d,
 * punctuation (including curly quotes) dropped, words joined by hyphens, cut at a word boundary.
 */
export function toSlug(text: string, maxLength = MAX_SLUG_LENGTH): string {
  const slug = slugify(text.normalize('NFC').replace(SPELLED_SYMBOLS, ' '), {
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

import { Marked } from 'marked';
import sanitize from 'sanitize-html';
import type { Photo } from '@newsroom/content/schema';

/**
 * Article bodies are editor-written markdown: rendered with `marked`, then sanitised with an
 * allowlist (no scripts, event handlers, iframes, or javascript:/data: URLs survive). A paragraph
 * that is only `![alt](photo:N)` — or an image whose URL is one of the article's photos — becomes
 * a figure with that Photo's caption and credit, rendered by the page with optimised images.
 */
export type BodySegment = { type: 'html'; html: string } | { type: 'photo'; photo: Photo };

const marked = new Marked({ gfm: true, breaks: false, async: false });

const ALLOWED_TAGS = [
  'p',
  'h2',
  'h3',
  'h4',
  'blockquote',
  'ul',
  'ol',
  'li',
  'strong',
  'em',
  'b',
  'i',
  'u',
  's',
  'a',
  'br',
  'hr',
  'code',
  'pre',
  'sup',
  'sub',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'img',
];

function sanitizeOptions(mediaUrl: (url: string) => string): sanitize.IOptions {
  return {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: {
      a: ['href', 'title', 'rel'],
      img: ['src', 'alt', 'title', 'loading', 'decoding'],
      th: ['colspan', 'rowspan'],
      td: ['colspan', 'rowspan'],
    },
    allowedSchemes: ['http', 'https', 'mailto', 'tel'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => ({
        tagName,
        attribs: /^https?:\/\//.test(attribs.href ?? '') ? { ...attribs, rel: 'noopener nofollow' } : attribs,
      }),
      // Media-library images are served by the CMS, not the site.
      img: (tagName, attribs) => ({
        tagName,
        attribs: { ...attribs, src: attribs.src ? mediaUrl(attribs.src) : '', loading: 'lazy', decoding: 'async' },
      }),
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs.src,
  };
}

/** Markdown → safe HTML. */
export function renderMarkdown(markdown: string, mediaUrl: (url: string) => string = (u) => u): string {
  return sanitize(marked.parse(markdown) as string, sanitizeOptions(mediaUrl));
}

const PHOTO_LINE = /^!\[[^\]]*\]\(\s*([^)\s]+)\s*\)$/;

/** Splits a body into safe HTML runs and the article photos placed between them. */
export function renderBody(markdown: string, photos: Photo[], mediaUrl: (url: string) => string): BodySegment[] {
  const segments: BodySegment[] = [];
  let pending: string[] = [];
  const flush = () => {
    const html = pending.length ? renderMarkdown(pending.join('\n\n'), mediaUrl) : '';
    if (html.trim()) segments.push({ type: 'html', html });
    pending = [];
  };
  for (const block of markdown.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const target = PHOTO_LINE.exec(block.trim())?.[1];
    const photo = target && findPhoto(target, photos, mediaUrl);
    if (photo) {
      flush();
      segments.push({ type: 'photo', photo });
    } else if (target?.startsWith('photo:')) {
      continue; // a reference to a photo the article does not have: drop it rather than show a broken image
    } else {
      pending.push(block);
    }
  }
  flush();
  return segments;
}

function findPhoto(target: string, photos: Photo[], mediaUrl: (url: string) => string): Photo | undefined {
  const ref = /^photo:(\d+)$/.exec(target);
  if (ref) return photos[Number(ref[1]) - 1];
  return photos.find((p) => p.image && (p.image.url === target || mediaUrl(p.image.url) === target));
}

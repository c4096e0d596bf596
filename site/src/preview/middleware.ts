import { defineMiddleware } from 'astro:middleware';
import { verifyPreviewUrl } from '@newsroom/contracts/preview';
import { MEDIA_ORIGIN, withContent } from './content';
import { fromCms, loadPreview } from './load';

/**
 * The preview service's front door. A preview link is checked before anything is read: signed
 * by this install (PREVIEW_SECRET, compared in constant time) and not expired, else 403 with the
 * reason in Vietnamese. Every answer is private to the editor: never stored, never indexed, sent
 * without a Referer, and framed only by the admin (ADMIN_ORIGIN).
 */
const secret = process.env.PREVIEW_SECRET ?? '';
if (secret.length < 32)
  throw new Error('PREVIEW_SECRET is missing or shorter than 32 characters: run `npm run setup`.');
const adminOrigin = new URL(process.env.ADMIN_ORIGIN || process.env.CMS_URL || 'http://127.0.0.1:1337').origin;

/** The media library's object storage, when the CMS keeps its files there (its MEDIA_URL). */
const objectStorageOrigin = () => {
  const url = fromCms('MEDIA_URL');
  return url ? ` ${new URL(url).origin}` : '';
};

const privateHeaders = (): Record<string, string> => ({
  'Cache-Control': 'no-store',
  'X-Robots-Tag': 'noindex, nofollow',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: ${MEDIA_ORIGIN}${objectStorageOrigin()}`,
    "connect-src 'self'",
    // A preview never votes or submits anything.
    "form-action 'none'",
    `frame-ancestors ${adminOrigin}`,
    "base-uri 'none'",
    "object-src 'none'",
  ].join('; '),
});

const escape = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(status: number, message: string) {
  const html = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Bản xem trước</title></head><body><main><h1>Không xem trước được</h1><p>${escape(message)}</p></main></body></html>`;
  return new Response(html, { status, headers: { ...privateHeaders(), 'Content-Type': 'text/html; charset=utf-8' } });
}

const REFUSED = {
  malformed: 'Liên kết xem trước không hợp lệ. Hãy mở lại bản xem trước từ trang quản trị.',
  tampered: 'Liên kết xem trước không hợp lệ (đã bị sửa đổi). Hãy mở lại bản xem trước từ trang quản trị.',
  expired:
    'Liên kết xem trước đã hết hạn (mỗi liên kết dùng được 15 phút). Hãy mở lại bản xem trước từ trang quản trị.',
} as const;

export const onRequest = defineMiddleware(async (context, next) => {
  const { pathname } = context.url;
  // The container's healthcheck: up, with nothing to say.
  if (pathname === '/healthz')
    return new Response('ok', { headers: { ...privateHeaders(), 'Content-Type': 'text/plain' } });
  const check = verifyPreviewUrl(context.url, secret);
  if (!check.ok)
    return page(check.reason === 'malformed' && !pathname.startsWith('/xem-truoc/') ? 404 : 403, REFUSED[check.reason]);
  const loaded = await loadPreview(check.grant);
  if ('status' in loaded) return page(loaded.status, loaded.message);
  context.locals.preview = { article: loaded.article, adminOrigin, status: check.grant.status };
  // The whole page is rendered while the preview's content is current (see content.ts).
  return withContent(loaded.content, async () => {
    const res = await next();
    const body = await res.text();
    const headers = new Headers(res.headers);
    for (const [k, v] of Object.entries(privateHeaders())) headers.set(k, v);
    return new Response(body, { status: res.status, headers });
  });
});

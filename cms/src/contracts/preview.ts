import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The draft preview's link, signed by the CMS (the admin's Preview button, config/admin.ts) and
 * checked by the preview service (site/src/preview). The link is the only credential: an
 * HMAC-SHA256, with the per-install PREVIEW_SECRET, over what it shows (type, document, status)
 * and until when. Compiled into the CMS by Strapi, imported by name everywhere else.
 */

/** A link is good for at most this long. */
export const PREVIEW_MAX_AGE_SECONDS = 15 * 60;

/** The types a preview can show, and the path it is shown under. */
export const PREVIEW_PATHS: Record<string, string> = {
  'api::article.article': '/xem-truoc/bai-viet/',
};

export type PreviewStatus = 'draft' | 'published';

export interface PreviewGrant {
  uid: string;
  documentId: string;
  status: PreviewStatus;
  /** Unix time, in seconds, after which the link is refused. */
  expires: number;
}

const DOCUMENT_ID = /^[a-z0-9]{1,64}$/;

const signature = (grant: PreviewGrant, secret: string) =>
  createHmac('sha256', secret)
    .update(['newsroom-preview-v1', grant.uid, grant.documentId, grant.status, String(grant.expires)].join('\n'))
    .digest('hex');

/** The path and query of a signed link for `documentId` of `uid`, good for PREVIEW_MAX_AGE_SECONDS from `now`. */
export function signPreviewPath(
  grant: Omit<PreviewGrant, 'expires'>,
  secret: string,
  now: number = Date.now()
): string | null {
  const base = PREVIEW_PATHS[grant.uid];
  if (!base || !DOCUMENT_ID.test(grant.documentId)) return null;
  if (secret.length < 32)
    throw new Error('PREVIEW_SECRET is missing or shorter than 32 characters: run `npm run setup`.');
  const signed: PreviewGrant = { ...grant, expires: Math.floor(now / 1000) + PREVIEW_MAX_AGE_SECONDS };
  const query = new URLSearchParams({
    status: signed.status,
    expires: String(signed.expires),
    signature: signature(signed, secret),
  });
  return `${base}${grant.documentId}/?${query}`;
}

export type PreviewCheck =
  { ok: true; grant: PreviewGrant } | { ok: false; reason: 'malformed' | 'tampered' | 'expired' };

/** Whether `url` is a link this install signed and that has not expired; compared in constant time. */
export function verifyPreviewUrl(url: URL, secret: string, now: number = Date.now()): PreviewCheck {
  const entry = Object.entries(PREVIEW_PATHS).find(([, base]) => url.pathname.startsWith(base));
  if (!entry) return { ok: false, reason: 'malformed' };
  const [uid, base] = entry;
  const documentId = url.pathname.slice(base.length).replace(/\/$/, '');
  const status = url.searchParams.get('status');
  const expires = url.searchParams.get('expires') ?? '';
  const given = url.searchParams.get('signature') ?? '';
  if (
    !DOCUMENT_ID.test(documentId) ||
    (status !== 'draft' && status !== 'published') ||
    !/^\d{1,12}$/.test(expires) ||
    !/^[0-9a-f]{64}$/.test(given)
  ) {
    return { ok: false, reason: 'malformed' };
  }
  const grant: PreviewGrant = { uid, documentId, status, expires: Number(expires) };
  const expected = Buffer.from(signature(grant, secret), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(given, 'hex'))) return { ok: false, reason: 'tampered' };
  const left = grant.expires - now / 1000;
  // Signed here, yet good for longer than any link this install signs: refused as well.
  if (left <= 0 || left > PREVIEW_MAX_AGE_SECONDS + 60) return { ok: false, reason: 'expired' };
  return { ok: true, grant };
}

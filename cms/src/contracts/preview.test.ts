import { describe, expect, it } from 'vitest';
import { PREVIEW_MAX_AGE_SECONDS, signPreviewPath, verifyPreviewUrl } from './preview';

const SECRET = 'a'.repeat(64);
const ARTICLE = 'api::article.article';
const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const url = (path: string) => new URL(path, 'http://127.0.0.1:4323');

describe('the preview link', () => {
  it('is good for 15 minutes for exactly what it names', () => {
    const path = signPreviewPath({ uid: ARTICLE, documentId: 'abc123', status: 'draft' }, SECRET, NOW)!;
    expect(path).toMatch(/^\/xem-truoc\/bai-viet\/abc123\/\?status=draft&expires=\d+&signature=[0-9a-f]{64}$/);
    expect(verifyPreviewUrl(url(path), SECRET, NOW)).toEqual({
      ok: true,
      grant: { uid: ARTICLE, documentId: 'abc123', status: 'draft', expires: NOW / 1000 + PREVIEW_MAX_AGE_SECONDS },
    });
    expect(verifyPreviewUrl(url(path), SECRET, NOW + (PREVIEW_MAX_AGE_SECONDS - 1) * 1000).ok).toBe(true);
    expect(verifyPreviewUrl(url(path), SECRET, NOW + PREVIEW_MAX_AGE_SECONDS * 1000)).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses every change to what it names, another secret, and malformed links', () => {
    const path = signPreviewPath({ uid: ARTICLE, documentId: 'abc123', status: 'draft' }, SECRET, NOW)!;
    const variants = [
      path.replace('abc123', 'abc124'),
      path.replace('status=draft', 'status=published'),
      path.replace(/expires=(\d+)/, (_, e) => `expires=${Number(e) - 1}`),
      path.replace(/signature=([0-9a-f])/, (_, c) => `signature=${c === '0' ? '1' : '0'}`),
    ];
    for (const v of variants)
      expect(verifyPreviewUrl(url(v), SECRET, NOW), v).toEqual({ ok: false, reason: 'tampered' });
    expect(verifyPreviewUrl(url(path), 'b'.repeat(64), NOW)).toEqual({ ok: false, reason: 'tampered' });
    for (const bad of [
      '/xem-truoc/bai-viet/abc123/',
      '/xem-truoc/bai-viet/ABC/?status=draft&expires=1&signature=' + '0'.repeat(64),
      path.replace('status=draft', 'status=modified'),
      path.replace(/signature=[0-9a-f]+/, 'signature=xyz'),
      '/bai-viet/abc123/' + path.slice(path.indexOf('?')),
    ]) {
      expect(verifyPreviewUrl(url(bad), SECRET, NOW), bad).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('refuses a link that claims to be good for longer than any this install signs', () => {
    // Even correctly signed (a leaked secret, an old build with a longer lifetime): bounded.
    const later = signPreviewPath({ uid: ARTICLE, documentId: 'abc123', status: 'draft' }, SECRET, NOW + 3600_000)!;
    expect(verifyPreviewUrl(url(later), SECRET, NOW)).toEqual({ ok: false, reason: 'expired' });
  });

  it('is signed only for previewable types and with a real secret', () => {
    expect(signPreviewPath({ uid: 'api::tag.tag', documentId: 'abc', status: 'draft' }, SECRET)).toBeNull();
    expect(() => signPreviewPath({ uid: ARTICLE, documentId: 'abc', status: 'draft' }, 'short')).toThrow(
      /PREVIEW_SECRET/
    );
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '@newsroom/content/snapshot';
import { validateRelease } from './validate';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A release on disk: home and one page per slug, each with the given HTML. */
function release(pages: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-release-'));
  dirs.push(dir);
  fs.writeFileSync(path.join(dir, 'index.html'), '<h1>Báo Điện tử Thiệu Hóa</h1>');
  for (const [slug, html] of Object.entries(pages)) {
    fs.mkdirSync(path.join(dir, 'bai-viet', slug), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bai-viet', slug, 'index.html'), html);
  }
  return dir;
}

const snapshot = (count: number, publishedAt: string | null = '2026-11-29T08:00:00.000Z') =>
  ({
    articles: Array.from({ length: count }, (_, i) => ({ documentId: `doc${i}`, publishedAt })),
  }) as unknown as Snapshot;
const check = (dir: string, extra: Partial<Parameters<typeof validateRelease>[0]> = {}) =>
  validateRelease({
    dir,
    snapshot: snapshot(1),
    liveArticles: null,
    maxDrop: 0.5,
    written: ['index.html', 'bai-viet/a/index.html'],
    ...extra,
  });

describe('a release goes live only if it looks like the site', () => {
  it('accepts home plus one page per published article', () => {
    expect(check(release({ a: '<h1>Tin mới</h1>' }))).toEqual({ articlePages: 1 });
  });

  it('refuses a release without a home page, or with pages missing', () => {
    const dir = release({ a: '<h1>Tin mới</h1>' });
    expect(() => check(dir, { snapshot: snapshot(2) })).toThrow(/1 article pages for 2 published articles/);
    fs.rmSync(path.join(dir, 'index.html'));
    expect(() => check(dir)).toThrow(/home page \(index.html\) is missing/);
  });

  it('refuses to remove most of the live site at once', () => {
    expect(() => check(release({ a: '<h1>Tin mới</h1>' }), { liveArticles: 10 })).toThrow(/PUBLISH_MAX_DROP/);
  });

  it('refuses content that is not published', () => {
    expect(() => check(release({ a: '<h1>Tin mới</h1>' }), { snapshot: snapshot(1, null) })).toThrow(
      /articles without a publication date: doc0/
    );
  });

  it('does not look at what pages say: a headline may contain any words', () => {
    // A draft's working title inside a published headline is an everyday desk action, not a leak.
    const page = '<h1>Bão số 3 đổ bộ Quảng Ninh: hai người mất tích</h1>';
    expect(check(release({ a: page }))).toEqual({ articlePages: 1 });
  });
});

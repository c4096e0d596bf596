import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '@newsroom/content/snapshot';
import { writeRedirects } from '@newsroom/content/redirects';
import type { Redirect } from '@newsroom/content/schema';
import { linkTree } from './releases';
import { articleCount, articleCountSince, validateRelease } from './validate';

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

describe('the article pages of a scoped release, counted from the live one', () => {
  const redirect = (from: string, documentId: string): Redirect => ({
    documentId: `r-${from}`,
    from,
    to: null,
    article: { documentId },
  });
  const withRedirects = (slugs: string[], redirects: Redirect[]) =>
    ({
      articles: slugs.map((slug) => ({ documentId: `doc-${slug}`, slug, publishedAt: '2026-11-29T08:00:00.000Z' })),
      redirects,
    }) as unknown as Snapshot;
  /** A page written as a build's output is moved in: a new file, never through a hard link. */
  const page = (dir: string, slug: string) => {
    const file = path.join(dir, 'bai-viet', slug, 'index.html');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.rmSync(file, { force: true });
    fs.writeFileSync(file, `<h1>${slug}</h1>`);
    return `bai-viet/${slug}/index.html`;
  };

  it('equals a count of every page, whatever the build added, removed or redirected', () => {
    // Live: a, b, c, and the old address of a (a fallback page, which is no article page).
    const live = release({ a: '<h1>a</h1>', b: '<h1>b</h1>', c: '<h1>c</h1>' });
    writeRedirects(live, withRedirects(['a', 'b', 'c'], [redirect('/bai-viet/a-cu/', 'doc-a')]));
    expect(articleCount(live)).toBe(3);

    // The next release: a copy (hard links), then a new story d, b unpublished, c renamed to
    // c-moi (its old address now redirects), and a's old slug given to a story again.
    const next = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-release-'));
    dirs.push(next);
    linkTree(live, next);
    const touched = [page(next, 'd'), page(next, 'c-moi'), page(next, 'a-cu'), '/bai-viet/b/', '/bai-viet/c/'];
    for (const gone of ['b', 'c']) fs.rmSync(path.join(next, 'bai-viet', gone), { recursive: true });
    writeRedirects(next, withRedirects(['a', 'a-cu', 'c-moi', 'd'], [redirect('/bai-viet/c/', 'doc-c-moi')]));

    const counted = articleCountSince(next, { dir: live, articlePages: 3, touched });
    expect(counted).toBe(articleCount(next));
    expect(counted).toBe(4); // a, a-cu, c-moi, d: c is only a fallback now
    expect(
      validateRelease({
        dir: next,
        snapshot: withRedirects(['a', 'a-cu', 'c-moi', 'd'], []),
        liveArticles: 3,
        maxDrop: 0.5,
        written: touched.slice(0, 3),
        base: { dir: live, articlePages: 3, touched },
      })
    ).toEqual({ articlePages: 4 });
  });

  it('refuses a scoped release that lost a page it did not mean to', () => {
    const live = release({ a: '<h1>a</h1>', b: '<h1>b</h1>' });
    const next = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-release-'));
    dirs.push(next);
    linkTree(live, next);
    const touched = [page(next, 'b')];
    // The page of b was written, and then lost (a failed move, a full disk): counted, it is missing.
    fs.rmSync(path.join(next, 'bai-viet', 'b'), { recursive: true });
    expect(() =>
      validateRelease({
        dir: next,
        snapshot: withRedirects(['a', 'b'], []),
        liveArticles: 2,
        maxDrop: 0.5,
        written: touched,
        base: { dir: live, articlePages: 2, touched },
      })
    ).toThrow(/1 article pages for 2 published articles/);
  });
});

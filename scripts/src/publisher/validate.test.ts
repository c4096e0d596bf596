import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../../site/src/lib/snapshot';
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

const snapshot = (count: number) => ({ articles: Array.from({ length: count }, () => ({})) }) as unknown as Snapshot;
const check = (dir: string, extra: Partial<Parameters<typeof validateRelease>[0]> = {}) =>
  validateRelease({
    dir,
    snapshot: snapshot(1),
    liveArticles: null,
    maxDrop: 0.5,
    draftTitles: [],
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

  it("refuses a draft's title as a headline, but not quoted in body text", () => {
    const draft = 'Kế hoạch tổ chức lễ hội năm sau';
    expect(() => check(release({ a: `<h1>${draft}</h1>` }), { draftTitles: [draft] })).toThrow(/the draft/);
    expect(() =>
      check(release({ a: `<h1>Tin</h1><p>Bàn về “${draft}”.</p>` }), { draftTitles: [draft] })
    ).not.toThrow();
  });
});

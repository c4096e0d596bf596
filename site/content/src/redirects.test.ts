import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fallbackPages, REDIRECTS_DIR, resolveRedirects, writeRedirects } from './redirects';
import type { Snapshot } from './snapshot';
import type { Article, Redirect } from './schema';

const article = (documentId: string, slug: string) => ({ documentId, slug }) as Article;
const snapshot = (articles: Article[], redirects: Redirect[]): Snapshot => ({
  version: 1,
  fetchedAt: '2026-11-29T00:00:00.000Z',
  articles,
  categories: [],
  authors: [],
  tags: [],
  polls: [],
  redirects,
});
let n = 0;
const toArticle = (from: string, documentId: string): Redirect => ({
  documentId: `r${++n}`,
  from,
  to: null,
  article: { documentId },
});
const toPath = (from: string, to: string): Redirect => ({ documentId: `r${++n}`, from, to, article: null });
const noPages = () => false;

describe('resolving redirects', () => {
  it("leads an article's old addresses to where it lives now", () => {
    const { map } = resolveRedirects(
      snapshot(
        [article('a1', 'ten-moi')],
        [toArticle('/bai-viet/ten-cu/', 'a1'), toArticle('/bai-viet/ten-cu-hon/', 'a1')]
      ),
      noPages
    );
    expect(Object.fromEntries(map)).toEqual({
      '/bai-viet/ten-cu/': '/bai-viet/ten-moi/',
      '/bai-viet/ten-cu-hon/': '/bai-viet/ten-moi/',
    });
  });

  it('collapses chains: every step leads straight to the end', () => {
    const { map } = resolveRedirects(
      snapshot([], [toPath('/a/', '/b/'), toPath('/b/', '/c/'), toPath('/c/', '/chuyen-muc/thoi-su/')]),
      noPages
    );
    expect(Object.fromEntries(map)).toEqual({
      '/a/': '/chuyen-muc/thoi-su/',
      '/b/': '/chuyen-muc/thoi-su/',
      '/c/': '/chuyen-muc/thoi-su/',
    });
  });

  it('leaves out a loop, naming it, and keeps the rest', () => {
    const { map, skipped } = resolveRedirects(
      snapshot([], [toPath('/a/', '/b/'), toPath('/b/', '/a/'), toPath('/c/', '/d/')]),
      noPages
    );
    expect(Object.fromEntries(map)).toEqual({ '/c/': '/d/' });
    expect(skipped.map((s) => s.from).sort()).toEqual(['/a/', '/b/']);
    expect(skipped[0].reason).toMatch(/leads back to itself \(\/a\/ → \/b\/ → \/a\/\)/);
  });

  it('never hides a live page, and stops a chain at one', () => {
    const live = new Set(['/bai-viet/ten-cu/', '/b/']);
    const { map, skipped } = resolveRedirects(
      snapshot(
        [article('a1', 'ten-moi')],
        [toArticle('/bai-viet/ten-cu/', 'a1'), toPath('/a/', '/b/'), toPath('/b/', '/c/')]
      ),
      (p) => live.has(p)
    );
    expect(Object.fromEntries(map)).toEqual({ '/a/': '/b/' });
    expect(skipped).toEqual([
      { from: '/bai-viet/ten-cu/', reason: 'a live page has this address' },
      { from: '/b/', reason: 'a live page has this address' },
    ]);
  });

  it('sends nobody to an article that is not published (its address says nothing)', () => {
    const { map, skipped } = resolveRedirects(snapshot([], [toArticle('/bai-viet/ten-cu/', 'unpublished')]), noPages);
    expect(map.size).toBe(0);
    expect(skipped).toEqual([{ from: '/bai-viet/ten-cu/', reason: 'its article is not published' }]);
  });

  it('leaves out what is not a path of the site, whatever the CMS let through', () => {
    const { map, skipped } = resolveRedirects(
      snapshot([], [toPath('/a"; return 200;/', '/b/'), toPath('/c/', 'https://evil.example/')]),
      noPages
    );
    expect(map.size).toBe(0);
    expect(skipped).toHaveLength(2);
  });
});

describe('writing redirects into a release', () => {
  const made: string[] = [];
  afterAll(() => made.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
  const release = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-redirects-'));
    made.push(dir);
    fs.mkdirSync(path.join(dir, 'bai-viet', 'ten-moi'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bai-viet', 'ten-moi', 'index.html'), '<p>bài</p>');
    fs.writeFileSync(path.join(dir, 'index.html'), '<p>trang chủ</p>');
    return dir;
  };
  const read = (dir: string, file: string) => fs.readFileSync(path.join(dir, file), 'utf8');

  it('writes the nginx map, the JSON and a fallback page at each old address', () => {
    const dir = release();
    writeRedirects(dir, snapshot([article('a1', 'ten-moi')], [toArticle('/bai-viet/ten-cu/', 'a1')]));
    expect(JSON.parse(read(dir, `${REDIRECTS_DIR}/redirects.json`))).toEqual({
      '/bai-viet/ten-cu/': '/bai-viet/ten-moi/',
    });
    const map = read(dir, `${REDIRECTS_DIR}/nginx.map`);
    expect(map).toContain('"/bai-viet/ten-cu/" "/bai-viet/ten-moi/";');
    expect(map).toContain('"/bai-viet/ten-cu" "/bai-viet/ten-moi/";');
    const page = read(dir, 'bai-viet/ten-cu/index.html');
    expect(page).toContain('<meta http-equiv="refresh" content="0; url=/bai-viet/ten-moi/">');
    expect(page).toContain('<link rel="canonical" href="/bai-viet/ten-moi/">');
    expect(page).toContain('<meta name="robots" content="noindex">');
    expect([...fallbackPages(dir)]).toEqual([['/bai-viet/ten-cu/', '/bai-viet/ten-moi/']]);
  });

  it('removes the fallback pages of redirects that are gone, and writes through no hard link', () => {
    const live = release();
    writeRedirects(
      live,
      snapshot([article('a1', 'ten-moi')], [toArticle('/bai-viet/ten-cu/', 'a1'), toPath('/x/', '/')])
    );
    // The next release starts as a hard-linked copy of the live one, as the publisher makes it.
    const next = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-redirects-next-'));
    made.push(next);
    fs.cpSync(live, next, { recursive: true });
    for (const f of ['bai-viet/ten-cu/index.html', `${REDIRECTS_DIR}/redirects.json`]) {
      fs.rmSync(path.join(next, f));
      fs.linkSync(path.join(live, f), path.join(next, f));
    }
    writeRedirects(next, snapshot([article('a1', 'ten-moi')], [toPath('/x/', '/chuyen-muc/thoi-su/')]));
    expect(fs.existsSync(path.join(next, 'bai-viet/ten-cu'))).toBe(false);
    expect(fs.existsSync(path.join(next, 'bai-viet/ten-moi/index.html'))).toBe(true);
    expect(JSON.parse(read(next, `${REDIRECTS_DIR}/redirects.json`))).toEqual({ '/x/': '/chuyen-muc/thoi-su/' });
    // The live release is as it was.
    expect(fs.existsSync(path.join(live, 'bai-viet/ten-cu/index.html'))).toBe(true);
    expect(JSON.parse(read(live, `${REDIRECTS_DIR}/redirects.json`))).toEqual({
      '/bai-viet/ten-cu/': '/bai-viet/ten-moi/',
      '/x/': '/',
    });
  });

  it('keeps a page rendered at an old address since (a story given its old slug back)', () => {
    const dir = release();
    writeRedirects(dir, snapshot([article('a1', 'ten-moi')], [toArticle('/bai-viet/ten-cu/', 'a1')]));
    // The next build renders the story at its old address again, over the fallback page.
    fs.rmSync(path.join(dir, 'bai-viet/ten-moi'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bai-viet/ten-cu/index.html.tmp'), '<p>bài, tên cũ</p>');
    fs.renameSync(path.join(dir, 'bai-viet/ten-cu/index.html.tmp'), path.join(dir, 'bai-viet/ten-cu/index.html'));
    const { map, skipped } = writeRedirects(
      dir,
      snapshot([article('a1', 'ten-cu')], [toArticle('/bai-viet/ten-cu/', 'a1'), toArticle('/bai-viet/ten-moi/', 'a1')])
    );
    expect(read(dir, 'bai-viet/ten-cu/index.html')).toBe('<p>bài, tên cũ</p>');
    expect(Object.fromEntries(map)).toEqual({ '/bai-viet/ten-moi/': '/bai-viet/ten-cu/' });
    expect(skipped).toEqual([{ from: '/bai-viet/ten-cu/', reason: 'a live page has this address' }]);
  });

  it('writes the same files for the same content, whatever the release held before', () => {
    const content = snapshot([article('a1', 'ten-moi')], [toArticle('/bai-viet/ten-cu/', 'a1'), toPath('/a/', '/b/')]);
    const fresh = release();
    writeRedirects(fresh, content);
    const reused = release();
    writeRedirects(reused, snapshot([], [toPath('/old/', '/')]));
    writeRedirects(reused, content);
    const files = (dir: string) =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort()
        .map((f) => [f, read(dir, f)]);
    expect(files(reused)).toEqual(files(fresh));
  });
});

import { describe, expect, it } from 'vitest';
import { listingPages, listingPagePath } from './listing-pages';

const stories = (n: number) => Array.from({ length: n }, (_, i) => `tin-${n - 1 - i}`); // newest first

describe('listing pages, numbered from the oldest story', () => {
  it('puts the newest stories on the front page and every story on exactly one numbered page', () => {
    for (const n of [0, 1, 19, 20, 21, 45, 100]) {
      const pages = listingPages(stories(n), 20);
      expect(pages[0].items).toEqual(stories(n).slice(0, 20));
      const numbered = pages.slice(1).flatMap((p) => p.items);
      expect(numbered.sort()).toEqual(stories(n).sort());
      expect(pages.length - 1).toBe(Math.ceil(n / 20));
    }
  });

  it('keeps every numbered page but the newest as it was when stories come in', () => {
    let before = listingPages(stories(45), 20);
    for (let n = 46; n <= 130; n++) {
      const after = listingPages(stories(n), 20);
      const changed = after.filter((p, i) => JSON.stringify(p) !== JSON.stringify(before[i])).map((p) => p.number);
      // The front page, the newest numbered page, and the one before it when a page was added.
      expect(changed[0]).toBe(0);
      expect(changed.length).toBeLessThanOrEqual(3);
      expect(Math.min(...changed.slice(1))).toBeGreaterThanOrEqual(after.length - 2);
      before = after;
    }
  });

  it('links each page to its neighbours: page 1 holds the oldest, the newest numbered page leads to the front', () => {
    const pages = listingPages(stories(45), 20);
    expect(pages.map(({ number, newer, older, items }) => [number, newer, older, items.length])).toEqual([
      [0, null, 2, 20], // the front page's older stories start on page 2 (tin-24 is its first not shown)
      [1, 2, null, 20],
      [2, 3, 1, 20],
      [3, 0, 2, 5],
    ]);
    expect(pages[1].items.at(-1)).toBe('tin-0');
    expect(pages[3].items).toEqual(['tin-44', 'tin-43', 'tin-42', 'tin-41', 'tin-40']);
    expect(listingPagePath('/the/lua/', 0)).toBe('/the/lua/');
    expect(listingPagePath('/the/lua/', 3)).toBe('/the/lua/3/');
  });

  it('refuses a page size that holds no story', () => {
    expect(() => listingPages(stories(3), 0)).toThrow('at least one story, not 0');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { parseShard } from '@newsroom/content/build-protocol';
import { inShard, rendersArticle, useShard } from './scope';

afterEach(() => useShard(null));

describe("a build's share of the pages (several processes render a full build)", () => {
  it('gives every page to exactly one of the builds, as evenly as can be', () => {
    const paths = Array.from({ length: 1001 }, (_, i) => `/bai-viet/${i}/`);
    for (const count of [1, 2, 3, 7]) {
      const shares = Array.from({ length: count }, (_, index) => {
        useShard({ index, count });
        return inShard(paths);
      });
      expect(shares.flat().sort()).toEqual([...paths].sort());
      const sizes = shares.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it('gives every article page to exactly one build, from its slug alone', () => {
    const slugs = Array.from({ length: 4000 }, (_, i) => `ban-tin-so-${i}-thieu-hoa`);
    for (const count of [2, 3]) {
      const shares = Array.from({ length: count }, (_, index) => {
        useShard({ index, count });
        return slugs.filter(rendersArticle);
      });
      expect(shares.flat().sort()).toEqual([...slugs].sort());
      // Spread about evenly (by a hash, not by position).
      for (const share of shares)
        expect(Math.abs(share.length - slugs.length / count)).toBeLessThan(slugs.length * 0.05);
    }
  });

  it('renders every page when the build is not one of several', () => {
    useShard(null);
    expect(inShard(['a', 'b'])).toEqual(['a', 'b']);
    expect(rendersArticle('a')).toBe(true);
  });

  it('reads SITE_SHARD as "<index>/<count>" and names a value it cannot use', () => {
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    for (const bad of ['2/2', '1', 'a/b', '-1/2', '0/0', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(`SITE_SHARD must be "<index>/<count>"`);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { parseShard } from '@newsroom/content/build-protocol';
import { inShard, useShard } from './scope';

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

  it('renders every page when the build is not one of several', () => {
    useShard(null);
    expect(inShard(['a', 'b'])).toEqual(['a', 'b']);
  });

  it('reads SITE_SHARD as "<index>/<count>" and names a value it cannot use', () => {
    expect(parseShard('1/2')).toEqual({ index: 1, count: 2 });
    for (const bad of ['2/2', '1', 'a/b', '-1/2', '0/0', '1/2/3'])
      expect(() => parseShard(bad)).toThrow(`SITE_SHARD must be "<index>/<count>"`);
  });
});

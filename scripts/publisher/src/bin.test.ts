import { describe, expect, it } from 'vitest';
import { CMS_MAX_HEAP_MB, withCmsHeapLimit, withHeapLimit } from './bin';

describe("the heap a process we start may grow to (Node's --max-old-space-size)", () => {
  it('is added after what NODE_OPTIONS holds, or not at all for 0', () => {
    expect(withHeapLimit({ NODE_OPTIONS: '--enable-source-maps' }, 1536).NODE_OPTIONS).toBe(
      '--enable-source-maps --max-old-space-size=1536'
    );
    expect(withHeapLimit({ NODE_OPTIONS: '' }, 0)).toEqual({ NODE_OPTIONS: '' });
  });

  it("gives a CMS process CMS_MAX_HEAP_MB, an operator's own setting before it", () => {
    expect(withCmsHeapLimit({ NODE_OPTIONS: '' }).NODE_OPTIONS).toBe(`--max-old-space-size=${CMS_MAX_HEAP_MB}`);
    expect(withCmsHeapLimit({ NODE_OPTIONS: '', CMS_MAX_HEAP_MB: '2048' }).NODE_OPTIONS).toBe(
      '--max-old-space-size=2048'
    );
    expect(withCmsHeapLimit({ NODE_OPTIONS: '', CMS_MAX_HEAP_MB: '0' }).NODE_OPTIONS).toBe('');
    // A limit set in NODE_OPTIONS is the operator's: kept as it is.
    expect(withCmsHeapLimit({ NODE_OPTIONS: '--max-old-space-size=3000' }).NODE_OPTIONS).toBe(
      '--max-old-space-size=3000'
    );
    expect(() => withCmsHeapLimit({ NODE_OPTIONS: '', CMS_MAX_HEAP_MB: '1 GB' })).toThrow(
      'CMS_MAX_HEAP_MB must be a whole number of MB (0: Node\'s own limit), not "1 GB".'
    );
  });
});

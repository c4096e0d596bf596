import { describe, expect, it } from 'vitest';
import { sitePath } from './redirects';

describe('the paths redirects speak of', () => {
  it.each([
    ['/bai-viet/ten-cu/', '/bai-viet/ten-cu/'],
    ['/bai-viet/ten-cu', '/bai-viet/ten-cu/'],
    ['  /tin-tuc/2024/  ', '/tin-tuc/2024/'],
    ['/rss.xml', '/rss.xml'],
    ['/tin-cu.html', '/tin-cu.html'],
    ['/', '/'],
  ])('%j is %j', (input, path) => {
    expect(sitePath(input)).toEqual({ path });
  });

  it.each([
    ['', /trống/],
    [null, /trống/],
    ['bai-viet/x/', /bắt đầu bằng "\/"/],
    ['https://baothanhhoa.vn/bai-viet/x/', /địa chỉ đầy đủ/],
    ['//evil.example/x', /địa chỉ đầy đủ/],
    ['javascript:alert(1)', /địa chỉ đầy đủ/],
    ['/bai-viet/x/?utm=1', /"\?…"/],
    ['/bai-viet/x/#binh-luan', /"#…"/],
    ['/bài-viết/x/', /ký tự không dùng/],
    ['/a b/', /ký tự không dùng/],
    ['/a"; return 200 "x/', /ký tự không dùng/],
    ['/tin%20cu/', /ký tự không dùng/],
    ['/a//b/', /trống hoặc/],
    ['/a/../b/', /trống hoặc/],
    [`/${'a'.repeat(320)}/`, /dài quá 300/],
  ])('refuses %j, saying why', (input, reason) => {
    const result = sitePath(input);
    expect(result.path).toBeUndefined();
    expect(result.error).toMatch(reason);
  });
});

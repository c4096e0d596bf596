import { describe, expect, it } from 'vitest';
import { renderBody, renderMarkdown } from './markdown';
import type { Photo } from '@newsroom/content/schema';

const photo = (n: number): Photo => ({
  documentId: `p${n}`,
  caption: `Chú thích ${n}`,
  credit: 'Ảnh: Mai Hà',
  alt: `Ảnh ${n}`,
  image: { url: `/uploads/p${n}.jpg`, width: 1600, height: 1067 },
});
const media = (u: string) => `http://cms.example${u}`;

describe('article bodies', () => {
  it('place the article photos where the editor put them, by number or by URL', () => {
    const body = 'Đoạn một.\n\n![Ảnh 1](photo:1)\n\nĐoạn hai.\n\n![x](/uploads/p2.jpg)\n\nĐoạn ba.';
    const segments = renderBody(body, [photo(1), photo(2)], media);
    expect(segments.map((s) => (s.type === 'photo' ? s.photo.documentId : s.html.trim()))).toEqual([
      '<p>Đoạn một.</p>',
      'p1',
      '<p>Đoạn hai.</p>',
      'p2',
      '<p>Đoạn ba.</p>',
    ]);
  });

  it('drop a reference to a photo the article does not have', () => {
    expect(renderBody('A\n\n![](photo:9)\n\nB', [photo(1)], media).every((s) => s.type === 'html')).toBe(true);
  });

  it('point media-library images at the CMS, lazily loaded', () => {
    expect(renderMarkdown('![sơ đồ](/uploads/map.png)', media)).toContain(
      '<img src="http://cms.example/uploads/map.png" alt="sơ đồ" loading="lazy" decoding="async" />'
    );
  });

  it('keep formatting, links and lists, and mark external links', () => {
    const html = renderMarkdown('**Đậm** và *nghiêng*, [Cổng TTĐT](https://thanhhoa.gov.vn).\n\n- một\n- hai');
    expect(html).toContain('<strong>Đậm</strong>');
    expect(html).toContain('<a href="https://thanhhoa.gov.vn" rel="noopener nofollow">Cổng TTĐT</a>');
    expect(html).toContain('<li>hai</li>');
  });

  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '[x](javascript:alert(1))',
    '<iframe src="https://evil.example"></iframe>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  ])('strip %s', (payload) => {
    const html = renderMarkdown(payload);
    expect(html).not.toMatch(/<script|onerror|javascript:|<iframe|data:/i);
  });
});

import sharp from 'sharp';

const PALETTE = ['#2f4858', '#33658a', '#86bbd8', '#758e4f', '#f6ae2d', '#f26419', '#5d576b', '#9a8c98'];

const escapeXml = (s: string) =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Wraps a caption into lines of at most `width` characters for the label. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if ((line + ' ' + word).trim().length > width && line) {
      lines.push(line);
      line = word;
    } else line = (line + ' ' + word).trim();
  }
  if (line) lines.push(line);
  return lines.slice(0, 3);
}

/**
 * A JPEG stand-in for a press photo whose original is not available: realistic size, visibly
 * labelled "Ảnh minh họa" with its caption, so nobody mistakes it for the real picture.
 */
export async function placeholderJpeg(index: number, caption: string, width = 1600, height = 1067) {
  const bg = PALETTE[index % PALETTE.length];
  const lines = wrap(caption, 48)
    .map((l, i) => `<text x="80" y="${height - 230 + i * 62}" class="c">${escapeXml(l)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
  <style>.t{font:bold 96px 'DejaVu Sans',sans-serif;fill:#fff}.c{font:48px 'DejaVu Sans',sans-serif;fill:#fff}.s{font:36px 'DejaVu Sans',sans-serif;fill:#fff;opacity:.8}</style>
  <rect width="100%" height="100%" fill="${bg}"/>
  <circle cx="${width - 260}" cy="260" r="160" fill="#fff" opacity=".15"/>
  <text x="80" y="200" class="t">ẢNH MINH HỌA</text>
  <text x="80" y="270" class="s">Ảnh #${index + 1} · ${width}×${height}</text>
  ${lines}
</svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 78, mozjpeg: true }).toBuffer();
}

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/** Where rendered placeholders are kept, by the hash of what they draw (SEED_PHOTO_CACHE, `off` for none). */
const cacheDir = () => process.env.SEED_PHOTO_CACHE ?? path.join(os.tmpdir(), 'newsroom-seed-photos');
const ENCODING = { quality: 78, mozjpeg: true } as const;

/**
 * A JPEG stand-in for a press photo whose original is not available: realistic size, visibly
 * labelled "Ảnh minh họa" with its caption, so nobody mistakes it for the real picture.
 *
 * Drawing and encoding one takes ~0.1–0.2 s; every fresh database seeds 20 (each test suite's
 * CMS, each `npm run seed`), so the bytes are kept on disk under the hash of the drawing and
 * its encoding, and read back when the same picture is asked for again.
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
  const render = () => sharp(Buffer.from(svg)).jpeg(ENCODING).toBuffer();
  const dir = cacheDir();
  if (dir === 'off') return render();
  const key = createHash('sha256').update(svg).update(JSON.stringify(ENCODING)).digest('hex');
  const file = path.join(dir, `${key}.jpg`);
  const cached = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  // A whole JPEG starts with SOI and ends with EOI; anything else there is drawn again.
  if (cached && cached.readUInt16BE(0) === 0xffd8 && cached.readUInt16BE(cached.length - 2) === 0xffd9) return cached;
  const jpeg = await render();
  // Written whole or not at all: a reader never sees half a file.
  const partial = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}`;
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(partial, jpeg);
    fs.renameSync(partial, file);
  } catch {
    fs.rmSync(partial, { force: true }); // a cache that cannot be written is only slower
  }
  return jpeg;
}

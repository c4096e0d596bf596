import sharp from 'sharp';
import { errors } from '@strapi/utils';

const RASTER = new Set(['jpeg', 'png', 'webp', 'gif']);

export interface IncomingFile {
  filepath: string;
  originalFilename?: string | null;
}

/** The real format of a file, read from its bytes (not its name or declared type). */
async function rasterFormat(file: IncomingFile): Promise<string | null> {
  try {
    const { format, compression } = await sharp(file.filepath, { animated: false }).metadata();
    if (format && RASTER.has(format)) return format;
    if (format === 'heif' && compression === 'av1') return 'avif';
    return null;
  } catch {
    return null;
  }
}

/**
 * Uploads accept raster photos only (JPEG, PNG, WebP, AVIF, GIF), checked on the file's content.
 * Strapi's own `security.allowedTypes` trusts the declared type when it cannot sniff one, so an
 * SVG (which can carry scripts) sent as "image/jpeg" would otherwise be stored.
 */
export async function assertRasterFiles(files: IncomingFile | IncomingFile[] | null | undefined) {
  for (const file of [files ?? []].flat()) {
    if (!(await rasterFormat(file))) {
      throw new errors.ValidationError(
        `"${file.originalFilename ?? 'file'}" is not an allowed image type: uploads accept JPEG, PNG, WebP, AVIF or GIF photos only.`
      );
    }
  }
}

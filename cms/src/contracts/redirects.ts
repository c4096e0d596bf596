/**
 * The addresses redirects speak of (the CMS checks them when an editor saves one; the build
 * checks them again before writing them into web server rules): a path of the site, as readers
 * type it, normalised the way the site's own URLs are (a trailing slash unless it names a file).
 */

const MAX_LENGTH = 300;
/**
 * Unreserved characters and `/`: nothing a web server rule would read as syntax, and the same
 * whether a server compares the path as sent or decoded (the site's own paths are all like this).
 */
const SAFE = /^[A-Za-z0-9\-._~/]+$/;

export type SitePath = { path: string; error?: undefined } | { path?: undefined; error: string };

/** `input` as a path of the site ("/bai-viet/ten-bai/"), or why it is not one, in Vietnamese. */
export function sitePath(input: unknown): SitePath {
  if (typeof input !== 'string' || !input.trim()) return { error: 'Địa chỉ trống.' };
  const value = input.trim();
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith('//')) {
    return { error: `"${value}" là một địa chỉ đầy đủ: chỉ ghi phần đường dẫn trên trang, bắt đầu bằng "/".` };
  }
  if (!value.startsWith('/')) return { error: `"${value}" phải bắt đầu bằng "/".` };
  if (/[?#]/.test(value)) return { error: `"${value}" không được có phần "?…" hay "#…".` };
  if (!SAFE.test(value)) {
    return {
      error: `"${value}" có ký tự không dùng trong đường dẫn của trang (chỉ chữ không dấu, số, "-", "_", ".", "~" và "/").`,
    };
  }
  const segments = value.split('/').slice(1);
  if (segments.slice(0, -1).some((s) => s === '' || s === '.' || s === '..')) {
    return { error: `"${value}" có đoạn đường dẫn trống hoặc "..".` };
  }
  const last = segments[segments.length - 1];
  const path = last === '' || /\.[A-Za-z0-9]{1,8}$/.test(last) ? value : `${value}/`;
  if (path.length > MAX_LENGTH) return { error: `"${value.slice(0, 40)}…" dài quá ${MAX_LENGTH} ký tự.` };
  return { path };
}

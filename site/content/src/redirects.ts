import fs from 'node:fs';
import path from 'node:path';
import { sitePath } from '@newsroom/contracts/redirects';
import { routes } from './routes';
import type { Snapshot } from './snapshot';

/** Where a release keeps its redirects: the web servers' rules and what to clean up next time. */
export const REDIRECTS_DIR = '_redirects';
/** `{ "/old/": "/new/" }`: the publisher's site server reads it (static-server.ts). */
export const REDIRECTS_JSON = 'redirects.json';
/** nginx `map` entries, included by scripts/deploy/nginx.conf. */
export const REDIRECTS_NGINX_MAP = 'nginx.map';
const MANIFEST = 'fallback-pages.json';

export interface ResolvedRedirects {
  /** Old path → the live path it leads to, chains collapsed. */
  map: Map<string, string>;
  /** Redirects left out, and why (logged by the build). */
  skipped: { from: string; reason: string }[];
}

/**
 * The redirects of `snapshot` as readers will meet them, given the pages the release has
 * (`isPage`): each leads straight to its final address (a chain A → B → C is written A → C and
 * B → C), one that comes back to itself is left out, one whose old address is a live page is left
 * out (a redirect never hides a page), and one to an article that is not published leads nowhere
 * (nothing about unpublished stories reaches the site).
 */
export function resolveRedirects(snapshot: Snapshot, isPage: (p: string) => boolean): ResolvedRedirects {
  // Only when a redirect leads to an article (a map of 100,000 articles is ~0.05 s of every publish).
  let slugs: Map<string, string> | undefined;
  const slugOf = (documentId: string) =>
    (slugs ??= new Map(snapshot.articles.map((a) => [a.documentId, a.slug]))).get(documentId);
  const skipped: ResolvedRedirects['skipped'] = [];
  const direct = new Map<string, string>();
  for (const r of snapshot.redirects ?? []) {
    const from = sitePath(r.from);
    if (from.error !== undefined) {
      skipped.push({ from: r.from, reason: from.error });
      continue;
    }
    let to: string | undefined;
    if (r.article) {
      const slug = slugOf(r.article.documentId);
      if (!slug) {
        skipped.push({ from: from.path, reason: 'its article is not published' });
        continue;
      }
      to = routes.article(slug);
    } else {
      const target = sitePath(r.to);
      if (target.error !== undefined) {
        skipped.push({ from: from.path, reason: target.error });
        continue;
      }
      to = target.path;
    }
    if (isPage(from.path)) {
      skipped.push({ from: from.path, reason: 'a live page has this address' });
      continue;
    }
    direct.set(from.path, to);
  }

  const map = new Map<string, string>();
  for (const from of [...direct.keys()].sort()) {
    const seen = [from];
    let to = direct.get(from)!;
    while (direct.has(to) && !seen.includes(to)) {
      seen.push(to);
      to = direct.get(to)!;
    }
    if (seen.includes(to)) skipped.push({ from, reason: `it leads back to itself (${[...seen, to].join(' → ')})` });
    else map.set(from, to);
  }
  return { map, skipped };
}

/** The page a host without server rules serves at an old address: it sends the reader on. */
export function fallbackPage(to: string): string {
  // `to` is a checked site path (unreserved characters and "/"): nothing to escape in HTML.
  return `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>Trang đã chuyển địa chỉ</title>
<meta name="robots" content="noindex">
<link rel="canonical" href="${to}">
<meta http-equiv="refresh" content="0; url=${to}">
</head>
<body>
<p>Trang này đã chuyển tới <a href="${to}">${to}</a>.</p>
</body>
</html>
`;
}

/** The fallback pages the release at `dir` has (old address → where it sends readers), as its redirects were last written. */
export function fallbackPages(dir: string): Map<string, string> {
  const manifest = path.join(dir, REDIRECTS_DIR, MANIFEST);
  return new Map(fs.existsSync(manifest) ? (JSON.parse(fs.readFileSync(manifest, 'utf8')) as [string, string][]) : []);
}

/** A file written whole (temporary name, then rename): a hard-linked copy of it is never written through. */
function replace(file: string, data: string) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.tmp`, data);
  fs.renameSync(`${file}.tmp`, file);
}

const fileOf = (dir: string, sitePathname: string) =>
  path.join(dir, sitePathname.endsWith('/') ? `${sitePathname}index.html` : sitePathname);

/**
 * Writes the redirects of `snapshot` into the release at `dir`: the nginx map, the JSON the
 * publisher's server reads, and a fallback page at each old address. The fallback pages the
 * release had before (a copy of the live one) are removed first, so a redirect deleted in the CMS
 * leaves nothing behind. The same content gives the same files, whether the release was built
 * whole or in part.
 */
export function writeRedirects(release: string, snapshot: Snapshot): ResolvedRedirects & { touched: string[] } {
  const dir = path.resolve(release);
  const own = path.join(dir, REDIRECTS_DIR);
  const manifest = path.join(own, MANIFEST);
  // Every path this may write or remove, relative to the release: its own folder and the fallback
  // pages, before and after.
  const touched = new Set([REDIRECTS_DIR]);
  const touch = (file: string) => touched.add(path.relative(dir, file));
  // A fallback page the release still has is removed; a page rendered since at that address (a
  // story given its old slug back) is not: only a file that is exactly the fallback page goes.
  for (const [from, to] of fallbackPages(dir)) {
    const file = fileOf(dir, from);
    touch(file);
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== fallbackPage(to)) continue;
    fs.rmSync(file);
    // And the folders it leaves empty: a web server answers an empty folder 403, not 404.
    for (let folder = path.dirname(file); folder.startsWith(`${dir}${path.sep}`); folder = path.dirname(folder)) {
      if (fs.readdirSync(folder).length) break;
      fs.rmdirSync(folder);
    }
  }
  const resolved = resolveRedirects(snapshot, (p) => fs.existsSync(fileOf(dir, p)));
  const entries = [...resolved.map];
  for (const [from, to] of entries) {
    touch(fileOf(dir, from));
    replace(fileOf(dir, from), fallbackPage(to));
  }
  replace(path.join(own, REDIRECTS_JSON), `${JSON.stringify(Object.fromEntries(entries), null, 1)}\n`);
  // Both spellings of an old address: with and without its trailing slash.
  const lines = entries.flatMap(([from, to]) =>
    from.endsWith('/') && from.length > 1
      ? [`"${from}" "${to}";`, `"${from.slice(0, -1)}" "${to}";`]
      : [`"${from}" "${to}";`]
  );
  replace(
    path.join(own, REDIRECTS_NGINX_MAP),
    `# Generated with each release from the CMS's redirects: old path → new path (301).\n${lines.join('\n')}\n`
  );
  replace(manifest, `${JSON.stringify(entries)}\n`);
  return { ...resolved, touched: [...touched] };
}

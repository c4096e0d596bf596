import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import sirv from 'sirv';
import { REDIRECTS_DIR, REDIRECTS_JSON } from '@newsroom/content/redirects';

/** A release's redirects (old path → new path), read once per release. */
function redirectsOf(dir: string): Map<string, string> {
  const file = path.join(dir, REDIRECTS_DIR, REDIRECTS_JSON);
  try {
    return new Map(Object.entries(JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, string>));
  } catch {
    return new Map();
  }
}

/** What readers reach of the CMS through the site's origin, as scripts/deploy/nginx.conf passes it. */
const CMS_ROUTES: { path: RegExp; methods: string[] }[] = [
  { path: /^\/api\/polls\/[A-Za-z0-9_-]+\/(votes|results)\/?$/, methods: ['GET', 'HEAD', 'POST'] },
  { path: /^\/uploads\/[A-Za-z0-9._-]+$/, methods: ['GET', 'HEAD'] },
];

/**
 * Passes a reader's request to the CMS, as nginx's proxy_pass does: the path that was matched
 * (normalised, not the one the client sent), the reader's address appended to X-Forwarded-For (the
 * CMS believes only its trusted proxies' part), the site's Host, the body streamed.
 */
function passToCms(cmsUrl: string, url: URL, req: http.IncomingMessage, res: http.ServerResponse) {
  const target = new URL(`${url.pathname}${url.search}`, cmsUrl);
  const forwarded = [req.headers['x-forwarded-for'], req.socket.remoteAddress].flat().filter(Boolean).join(', ');
  const headers = { ...req.headers, 'x-forwarded-for': forwarded, 'x-forwarded-proto': 'http' };
  delete headers.connection;
  const upstream = http.request(target, { method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  upstream.on('error', () => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end('Hệ thống tạm thời không phản hồi, vui lòng thử lại sau.');
  });
  req.pipe(upstream);
}

/**
 * Serves a built site directory the way a production web server would: an old address answers
 * 301 to where it moved (the release's redirects, as nginx's generated map does), files with
 * caching headers (long for hashed assets under /_astro/, short for HTML), and the site's 404 page.
 * Given the CMS's address, it also passes the poll routes and `/uploads/` to it, as nginx does, so
 * pages that address them on the site's own origin work in development too.
 */
export function createStaticServer(root: () => string, options: { cmsUrl?: string } = {}) {
  let redirects: { dir: string; map: Map<string, string> } | undefined;
  // One handler per release directory. `dev` mode looks files up per request instead of listing
  // the whole release first (25,000 files at 10k articles: a noticeable first request).
  let current: { dir: string; serve: ReturnType<typeof sirv> } | undefined;
  const handlerFor = (dir: string) => {
    if (current?.dir !== dir) {
      const serve = sirv(dir, {
        etag: true,
        dev: true,
        setHeaders(res, pathname) {
          const immutable = pathname.startsWith('/_astro/');
          res.setHeader('Cache-Control', immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=60');
        },
      });
      current = { dir, serve };
    }
    return current.serve;
  };
  return http.createServer((req, res) => {
    if (options.cmsUrl) {
      const url = new URL(req.url ?? '/', 'http://site');
      const route = CMS_ROUTES.find((r) => r.path.test(url.pathname));
      if (route) {
        if (route.methods.includes(req.method ?? 'GET')) return passToCms(options.cmsUrl, url, req, res);
        res.writeHead(405, { Allow: route.methods.join(', ') });
        return res.end();
      }
    }
    let dir: string;
    try {
      dir = fs.realpathSync(root());
    } catch {
      // The first release is still being built.
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '10' });
      res.end('Trang đang được xây dựng, vui lòng quay lại sau ít phút.');
      return;
    }
    if (redirects?.dir !== dir) redirects = { dir, map: redirectsOf(dir) };
    const pathname = new URL(req.url ?? '/', 'http://site').pathname;
    const to = redirects.map.get(pathname) ?? (pathname.endsWith('/') ? undefined : redirects.map.get(`${pathname}/`));
    if (to) {
      res.writeHead(301, { Location: to, 'Cache-Control': 'public, max-age=60' });
      res.end();
      return;
    }
    handlerFor(dir)(req, res, () => {
      const notFound = path.join(dir, '404.html');
      res.statusCode = 404;
      res.setHeader('Content-Type', 'text/html; charset=utf-8');
      if (fs.existsSync(notFound)) fs.createReadStream(notFound).pipe(res);
      else res.end('Not found');
    });
  });
}

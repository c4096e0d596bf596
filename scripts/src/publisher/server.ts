import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { parseEvent } from './events.js';
import type { Publisher } from './publisher.js';
import type { Logger } from './log.js';

export const SECRET_HEADER = 'x-publish-secret';
const MAX_BODY = 5 * 1024 * 1024;

/** Constant-time comparison (of digests, so the secret's length does not leak either). */
export function secretMatches(given: string | undefined, secret: string) {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return typeof given === 'string' && timingSafeEqual(digest(given), digest(secret));
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * POST /hooks/strapi takes Strapi's webhooks: 401 without the secret, 400 for anything that is
 * not a Strapi event, 202 at once otherwise (Strapi waits at most 10 s and never retries, so the
 * work happens after the answer). GET /status tells what is live and what is happening.
 */
export function createHookServer(publisher: Publisher, secret: string, log: Logger) {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://publisher');
    if (url.pathname === '/status' && req.method === 'GET') return send(res, 200, publisher.status());
    if (url.pathname !== '/hooks/strapi') return send(res, 404, { error: `No route ${req.method} ${url.pathname}` });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, { error: 'Use POST.' });
    }
    const header = req.headers[SECRET_HEADER];
    if (!secretMatches(Array.isArray(header) ? header[0] : header, secret)) {
      log('webhook refused', { reason: header ? 'wrong secret' : 'no secret', from: req.socket.remoteAddress });
      req.resume();
      return send(res, 401, { error: `Missing or wrong ${SECRET_HEADER} header.` });
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        send(res, 413, { error: `Body over ${MAX_BODY} bytes.` });
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return send(res, 400, { error: 'The body is not JSON.' });
      }
      const event = parseEvent(body);
      if (typeof event === 'string') {
        log('webhook refused', { reason: event });
        return send(res, 400, { error: `Not a Strapi event: ${event}.` });
      }
      publisher.receive(event);
      send(res, 202, { accepted: event.event });
    });
  });
}

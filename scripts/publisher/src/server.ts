import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { parseEvent } from './events.js';
import type { Publisher } from './publisher.js';
import type { Logger } from './log.js';
import { PUBLISH_SECRET_HEADER } from '@newsroom/contracts/publish-webhook';

/** Node gives header names in lower case. */
export const SECRET_HEADER = PUBLISH_SECRET_HEADER.toLowerCase();
const MAX_BODY = 5 * 1024 * 1024;

/** Whether a listening address is reachable from this machine only. */
export const isLoopback = (host: string) => /^(127\.\d+\.\d+\.\d+|::1|localhost)$/.test(host);

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
 * work happens after the answer). GET /healthz says whether a release is live; GET /status tells
 * what is live and what is happening (document ids only with the secret; all of it only with the
 * secret when the server listens beyond loopback); GET /status/document?uid=&documentId=&version= (secret) where one
 * document stands, for the editor's panel in the CMS.
 */
export function createHookServer(publisher: Publisher, secret: string, log: Logger, host = '127.0.0.1') {
  const open = isLoopback(host);
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://publisher');
    const given = req.headers[SECRET_HEADER];
    const trusted = secretMatches(Array.isArray(given) ? given[0] : given, secret);
    // For health checks: says nothing but whether a release is live.
    if (url.pathname === '/healthz' && req.method === 'GET')
      return send(res, 200, { ok: true, live: !!publisher.releases.live() });
    // On this machine only, anyone may see what is live; what names documents needs the secret.
    // Bound beyond loopback, all of /status needs it.
    if (url.pathname === '/status' && req.method === 'GET') {
      if (!open && !trusted) return send(res, 401, { error: `Missing or wrong ${SECRET_HEADER} header.` });
      return send(res, 200, publisher.status(trusted));
    }
    if (url.pathname === '/status/document' && req.method === 'GET') {
      if (!trusted) return send(res, 401, { error: `Missing or wrong ${SECRET_HEADER} header.` });
      const uid = url.searchParams.get('uid');
      const documentId = url.searchParams.get('documentId');
      if (!uid || !documentId) return send(res, 400, { error: 'Give uid and documentId.' });
      return send(res, 200, publisher.documentStatus(uid, documentId, url.searchParams.get('version') || null));
    }
    if (url.pathname !== '/hooks/strapi') return send(res, 404, { error: `No route ${req.method} ${url.pathname}` });
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return send(res, 405, { error: 'Use POST.' });
    }
    if (!trusted) {
      log('webhook refused', { reason: given ? 'wrong secret' : 'no secret', from: req.socket.remoteAddress });
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

import type { Core } from '@strapi/strapi';
import { CSP_DEFAULTS, errors } from '@strapi/utils';
import helmet from 'koa-helmet';
import getRawBody from 'raw-body';
import rateLimit from '../api/poll/lib/rate-limit';
import { siteOrigins } from '../utils/site-origins';

/** POST /api/polls/:documentId/votes: the one public write that comes in bursts. */
const VOTE_ROUTE = /^\/api\/polls\/([^/]+)\/votes\/?$/;
/** A vote is `{"option": 123}` or a two-field form: anything near a kilobyte is not a vote. */
const BODY_LIMIT = 1024;

/**
 * The headers strapi::security gives every API response (its defaults), built once: Strapi builds
 * a new helmet middleware for every request, which costs more than counting the vote.
 */
const securityHeaders = helmet({
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  contentSecurityPolicy: { useDefaults: true, directives: { ...CSP_DEFAULTS, upgradeInsecureRequests: null } },
  xssFilter: false,
  hsts: { maxAge: 31536000, includeSubDomains: true },
  frameguard: { action: 'sameorigin' },
});

interface Ctx {
  method: string;
  status: number;
  body: unknown;
  get(field: string): string;
  set(field: string, value: string): void;
  vary(field: string): void;
  path: string;
  req: import('node:http').IncomingMessage;
  params?: Record<string, string>;
  request: { body?: unknown; length?: number };
  is(...types: string[]): string | false | null;
}

/**
 * Answers votes right after Strapi's logger and error formatter, before its security, CORS, query
 * and body parsers and router. A news site's poll is voted on in bursts (a breaking story, a push
 * notification), and those middlewares cost more CPU per request than the vote itself. The vote
 * gets the same security headers, and CORS for the site's origins (preflights still go through
 * strapi::cors); the rate limit runs before the body is even read.
 * https://docs.strapi.io/cms/backend-customization/middlewares
 */
export default (config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const limit = rateLimit(config, { strapi });
  const origins = siteOrigins();
  const voting = () => strapi.controller('api::poll.voting') as unknown as { vote(ctx: Ctx): Promise<void> };

  return async (ctx: Ctx, next: () => Promise<void>) => {
    const route = ctx.method === 'POST' ? VOTE_ROUTE.exec(ctx.path) : null;
    if (!route) return next();
    await securityHeaders(ctx as never, async () => undefined);
    ctx.vary('Origin');
    // Votes come from the site's pages only: any other page could make its visitors vote. A
    // browser sends Origin with every POST (Referer where an old one does not); a vote with
    // neither comes from no page of the site.
    const origin = ctx.get('Origin') || originOf(ctx.get('Referer'));
    if (!origin || !origins.includes(origin)) {
      ctx.status = 403;
      ctx.body = {
        data: null,
        error: {
          status: 403,
          name: 'ForbiddenError',
          message: `Votes are taken from the site's pages only (${origins.join(', ')}): this one came from ${origin || 'no page (no Origin or Referer header)'}.`,
          details: {},
        },
      };
      return;
    }
    ctx.set('Access-Control-Allow-Origin', origin);
    ctx.set('Access-Control-Allow-Credentials', 'true');
    const documentId = decodeId(route[1]);
    if (documentId === null) throw new errors.ValidationError('The poll id in the URL is not valid.');
    ctx.params = { documentId };
    await limit(ctx as never, async () => {
      ctx.request.body = await readBody(ctx);
      await voting().vote(ctx);
    });
  };
};

/** The origin (scheme, host, port) of a URL, or '' when it is none. */
function originOf(url: string) {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}

/** A poll's documentId from the URL: null when the escape is malformed or it cannot be one. */
function decodeId(raw: string) {
  try {
    const id = decodeURIComponent(raw);
    return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

/** The vote's body, as JSON or as a form (the poll box without JavaScript). */
async function readBody(ctx: Ctx): Promise<unknown> {
  const type = ctx.is('application/json', 'application/x-www-form-urlencoded');
  if (!type) {
    throw new errors.ValidationError(
      'Send the vote as JSON ({ "option": <option id> }, Content-Type: application/json) or as a form.'
    );
  }
  let text: string;
  try {
    text = await getRawBody(ctx.req, { limit: BODY_LIMIT, length: ctx.request.length, encoding: 'utf8' });
  } catch (error) {
    const { type: cause } = error as { type?: string };
    if (cause === 'entity.too.large') throw new errors.ValidationError(`A vote's body is at most ${BODY_LIMIT} bytes.`);
    throw new errors.ValidationError(`The vote's body could not be read (${cause ?? 'connection closed'}).`);
  }
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    throw new errors.ValidationError('The body is not valid JSON: send { "option": <option id> }.');
  }
}

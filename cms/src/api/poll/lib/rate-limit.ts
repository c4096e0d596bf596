import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { RateLimit } from 'koa2-ratelimit';
import { addressKey, clientAddress, trustedProxies } from '../../../utils/client-address';

interface Ctx {
  req: import('node:http').IncomingMessage;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
  state: { rateLimit?: { reset: number } };
}

/**
 * Per-client rate limit on voting (Strapi's built-in limiter covers only the auth routes):
 * POLL_RATE_LIMIT requests per POLL_RATE_WINDOW_SECONDS from one client, then 429 with
 * Retry-After. Clients are keyed by a hash of their address (behind a trusted proxy, the reader's;
 * IPv6 by /64: utils/client-address.ts), kept in memory only.
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const windowSeconds = Number(process.env.POLL_RATE_WINDOW_SECONDS ?? 60);
  const trusted = trustedProxies();
  const limiter = RateLimit.middleware({
    interval: { sec: windowSeconds },
    max: Number(process.env.POLL_RATE_LIMIT ?? 30),
    prefixKey: 'poll-votes',
    keyGenerator: async (ctx: Ctx) => {
      const forwarded = ctx.req.headers['x-forwarded-for'];
      const address = clientAddress(
        ctx.req.socket.remoteAddress,
        Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
        trusted
      );
      return createHash('sha256').update(addressKey(address)).digest('base64url');
    },
    handler: async (ctx: Ctx) => {
      const retryAfter = Math.max(1, (ctx.state.rateLimit?.reset ?? 0) - Math.floor(Date.now() / 1000));
      ctx.status = 429;
      ctx.set('Retry-After', String(retryAfter));
      ctx.body = {
        data: null,
        error: {
          status: 429,
          name: 'RateLimitError',
          message: `Too many votes from this connection: try again in ${retryAfter} s.`,
          details: { retryAfter },
        },
      };
      strapi.log.warn(`Poll vote rate limit reached (retry after ${retryAfter} s)`);
    },
  });
  return limiter;
};

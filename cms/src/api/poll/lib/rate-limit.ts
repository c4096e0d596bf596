import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { addressKey, clientAddress, trustedProxies } from '../../../utils/client-address';
import { sharedState } from '../../../shared/redis';

interface Ctx {
  req: import('node:http').IncomingMessage;
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

/**
 * Per-client rate limit on voting (Strapi's built-in limiter covers only the auth routes):
 * POLL_RATE_LIMIT requests per POLL_RATE_WINDOW_SECONDS from one client, then 429 with
 * Retry-After. Clients are keyed by a hash of their address (behind a trusted proxy, the reader's;
 * IPv6 by /64: utils/client-address.ts). With REDIS_URL the count is shared by every CMS process
 * (one atomic increment per request: rate-limiter-flexible's Lua script), so a reader whose
 * requests a proxy spreads over N processes still gets one allowance; without it, or while Redis
 * is away, each process counts for itself.
 * https://github.com/animir/node-rate-limiter-flexible
 */
export default (_config: unknown, { strapi }: { strapi: Core.Strapi }) => {
  const duration = Number(process.env.POLL_RATE_WINDOW_SECONDS ?? 60);
  const points = Number(process.env.POLL_RATE_LIMIT ?? 30);
  if (!(duration > 0) || !(points > 0))
    throw new Error('POLL_RATE_LIMIT and POLL_RATE_WINDOW_SECONDS must be positive numbers.');
  const trusted = trustedProxies();
  const { client, prefix } = sharedState(strapi.log);
  const keyPrefix = `${prefix}:poll-votes`;
  const local = new RateLimiterMemory({ points, duration, keyPrefix });
  const limiter = client
    ? new RateLimiterRedis({
        storeClient: client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        points,
        duration,
        keyPrefix,
        insuranceLimiter: local,
      })
    : local;

  return async (ctx: Ctx, next: () => Promise<void>) => {
    const forwarded = ctx.req.headers['x-forwarded-for'];
    const address = clientAddress(
      ctx.req.socket.remoteAddress,
      Array.isArray(forwarded) ? forwarded.join(',') : forwarded,
      trusted
    );
    const key = createHash('sha256').update(addressKey(address)).digest('base64url');
    try {
      await limiter.consume(key);
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      const retryAfter = Math.max(1, Math.ceil(refusal.msBeforeNext / 1000));
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
      return;
    }
    await next();
  };
};

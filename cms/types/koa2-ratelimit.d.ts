// koa2-ratelimit ships no types; this covers the part the poll rate limiter uses.
declare module 'koa2-ratelimit' {
  interface Options {
    interval: { sec?: number; min?: number } | number;
    max: number;
    prefixKey?: string;
    keyGenerator?: (ctx: never) => Promise<string>;
    handler?: (ctx: never) => Promise<void>;
  }
  export const RateLimit: { middleware(options: Options): (ctx: unknown, next: () => Promise<unknown>) => Promise<unknown> };
}

import { createClient } from 'redis';

/**
 * What several CMS processes behind one proxy must share: the poll routes' rate limit (a reader
 * spread over two processes gets one allowance, not two) and the news that an editor changed a
 * poll (every process reads its new dates and options at the next vote). REDIS_URL names the Redis
 * they share; REDIS_PREFIX keeps this CMS's keys apart from anything else in it. Without REDIS_URL
 * (one process: the development setup on SQLite) each process keeps this state itself.
 *
 * The CMS keeps working while Redis is away: the rate limit falls back to the process's own count
 * and a poll's settings to their few seconds' cache (services/voting.ts); both are logged.
 * https://github.com/redis/node-redis
 */
export type Redis = ReturnType<typeof createClient>;

export interface SharedState {
  /** Commands (the rate limit's counters, publishing invalidations); null without REDIS_URL. */
  client: Redis | null;
  prefix: string;
  /** Runs `listener` for every message another process (or this one) publishes on `channel`. */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  publish(channel: string, message: string): Promise<void>;
  close(): Promise<void>;
}

interface Log {
  warn(message: string): void;
  info(message: string): void;
}

let shared: SharedState | undefined;

/** The one connection of this process (created on first use, closed by the CMS's destroy). */
export function sharedState(log: Log, env: NodeJS.ProcessEnv = process.env): SharedState {
  shared ??= connect(log, env);
  return shared;
}

export async function closeSharedState() {
  const state = shared;
  shared = undefined;
  await state?.close();
}

/** A connection of its own (sharedState keeps one per process; tests make several). */
export function connect(log: Log, env: NodeJS.ProcessEnv): SharedState {
  const prefix = env.REDIS_PREFIX || 'newsroom';
  const url = env.REDIS_URL;
  if (!url) {
    const local = new Map<string, Set<(message: string) => void>>();
    return {
      client: null,
      prefix,
      async subscribe(channel, listener) {
        if (!local.has(channel)) local.set(channel, new Set());
        local.get(channel)!.add(listener);
      },
      async publish(channel, message) {
        for (const listener of local.get(channel) ?? []) listener(message);
      },
      async close() {},
    };
  }
  try {
    new URL(url);
  } catch {
    throw new Error(`REDIS_URL is not a URL (e.g. redis://127.0.0.1:6379/0): "${url}".`);
  }
  // Reconnects forever, at most every 5 s; commands sent meanwhile fail fast instead of queueing.
  const options = {
    url,
    disableOfflineQueue: true,
    socket: { reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 5_000) },
  };
  const client = createClient(options);
  const subscriber = createClient(options);
  // Each connection says once that it lost Redis, and once that it is back.
  for (const [name, c] of [
    ['commands', client],
    ['subscriptions', subscriber],
  ] as const) {
    let down = false;
    c.on('error', (error: Error) => {
      if (down) return;
      down = true;
      log.warn(
        `Redis (${name}) at ${redact(url)} is unreachable: ${error.message}. Each CMS process keeps its own rate limits until it is back.`
      );
    });
    c.on('ready', () => {
      if (down) log.info(`Redis (${name}) at ${redact(url)} is back.`);
      down = false;
    });
  }
  // Connected in the background: a CMS starts (and serves) whether or not Redis is up yet.
  client.connect().catch(() => undefined);
  const subscribed = subscriber.connect().catch(() => undefined);
  const channelOf = (channel: string) => `${prefix}:${channel}`;
  return {
    client,
    prefix,
    async subscribe(channel, listener) {
      await subscribed;
      // node-redis subscribes again by itself after a reconnect.
      await subscriber.subscribe(channelOf(channel), listener).catch((error: Error) => {
        log.warn(`Redis: could not subscribe to ${channelOf(channel)}: ${error.message}`);
      });
    },
    async publish(channel, message) {
      await client.publish(channelOf(channel), message);
    },
    async close() {
      // A client still trying to reach Redis is dropped; a connected one finishes what it sent.
      for (const c of [client, subscriber]) {
        if (c.isReady) await c.close().catch(() => undefined);
        else if (c.isOpen) c.destroy();
      }
    },
  };
}

/** A Redis URL without its password, for logs. */
const redact = (url: string) => url.replace(/\/\/([^@/]*):[^@/]*@/, '//$1:***@');

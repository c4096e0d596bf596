import type { Server } from 'node:http';
import path from 'node:path';
import { loadConfig, type PublisherConfig } from './config.js';
import { jsonLogger, type Logger } from './log.js';
import { Publisher } from './publisher.js';
import { createHookServer } from './server.js';
import { createStaticServer } from './static-server.js';
import { lockPublishDir } from './lock.js';

const listen = (server: Server, port: number, host: string) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });

export interface RunningPublisher {
  publisher: Publisher;
  hookUrl: string;
  siteUrl: string | null;
  close(): Promise<void>;
}

/**
 * Starts the webhook endpoint and (unless a web server does it) the site server, then builds the
 * whole site once.
 */
export async function startPublisher(
  overrides: Partial<PublisherConfig> = {},
  log: Logger = jsonLogger()
): Promise<RunningPublisher> {
  const config = loadConfig(overrides);
  const unlock = lockPublishDir(config.dir);
  const publisher = new Publisher(config, log);
  const hooks = createHookServer(publisher, config.secret, log, config.hookHost);
  const hookPort = await listen(hooks, config.hookPort, config.hookHost);
  let site: Server | null = null;
  let sitePort = 0;
  if (config.sitePort) {
    site = createStaticServer(() => path.join(config.dir, 'current'), { cmsUrl: config.cmsUrl });
    sitePort = await listen(site, config.sitePort, config.siteHost);
  }
  const hookUrl = `http://${config.hookHost}:${hookPort}/hooks/strapi`;
  const siteUrl = site ? `http://${config.siteHost}:${sitePort}/` : null;
  log('publisher started', {
    hooks: hookUrl,
    site: siteUrl,
    dir: config.dir,
    live: publisher.releases.live()?.id ?? null,
  });
  // The live release (if any) is served at once; reconciliation catches up with whatever changed
  // while the publisher was stopped (a change of the site's code makes the next build a full one).
  publisher.start();
  return {
    publisher,
    hookUrl,
    siteUrl,
    async close() {
      publisher.stop();
      await Promise.all([hooks, site].map((s) => s && new Promise((r) => s.close(r))));
      // The build stopped gives its folders back (a fetch that cannot be cancelled: 30 s at most).
      await Promise.race([publisher.ended(), new Promise((r) => setTimeout(r, 30_000).unref())]);
      unlock();
    },
  };
}

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'dotenv';
import { freePort, startCms } from './cms';
import { startPublisher } from '@newsroom/publisher/service';
import type { PublisherConfig } from '@newsroom/publisher/config';
import type { Logger } from '@newsroom/publisher/log';

/**
 * A real CMS (SQLite) whose webhooks go to a real publisher of its own, which builds into a temp
 * directory and serves the live release on a free port. One build is kept compiled ahead, not the
 * two a newsroom's publisher keeps (compiling one takes ~5 s of a core, and the suites share two
 * cores); the publisher suite tests the two.
 */
export async function startCmsWithPublisher(
  cmsEnv: Record<string, string>,
  options: Partial<PublisherConfig>,
  log: Logger
) {
  const secret = randomBytes(24).toString('hex');
  const hookPort = await freePort();
  const cms = await startCms('sqlite', {
    PUBLISH_WEBHOOK_URL: `http://127.0.0.1:${hookPort}/hooks/strapi`,
    PUBLISH_WEBHOOK_SECRET: secret,
    ...cmsEnv,
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-publish-'));
  const sitePort = await freePort();
  // A publisher that fails to start must not leave the CMS running: the caller never gets it to stop.
  const service = await startPublisher(
    {
      dir,
      cmsUrl: cms.url,
      siteToken: parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN,
      siteEnvFile: cms.env.SITE_ENV_FILE,
      siteUrl: `http://127.0.0.1:${sitePort}`,
      secret,
      hookPort,
      sitePort,
      preparedBuilds: 1,
      ...options,
    },
    log
  ).catch(async (error: unknown) => {
    await cms.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  return { cms, service, dir, secret };
}

/**
 * The addresses a search index (`index`: a release's `pagefind`, its shards' bundles linked in it)
 * can answer with: the `url` of every page fragment Pagefind wrote, read as the search page's
 * script reads them (gzip, then "pagefind_dcd" and the fragment's JSON).
 */
export function searchableUrls(index: string): Set<string> {
  const urls = new Set<string>();
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const file = path.join(dir, name);
      if (fs.statSync(file).isDirectory()) walk(file);
      else if (name.endsWith('.pf_fragment')) {
        const text = gunzipSync(fs.readFileSync(file)).toString('utf8');
        urls.add((JSON.parse(text.slice(text.indexOf('{'))) as { url: string }).url);
      }
    }
  };
  walk(index);
  return urls;
}

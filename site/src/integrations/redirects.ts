import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { JOB_OVER_IPC } from '@newsroom/content/build-protocol';
import { writeRedirects } from '@newsroom/content/redirects';
import { getPrefetched } from '../lib/prefetched';

/**
 * A plain `astro build` (CI's publish workflow) writes the redirects into what it built: the nginx
 * map, the JSON and the fallback pages (@newsroom/content/redirects). Builds handed content by the
 * publisher (SITE_SNAPSHOT, SITE_JOB_IPC, SITE_SCOPE) leave it to the publisher, which writes them
 * into the release it assembles, whole or in part.
 * https://docs.astro.build/en/reference/integrations-reference/#astrobuilddone
 */
export default function redirects(env: Record<string, string | undefined>): AstroIntegration {
  return {
    name: 'newsroom:redirects',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        if (env.SITE_SNAPSHOT || env[JOB_OVER_IPC] || env.SITE_SCOPE) return;
        const prefetched = getPrefetched();
        if (!prefetched) return;
        const { map, skipped } = writeRedirects(fileURLToPath(dir), await prefetched.snapshot);
        logger.info(`${map.size} redirect(s) written${skipped.length ? `, ${skipped.length} left out` : ''}.`);
        for (const { from, reason } of skipped.slice(0, 20)) logger.warn(`redirect ${from} left out: ${reason}`);
      },
    },
  };
}

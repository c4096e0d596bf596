import type { AstroIntegration } from 'astro';
import { createStrapiClient } from '@newsroom/content/strapi';
import { fetchSnapshot } from '@newsroom/content/snapshot';
import { JOB_OVER_IPC } from '@newsroom/content/build-protocol';
import { setPrefetched } from '../lib/prefetched';

/**
 * Starts fetching the content from the CMS as soon as `astro build` starts, while Astro and Vite
 * bundle the pages (a few seconds, on the other core), instead of when the first page asks for it.
 * The pages pick it up in src/lib/content.ts. Builds handed a snapshot by the publisher
 * (SITE_SNAPSHOT, or a job over IPC: SITE_JOB_IPC) fetch nothing.
 * https://docs.astro.build/en/reference/integrations-reference/#astroconfigsetup
 */
export default function prefetchContent(env: Record<string, string | undefined>): AstroIntegration {
  return {
    name: 'newsroom:prefetch',
    hooks: {
      'astro:config:setup': ({ command }) => {
        if (command !== 'build' || env.SITE_SNAPSHOT || env[JOB_OVER_IPC]) return;
        const source = (env.CMS_URL || 'http://127.0.0.1:1337').replace(/\/+$/, '');
        const snapshot = fetchSnapshot(createStrapiClient({ baseUrl: source, token: env.SITE_API_TOKEN }));
        // Awaited by the pages; a failure is reported there, not as an unhandled rejection here.
        snapshot.catch(() => undefined);
        setPrefetched({ startedAt: performance.now(), snapshot });
      },
    },
  };
}

/**
 * `npm start`: the whole newsroom on one machine. Writes this install's secrets, builds the CMS
 * and the preview service when their sources changed, starts Strapi (seeding demo content into an
 * empty database), then the publisher, which builds the reader's site, serves it, and rebuilds it
 * on every publish (Strapi's webhook), and the preview service the admin's Preview button opens.
 * Ctrl-C stops everything it started.
 */
import path from 'node:path';
import { CMS_DIR, CMS_ENV_FILE, SITE_DIR } from '@newsroom/publisher/paths';
import { buildPreviewIfChanged, PREVIEW_ENTRY, previewEnv } from '../lib/preview.js';
import { ensureCmsEnv, newCredentialsText } from '../lib/secrets.js';
import { buildCmsIfChanged } from '../lib/cms-build.js';
import { bin, quietEnv, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { startPublisher, type RunningPublisher } from '@newsroom/publisher/service';
import { readEnvFile } from '@newsroom/publisher/env-file';

let stopping = false;
let publisher: RunningPublisher | undefined;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
  await publisher?.close();
  await stopChildren();
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main() {
  const setup = ensureCmsEnv(CMS_ENV_FILE);
  const cmsEnv = readEnvFile(CMS_ENV_FILE);
  const cmsUrl = `http://${cmsEnv.HOST || '127.0.0.1'}:${cmsEnv.PORT || '1337'}`;

  await buildCmsIfChanged();
  const previewUrl = cmsEnv.PREVIEW_URL ? new URL(cmsEnv.PREVIEW_URL) : null;
  if (previewUrl) await buildPreviewIfChanged();
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: withCmsHeapLimit(quietEnv()) });
  cms.on('exit', (code) => {
    if (!stopping) {
      console.error(`The CMS exited (code ${code}); see the [cms] lines above.`);
      void shutdown(1);
    }
  });
  await waitForHttp(`${cmsUrl}/_health`, 180_000, () => cms.exitCode === null);

  publisher = await startPublisher({}, (msg, fields) =>
    console.log(`[publisher] ${JSON.stringify({ msg, ...fields })}`)
  );
  const { releases } = publisher.publisher;
  if (previewUrl) {
    const preview = startChild('preview', process.execPath, [PREVIEW_ENTRY], {
      env: previewEnv({
        host: previewUrl.hostname,
        port: Number(previewUrl.port || 80),
        cmsUrl,
        adminOrigin: new URL(cmsUrl).origin,
        secret: cmsEnv.PREVIEW_SECRET ?? '',
        tokenFile: cmsEnv.PREVIEW_ENV_FILE || path.join(SITE_DIR, '.preview.env'),
        publishDir: publisher.publisher.config.dir,
      }),
    });
    await waitForHttp(`${previewUrl.origin}/`, 60_000, () => preview.exitCode === null);
  }
  // The first start builds the whole site; later starts serve the live release at once.
  while (!releases.live()) {
    const status = publisher.publisher.status();
    // Failed, retried, and nothing more due soon (the changes stay queued for reconciliation).
    if (status.lastBuild?.result === 'failed' && !status.building && !status.nextAttempt) {
      throw new Error(`The first site build failed: ${status.lastBuild.error}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  console.log(`
┌──────────────────────────────────────────────────────────────
│ Newsroom is running. Ctrl-C stops everything.
│   Site (readers):  ${publisher.siteUrl}
│   Publisher:       ${publisher.hookUrl.replace('/hooks/strapi', '/status')}  (publishes in seconds)
│   CMS admin:       ${cmsUrl}/admin
│   Preview:         ${previewUrl ? `${previewUrl.origin}  (the admin's Preview button; signed links only)` : 'off (PREVIEW_URL is empty in cms/.env)'}
│   Content API:     ${cmsUrl}/api/articles
│   Admin login:     ${setup.adminEmail}  (password: ADMIN_PASSWORD in cms/.env)
└──────────────────────────────────────────────────────────────`);
  const credentials = newCredentialsText(setup);
  if (credentials) console.log(credentials);
}

main().catch(async (error: Error) => {
  console.error(`\nnpm start failed: ${error.message}`);
  await shutdown(1);
});

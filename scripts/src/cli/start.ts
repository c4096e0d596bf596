/**
 * `npm start`: the whole newsroom on one machine. Writes this install's secrets, builds the CMS
 * when its sources changed, starts Strapi (seeding demo content into an empty database), builds
 * the reader's site from it and serves it. Ctrl-C stops everything it started.
 */
import { CMS_DIR, CMS_ENV_FILE, SITE_DIR, SITE_ENV_FILE } from '../lib/paths.js';
import { ensureCmsEnv } from '../lib/secrets.js';
import { buildCmsIfChanged } from '../lib/cms-build.js';
import { bin, quietEnv } from '../lib/bin.js';
import { run, startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { readEnvFile } from '../../../cms/src/utils/env-file.js';

const SITE_HOST = process.env.SITE_HOST ?? '127.0.0.1';
const SITE_PORT = process.env.SITE_PORT ?? '4321';

let stopping = false;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping…');
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
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: quietEnv() });
  cms.on('exit', (code) => {
    if (!stopping) {
      console.error(`The CMS exited (code ${code}); see the [cms] lines above.`);
      void shutdown(1);
    }
  });
  await waitForHttp(`${cmsUrl}/_health`, 180_000, () => cms.exitCode === null);

  const siteEnv = { ...quietEnv(), ...readEnvFile(SITE_ENV_FILE), SITE_URL: `http://${SITE_HOST}:${SITE_PORT}` };
  await run(bin('astro', SITE_DIR), ['build'], { cwd: SITE_DIR, env: siteEnv });
  startChild('site', bin('astro', SITE_DIR), ['preview', '--host', SITE_HOST, '--port', SITE_PORT], {
    cwd: SITE_DIR,
    env: siteEnv,
  });
  await waitForHttp(`http://${SITE_HOST}:${SITE_PORT}/`, 30_000);

  console.log(`
┌──────────────────────────────────────────────────────────────
│ Newsroom is running. Ctrl-C stops everything.
│   Site (readers):  http://${SITE_HOST}:${SITE_PORT}/
│   CMS admin:       ${cmsUrl}/admin
│   Content API:     ${cmsUrl}/api/articles
│   Admin login:     ${setup.adminEmail}  (password: ADMIN_PASSWORD in cms/.env)
└──────────────────────────────────────────────────────────────`);
  if (setup.newAdminPassword) console.log(`First admin password (shown once): ${setup.newAdminPassword}\n`);
}

main().catch(async (error: Error) => {
  console.error(`\nnpm start failed: ${error.message}`);
  await shutdown(1);
});

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { PREVIEW_ENTRY, previewEnv } from '@newsroom/scripts/preview';
import { waitForHttp } from '@newsroom/scripts/processes';
import { freePort } from './cms';

/** What a CMS needs to offer previews on `port` (its admin's Preview button). */
export async function previewSettings(dir: string) {
  const port = await freePort();
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    secret: randomBytes(32).toString('hex'),
    tokenFile: path.join(dir, 'preview.env'),
  };
}

/** The real preview service (site/dist-preview, built by the global setup) for a test's CMS. */
export async function startPreview(
  settings: Awaited<ReturnType<typeof previewSettings>>,
  cmsUrl: string,
  publishDir?: string
) {
  let output = '';
  const child = spawn(process.execPath, [PREVIEW_ENTRY], {
    env: previewEnv({
      host: '127.0.0.1',
      port: settings.port,
      cmsUrl,
      adminOrigin: new URL(cmsUrl).origin,
      secret: settings.secret,
      tokenFile: settings.tokenFile,
      publishDir,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  await waitForHttp(`${settings.url}/`, 60_000, () => child.exitCode === null).catch((error: Error) => {
    throw new Error(`${error.message}\n${output}`);
  });
  return {
    url: settings.url,
    log: () => output,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

import { spawn } from 'node:child_process';
import { bin, quietEnv } from '../lib/bin.js';
import { SITE_DIR } from '../lib/paths.js';
import { withSiteBuildLock } from '../lib/build-lock.js';

/** The last lines a failed command printed: the cause, for logs and /status. */
function tail(output: string, lines = 12) {
  return output.trim().split('\n').slice(-lines).join('\n');
}

/**
 * Runs a command to completion, capturing its output; rejects with the tail of that output.
 * `signal` kills it (the whole process group: Astro and its workers).
 */
export function runCaptured(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string, signal?: AbortSignal) {
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', kill);
      if (code === 0) resolve(output);
      else if (signal?.aborted) reject(new Error('cancelled'));
      else reject(new Error(`${args[0] ?? command} failed (${sig ?? `exit ${code}`}):\n${tail(output)}`));
    });
  });
}

export interface AstroBuild {
  outDir: string;
  snapshot: string;
  scope?: string;
  cmsUrl: string;
  siteUrl: string;
  env?: Record<string, string>;
}

/** `astro build` from a content snapshot (never from the CMS), without the search index. */
export function astroBuild(build: AstroBuild, signal?: AbortSignal) {
  const env: NodeJS.ProcessEnv = {
    ...quietEnv(),
    CMS_URL: build.cmsUrl,
    SITE_URL: build.siteUrl,
    SITE_OUT_DIR: build.outDir,
    SITE_SNAPSHOT: build.snapshot,
    SITE_SEARCH_INDEX: 'off',
    ...build.env,
  };
  if (build.scope) env.SITE_SCOPE = build.scope;
  else delete env.SITE_SCOPE;
  return withSiteBuildLock(() => runCaptured(bin('astro', SITE_DIR), ['build'], env, SITE_DIR, signal));
}

/** Pagefind over the article pages of `siteDir`, written to `outputPath`. */
export function searchIndex(siteDir: string, outputPath: string, signal?: AbortSignal) {
  const args = ['--site', siteDir, '--output-path', outputPath, '--force-language', 'vi', '--glob', 'bai-viet/**/*.html'];
  return runCaptured(bin('pagefind', SITE_DIR), args, quietEnv(), SITE_DIR, signal);
}

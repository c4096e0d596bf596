import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parse } from 'dotenv';
import { ROOT, startCms, type RunningCms } from '../helpers/cms';
import { createStaticServer } from '@newsroom/publisher/static-server';
import { withSiteBuildLockSync } from '@newsroom/scripts/build-lock';

export const SITE_DIR = path.join(ROOT, 'site');
export const SEED_SLUG = 'tiep-tuc-sang-tao-nhieu-mo-hinh-moi-voi-phuong-cham-dan-can-dan-lam-dan-huong-thu';

/** Runs `astro build` for real, against the CMS the env points to. */
export function buildSite(env: Record<string, string>) {
  return withSiteBuildLockSync(() =>
    spawnSync(path.join(ROOT, 'node_modules', '.bin', 'astro'), ['build'], {
      cwd: SITE_DIR,
      env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
      encoding: 'utf8',
      timeout: 300_000,
    })
  );
}

export interface BuiltSite {
  cms: RunningCms;
  outDir: string;
  siteEnv: Record<string, string>;
}

/** Boots a seeded CMS, lets `prepare` add content, and builds the site from it into a temp dir. */
export async function buildFromCms(
  options: { articles?: number; prepare?: (cms: RunningCms) => Promise<void>; siteUrl?: string } = {}
): Promise<BuiltSite> {
  const siteUrl = options.siteUrl ?? 'https://tin.example.vn';
  const cms = await startCms('sqlite', { SEED_DEMO_ARTICLES: String(options.articles ?? 30), SITE_ORIGINS: siteUrl });
  await options.prepare?.(cms);
  const outDir = path.join(cms.dir, 'site-dist');
  const siteEnv = {
    ...parse(fs.readFileSync(cms.env.SITE_ENV_FILE)),
    SITE_OUT_DIR: outDir,
    SITE_URL: siteUrl,
    // Small search shards, so every suite searches across merged shards as a large archive does.
    SEARCH_SHARD_PAGES: '10',
  };
  const build = buildSite(siteEnv);
  if (build.status !== 0) throw new Error(`astro build failed:\n${build.stdout}\n${build.stderr}`);
  return { cms, outDir, siteEnv };
}

/** Serves a built site on a free local port, like production would. */
export async function serve(outDir: string, port = 0) {
  const server = createStaticServer(() => outDir);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${bound}`, close: () => new Promise((r) => server.close(r)) };
}

import fs from 'node:fs';
import path from 'node:path';
import { CMS_DIR } from '@newsroom/publisher/paths';
import { sourceHash } from '@newsroom/publisher/source-hash';
import { bin, quietEnv } from '@newsroom/publisher/bin';
import { run } from './processes.js';

const INPUTS = ['src', 'config', 'package.json', 'tsconfig.json'];
const STAMP = path.join(CMS_DIR, 'dist', '.source-hash');

/** A hash of everything the CMS build depends on: its sources and the installed lockfile. */
export const cmsSourceHash = () => sourceHash(CMS_DIR, INPUTS);

/**
 * Builds the CMS (server and admin, ~1 min and ~2 GB) only when its sources changed since the
 * last build, so every later `npm start` starts in seconds.
 */
export async function buildCmsIfChanged(): Promise<boolean> {
  const hash = cmsSourceHash();
  const built = fs.existsSync(path.join(CMS_DIR, 'dist', 'build', 'index.html'));
  if (built && fs.existsSync(STAMP) && fs.readFileSync(STAMP, 'utf8') === hash) return false;
  console.log('Building the CMS and its admin panel (first start, or the CMS sources changed)…');
  await run(bin('strapi', CMS_DIR), ['build'], { cwd: CMS_DIR, env: quietEnv() });
  fs.writeFileSync(STAMP, hash);
  return true;
}

import { createRequire } from 'node:module';
import path from 'node:path';
import type { Core } from '@strapi/strapi';
import { CMS_DIR } from '@newsroom/publisher/paths';

const require = createRequire(import.meta.url);

/**
 * Compiles the CMS server (TypeScript only, no admin bundle) and loads Strapi in this process, for
 * command-line tools that work on the content (seeding, imports, benchmarks).
 */
export async function withCms<T>(fn: (strapi: Core.Strapi) => Promise<T>): Promise<T> {
  // Strapi reads .env (at require time) and public/ relative to the working directory.
  process.chdir(CMS_DIR);
  process.env.ENV_PATH ??= path.join(CMS_DIR, '.env');
  // Strapi's ESM build imports `lodash/fp` as a directory, which Node's ESM loader refuses: use CJS.
  const { compileStrapi, createStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  // CMS_SKIP_COMPILE=1: dist/ is already current (the test suites compile once, then share it).
  const context =
    process.env.CMS_SKIP_COMPILE === '1'
      ? { appDir: CMS_DIR, distDir: path.join(CMS_DIR, 'dist') }
      : await compileStrapi({ appDir: CMS_DIR });
  const strapi = await createStrapi({ ...context, autoReload: false, serveAdminPanel: false }).load();
  try {
    return await fn(strapi);
  } finally {
    await strapi.destroy();
  }
}

/** A module of the compiled CMS (cms/dist/src/…), e.g. `seed`. */
export function cmsModule<T>(relative: string): T {
  return require(path.join(CMS_DIR, 'dist', 'src', relative)) as T;
}

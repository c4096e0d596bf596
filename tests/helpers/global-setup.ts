import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const CMS_DIR = path.resolve(import.meta.dirname, '..', '..', 'cms');

/** Compiles the CMS server once (TypeScript only; the admin bundle is not needed by tests). */
export default async function setup() {
  const { compileStrapi } = require('@strapi/strapi') as typeof import('@strapi/strapi');
  const cwd = process.cwd();
  process.chdir(CMS_DIR);
  try {
    await compileStrapi({ appDir: CMS_DIR });
  } finally {
    process.chdir(cwd);
  }
}

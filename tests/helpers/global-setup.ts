import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { buildCmsIfChanged } from '@newsroom/scripts/cms-build';
import { buildPreviewIfChanged } from '@newsroom/scripts/preview';
import { dropPgDatabase, TEMPLATE_FILE } from './databases';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the CMS databases seeded once for this run are kept (helpers/cms.ts: startCms). */
    cmsTemplates: string;
    /** What the demo desk's passwords are made from, the same in every test file of this run. */
    testRunSecret: string;
  }
}

/**
 * Builds the CMS once (its server, and the admin panel the editors' browser tests log into) and
 * the preview service. Each is skipped when nothing changed since its last build (the same checks
 * `npm start` makes). Gives the test files one directory for this run's seeded CMS databases,
 * removed (with their PostgreSQL databases) when the run ends.
 */
export default async function setup(project: TestProject) {
  await buildCmsIfChanged();
  await buildPreviewIfChanged();
  const templates = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cms-templates-'));
  project.provide('cmsTemplates', templates);
  project.provide('testRunSecret', randomBytes(16).toString('hex'));
  return async () => {
    for (const key of fs.readdirSync(templates)) {
      const file = path.join(templates, key, TEMPLATE_FILE);
      if (!fs.existsSync(file)) continue;
      const { dir, env } = JSON.parse(fs.readFileSync(file, 'utf8')) as { dir: string; env: Record<string, string> };
      if (env.DATABASE_URL) await dropPgDatabase(new URL(env.DATABASE_URL).pathname.slice(1));
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.rmSync(templates, { recursive: true, force: true });
  };
}

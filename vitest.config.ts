import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = import.meta.dirname;

/**
 * The suites under tests/ (real CMS processes, builds, browsers: 20 s to 6 min each) before the
 * unit tests (milliseconds). Vitest orders files by their last durations when it has them, and
 * by size when it has not (a fresh clone, CI): then a short integration suite such as the seed's
 * (134 s) started after the larger unit test files and ran alone at the end, while the other
 * worker had nothing left. Within each group, Vitest's own order.
 */
class IntegrationFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const integration = (file: TestSpecification) => path.relative(root, file.moduleId).split(path.sep)[0] === 'tests';
    return [...sorted.filter(integration), ...sorted.filter((file) => !integration(file))];
  }
}

// One `npm test` for every suite. Integration suites boot real Strapi processes, so at most two
// test files run at once on a 2-core machine.
export default defineConfig({
  test: {
    include: [
      'tests/**/*.test.ts',
      'cms/src/**/*.test.ts',
      'site/src/**/*.test.ts',
      'site/content/src/**/*.test.ts',
      'scripts/src/**/*.test.ts',
      'scripts/publisher/src/**/*.test.ts',
    ],
    globalSetup: ['tests/helpers/global-setup.ts'],
    sequence: { sequencer: IntegrationFirst },
    pool: 'forks',
    maxWorkers: 2,
    minWorkers: 1,
    testTimeout: 60_000,
    hookTimeout: 240_000,
    env: { STRAPI_TELEMETRY_DISABLED: 'true', ASTRO_TELEMETRY_DISABLED: '1' },
    // GitHub's workflow parser imports its JSON schema without an import attribute: Vite loads it.
    server: { deps: { inline: ['@actions/workflow-parser', '@actions/expressions'] } },
  },
});

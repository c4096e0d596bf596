import { defineConfig } from 'vitest/config';

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

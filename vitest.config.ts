import path from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const root = import.meta.dirname;

/**
 * The longest suites as measured (60-400 s each on two busy cores, against 20-60 s for the other
 * integration suites), started first: on a fresh clone (CI) Vitest has no durations and orders
 * files by size, and a long suite that starts late runs alone at the end while the other worker
 * has nothing left (the seed suite's 160 s did). A file missing here only loses its place.
 */
const LONGEST = [
  'tests/publisher/publisher.test.ts',
  'tests/cms/public-surface.test.ts',
  'tests/site/admin-desk.test.ts',
  // Mostly waiting for the clock (70 s of due times): early, beside suites that use the cores.
  'tests/publisher/clock.test.ts',
  'tests/publisher/trust.test.ts',
  'tests/cms/schedule.test.ts',
  'tests/publisher/chaos.test.ts',
  'tests/cms/seed.test.ts',
  'tests/publisher/redirects.test.ts',
];

/**
 * The longest suites (LONGEST, in that order), then the other suites under tests/ (real CMS
 * processes, builds, browsers: 20-110 s each), then the unit tests (milliseconds); within the
 * last two groups, Vitest's own order.
 */
class LongestFirst extends BaseSequencer {
  async sort(files: TestSpecification[]) {
    const sorted = await super.sort(files);
    const name = (file: TestSpecification) => path.relative(root, file.moduleId).split(path.sep).join('/');
    const rank = (file: TestSpecification) => {
      const long = LONGEST.indexOf(name(file));
      if (long >= 0) return long;
      return name(file).startsWith('tests/') ? LONGEST.length : LONGEST.length + 1;
    };
    // Array.prototype.sort is stable: Vitest's order holds within a rank.
    return [...sorted].sort((a, b) => rank(a) - rank(b));
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
    sequence: { sequencer: LongestFirst },
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

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { readEnvFile } from './env-file.js';
import { CMS_ENV_FILE, ROOT, SITE_DIR, SITE_ENV_FILE } from './paths.js';
import { sourceHash } from './source-hash.js';
import { indexProcesses, shardPages } from '@newsroom/content/search-index';

/**
 * The publisher's settings, from the environment, then site/.env (CMS URL and read-only token,
 * written by the CMS) and cms/.env (the webhook secret, written by `npm run setup`).
 */
export interface PublisherConfig {
  /** Holds releases/, snapshots/, work/ and the `current` symlink the web server serves. */
  dir: string;
  cmsUrl: string;
  siteToken: string;
  /** Where the CMS writes the site token (re-read before each build: the CMS may renew it). */
  siteEnvFile: string | null;
  siteUrl: string;
  secret: string;
  hookHost: string;
  hookPort: number;
  /** Serve `current` here too (npm start); production has nginx do it. 0: don't. */
  sitePort: number;
  siteHost: string;
  debounceMs: number;
  /** Releases kept on disk, the live one included. */
  keepReleases: number;
  /** Attempts per burst of events before giving up until the next event. */
  maxAttempts: number;
  retryBaseMs: number;
  /** A build may not drop more than this share of the live site's articles at once. */
  maxDrop: number;
  /** Index each release for search after it goes live. */
  searchIndex: boolean;
  /**
   * Where builds run before their output joins a release. Inside site/ so that Astro's compiled
   * chunks resolve the site's packages, but not in site/.astro, which any `astro build` with its
   * output outside site/ copies away and deletes when it ends; one folder per publish directory.
   */
  buildDir: string;
  /** Hash of the site's templates: when it changes, the next build is a full one. */
  templateHash: string;
  /**
   * Hash of the code that decides what a content snapshot holds (the site's content package, the
   * CMS's API): when it changes, the next build reads every document again rather than reuse the
   * live release's content (read by the code before).
   */
  contentHash: string;
  /** A build running longer than this is killed and counts as failed. */
  buildTimeoutMs: number;
  /**
   * The niceness of a full build's processes while a release is live (PUBLISH_FULL_BUILD_NICENESS,
   * 10; 0: none, 19 the lowest): the publishes rendering beside it, and the CMS the desk saves in,
   * come first on the cores; with nothing else to run it has them all the same.
   */
  fullBuildNiceness: number;
  /** How often the CMS's published state is compared with the live release (PUBLISH_RECONCILE_SECONDS). */
  reconcileMs: number;
  /**
   * How often, at most, the CMS's digest of that state is probed between comparisons
   * (PUBLISH_PROBE_MS, 1000; 0: never): a change no webhook told of is compared at once.
   */
  probeMs: number;
  /** A document whose build failed is tried again after this, doubling each time (at most 10 minutes). */
  failureRetryMs: number;
  /** Extra environment for `astro build` (the tests' cache and output settings). */
  buildEnv: Record<string, string>;
  /** Processes a full build renders in (PUBLISH_BUILD_PROCESSES): each its share of the pages. */
  buildProcesses: number;
  /** A full build is split over `buildProcesses` from this many articles (below, one compile is most of it). */
  splitFullBuildsFrom: number;
  /**
   * Builds kept compiled and waiting for a publish (PUBLISH_PREPARED_BUILDS, 2): a publish takes
   * one and a new one starts compiling, which takes seconds; with two, a publish that follows
   * another within those seconds (a correction, a second desk) only renders too.
   */
  preparedBuilds: number;
  /** The heap each build process may grow to, in MB (PUBLISH_BUILD_MAX_HEAP_MB, BUILD_MAX_HEAP_MB; 0: Node's own limit). */
  buildMaxHeapMb: number;
}

/**
 * A full build is split over several processes from this many articles (below, one compile is most of it,
 * and a second process's start and the merge of the outputs would not pay).
 */
export const SPLIT_FULL_BUILDS_FROM = 2000;

/**
 * The heap a build process may grow to by default, in MB. V8 collects late: without a limit, each
 * part of a 100,000-article full build grew to 2.5-2.7 GB though it holds ~0.8 GB; with 1,400 a part
 * rendered the same within 1.3 GB. A scoped build at 100,000 articles peaks at ~0.65 GB. A build
 * that runs out of memory under it is built again without it (Publisher).
 */
export const BUILD_MAX_HEAP_MB = 1536;

/**
 * Two by default: rendering is one thread per build, and on two cores the CMS and the rest are
 * nearly idle during a full build's render. More only with the cores (and the memory: each
 * process holds the whole content) to match.
 */
export const buildProcesses = (env: NodeJS.ProcessEnv = process.env) =>
  Math.min(
    64,
    Math.max(
      1,
      Math.floor(int(env.PUBLISH_BUILD_PROCESSES, Math.min(2, os.availableParallelism()), 'PUBLISH_BUILD_PROCESSES'))
    )
  );

const int = (value: string | undefined, fallback: number, name: string) => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number, not "${value}".`);
  return n;
};

/** A niceness to give way with: a whole number from 0 (none) to 19 (the lowest priority Linux has). */
const niceness = (value: string | undefined, fallback: number, name: string) => {
  const n = int(value, fallback, name);
  if (!Number.isInteger(n) || n > 19) throw new Error(`${name} must be a whole number from 0 to 19, not "${value}".`);
  return n;
};

/** The entries that are set. */
const pick = (values: Record<string, string | undefined>) =>
  Object.fromEntries(Object.entries(values).filter((e): e is [string, string] => !!e[1]));

/** The settings from the environment, with `overrides` on top (tests, benches); throws naming what is missing. */
export function loadConfig(
  overrides: Partial<PublisherConfig> = {},
  env: NodeJS.ProcessEnv = process.env
): PublisherConfig {
  const siteEnvFile = overrides.siteEnvFile !== undefined ? overrides.siteEnvFile : env.SITE_ENV_FILE || SITE_ENV_FILE;
  const site = siteEnvFile ? readEnvFile(siteEnvFile) : {};
  const cms = readEnvFile(env.CMS_ENV_FILE || CMS_ENV_FILE);
  const sitePort = overrides.sitePort ?? int(env.SITE_PORT, 4321, 'SITE_PORT');
  const siteHost = overrides.siteHost ?? (env.SITE_HOST || '127.0.0.1');
  const dir = path.resolve(overrides.dir ?? (env.PUBLISH_DIR || path.join(ROOT, '.publish')));
  const config: PublisherConfig = {
    dir,
    buildDir: path.join(SITE_DIR, '.builds', createHash('sha1').update(dir).digest('hex').slice(0, 10)),
    cmsUrl: (env.CMS_URL || site.CMS_URL || 'http://127.0.0.1:1337').replace(/\/+$/, ''),
    siteToken: env.SITE_API_TOKEN || site.SITE_API_TOKEN || '',
    siteEnvFile: env.SITE_API_TOKEN ? null : siteEnvFile,
    siteUrl: env.SITE_URL || site.SITE_URL || `http://${siteHost}:${sitePort}`,
    secret: env.PUBLISH_WEBHOOK_SECRET || cms.PUBLISH_WEBHOOK_SECRET || '',
    hookHost: env.PUBLISH_HOST || '127.0.0.1',
    hookPort: int(env.PUBLISH_PORT, 4322, 'PUBLISH_PORT'),
    sitePort: env.PUBLISH_SERVE_SITE === 'false' ? 0 : sitePort,
    siteHost,
    debounceMs: int(env.PUBLISH_DEBOUNCE_MS, 1000, 'PUBLISH_DEBOUNCE_MS'),
    keepReleases: Math.max(2, int(env.PUBLISH_KEEP_RELEASES, 5, 'PUBLISH_KEEP_RELEASES')),
    maxAttempts: Math.max(1, int(env.PUBLISH_MAX_ATTEMPTS, 3, 'PUBLISH_MAX_ATTEMPTS')),
    retryBaseMs: int(env.PUBLISH_RETRY_BASE_MS, 2000, 'PUBLISH_RETRY_BASE_MS'),
    maxDrop: Math.min(1, int(env.PUBLISH_MAX_DROP, 0.5, 'PUBLISH_MAX_DROP')),
    searchIndex: env.PUBLISH_SEARCH_INDEX !== 'off',
    templateHash: sourceHash(SITE_DIR, ['src', 'public', 'astro.config.mjs', 'package.json', 'tsconfig.json']),
    contentHash: sourceHash(ROOT, [
      'site/content/src',
      'cms/config',
      'cms/package.json',
      // Not the admin panel's code: it shapes no answer of the API.
      ...fs.readdirSync(path.join(ROOT, 'cms', 'src')).flatMap((name) => (name === 'admin' ? [] : [`cms/src/${name}`])),
    ]),
    buildTimeoutMs: int(env.PUBLISH_BUILD_TIMEOUT_MS, 900_000, 'PUBLISH_BUILD_TIMEOUT_MS'),
    fullBuildNiceness: niceness(env.PUBLISH_FULL_BUILD_NICENESS, 10, 'PUBLISH_FULL_BUILD_NICENESS'),
    reconcileMs: 1000 * Math.max(1, int(env.PUBLISH_RECONCILE_SECONDS, 15, 'PUBLISH_RECONCILE_SECONDS')),
    probeMs: int(env.PUBLISH_PROBE_MS, 1000, 'PUBLISH_PROBE_MS'),
    failureRetryMs: int(env.PUBLISH_FAILURE_RETRY_MS, 30_000, 'PUBLISH_FAILURE_RETRY_MS'),
    // The media library's object storage (the CMS's MEDIA_URL, written to the site's env file): the
    // build may fetch photos from there (site/astro.config.mjs).
    buildEnv: pick({ MEDIA_URL: env.MEDIA_URL || site.MEDIA_URL }),
    buildProcesses: buildProcesses(env),
    splitFullBuildsFrom: SPLIT_FULL_BUILDS_FROM,
    preparedBuilds: Math.min(
      8,
      Math.max(1, Math.floor(int(env.PUBLISH_PREPARED_BUILDS, 2, 'PUBLISH_PREPARED_BUILDS')))
    ),
    buildMaxHeapMb: int(env.PUBLISH_BUILD_MAX_HEAP_MB, BUILD_MAX_HEAP_MB, 'PUBLISH_BUILD_MAX_HEAP_MB'),
    ...overrides,
  };
  if (config.secret.length < 16) {
    throw new Error('PUBLISH_WEBHOOK_SECRET is missing or shorter than 16 characters: run `npm run setup`.');
  }
  if (!config.siteToken) {
    throw new Error('SITE_API_TOKEN is not set: start the CMS once (it writes site/.env) or set it.');
  }
  if (config.searchIndex) {
    // Read again by each index; checked here so that a bad value stops the start, not every index.
    shardPages(env);
    indexProcesses(env);
  }
  return config;
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from './config';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** An environment that names its own (absent) env files, with a secret and a token. */
const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-config-'));
  dirs.push(dir);
  return {
    PUBLISH_DIR: dir,
    SITE_ENV_FILE: path.join(dir, 'site.env'),
    CMS_ENV_FILE: path.join(dir, 'cms.env'),
    PUBLISH_WEBHOOK_SECRET: 'a-secret-of-thirty-two-characters',
    SITE_API_TOKEN: 'token',
    ...extra,
  };
};

describe('the publisher settings', () => {
  it('stops the start on a bad search-index setting, naming it', () => {
    expect(() => loadConfig({}, env({ SEARCH_INDEX_PROCESSES: '0' }))).toThrow(/SEARCH_INDEX_PROCESSES must be/);
    expect(() => loadConfig({}, env({ SEARCH_SHARD_PAGES: 'many' }))).toThrow(/SEARCH_SHARD_PAGES must be/);
  });

  it('leaves the search-index settings alone when there is no search index', () => {
    const config = loadConfig({}, env({ PUBLISH_SEARCH_INDEX: 'off', SEARCH_INDEX_PROCESSES: '0' }));
    expect(config.searchIndex).toBe(false);
  });

  it('keeps two builds compiled unless told, from one to eight, and names a bad setting', () => {
    expect(loadConfig({}, env()).preparedBuilds).toBe(2);
    expect(loadConfig({}, env({ PUBLISH_PREPARED_BUILDS: '1' })).preparedBuilds).toBe(1);
    expect(loadConfig({}, env({ PUBLISH_PREPARED_BUILDS: '0' })).preparedBuilds).toBe(1);
    expect(loadConfig({}, env({ PUBLISH_PREPARED_BUILDS: '50' })).preparedBuilds).toBe(8);
    expect(() => loadConfig({}, env({ PUBLISH_PREPARED_BUILDS: 'hai' }))).toThrow(/PUBLISH_PREPARED_BUILDS must be/);
  });

  it('runs a full build beside the publishes at niceness 10 unless told, from 0 to 19, and names a bad setting', () => {
    expect(loadConfig({}, env()).fullBuildNiceness).toBe(10);
    expect(loadConfig({}, env({ PUBLISH_FULL_BUILD_NICENESS: '0' })).fullBuildNiceness).toBe(0);
    expect(loadConfig({}, env({ PUBLISH_FULL_BUILD_NICENESS: '19' })).fullBuildNiceness).toBe(19);
    for (const bad of ['20', '-1', '2.5', 'thấp'])
      expect(() => loadConfig({}, env({ PUBLISH_FULL_BUILD_NICENESS: bad })), bad).toThrow(
        /PUBLISH_FULL_BUILD_NICENESS must be/
      );
  });

  it('refuses a short webhook secret', () => {
    expect(() => loadConfig({}, env({ PUBLISH_WEBHOOK_SECRET: 'short' }))).toThrow(/PUBLISH_WEBHOOK_SECRET/);
  });
});

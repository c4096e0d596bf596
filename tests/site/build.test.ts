/** The site builds from a real CMS with the token the CMS wrote, and shows only published content. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { load } from 'cheerio';
import { parse } from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fixture from '../../cms/src/seed/fixtures/seed-article.json';
import { api, ROOT, startCms, type RunningCms } from '../helpers/cms';

const SITE_DIR = path.join(ROOT, 'site');

function buildSite(env: Record<string, string>) {
  return spawnSync(path.join(ROOT, 'node_modules', '.bin', 'astro'), ['build'], {
    cwd: SITE_DIR,
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', ...env },
    encoding: 'utf8',
    timeout: 180_000,
  });
}

describe('the site built from the CMS', () => {
  let cms: RunningCms;
  let outDir: string;
  let siteEnv: Record<string, string>;
  const DRAFT_TITLE = 'Bản nháp tuyệt mật chưa duyệt';

  beforeAll(async () => {
    cms = await startCms('sqlite');
    const token = await cms.fullAccessToken();
    const authors = (await api(`${cms.url}/api/authors`)).json.data;
    const draft = await api(`${cms.url}/api/articles?status=draft`, {
      method: 'POST',
      token,
      body: { data: { title: DRAFT_TITLE, lead: 'Không được lộ.', authors: [authors[0].documentId] } },
    });
    expect(draft.status).toBe(201);
    outDir = path.join(cms.dir, 'site-dist');
    siteEnv = { ...parse(fs.readFileSync(cms.env.SITE_ENV_FILE)), SITE_OUT_DIR: outDir };
    const build = buildSite(siteEnv);
    expect(build.status, build.stderr + build.stdout).toBe(0);
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  it('lists every published article on the home page, the seed article among them', async () => {
    const $ = load(fs.readFileSync(path.join(outDir, 'index.html'), 'utf8'));
    expect($('html').attr('lang')).toBe('vi');
    const titles = $('h2')
      .map((_, el) => $(el).text())
      .get();
    const published = (await api(`${cms.url}/api/articles?pagination[pageSize]=1`)).json.meta.pagination.total;
    expect(titles).toHaveLength(published);
    expect(titles).toContain(fixture.title);
  });

  it('contains no draft', () => {
    const html = fs.readFileSync(path.join(outDir, 'index.html'), 'utf8');
    expect(html).not.toContain(DRAFT_TITLE);
  });

  it('fails the build, naming the CMS and the cause, when the token is wrong', () => {
    const build = buildSite({ ...siteEnv, SITE_API_TOKEN: 'not-a-token', SITE_OUT_DIR: path.join(cms.dir, 'bad') });
    expect(build.status).not.toBe(0);
    expect(build.stdout + build.stderr).toMatch(/refused the API token \(401\).*SITE_API_TOKEN/);
  });

  it('fails the build, naming the URL, when the CMS is down', () => {
    const build = buildSite({ ...siteEnv, CMS_URL: 'http://127.0.0.1:9', SITE_OUT_DIR: path.join(cms.dir, 'down') });
    expect(build.status).not.toBe(0);
    expect(build.stdout + build.stderr).toMatch(/CMS at http:\/\/127\.0\.0\.1:9 is unreachable/);
  });
});

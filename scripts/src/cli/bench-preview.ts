/**
 * `npm run bench:preview -- --articles 10000`: how long an editor waits for a draft preview. On the
 * seeded bench database (cms/.tmp/bench-<N>.db), with the live content of N articles around it
 * (the preview's related box and menu), drafts are previewed through signed links as the admin's
 * Preview button asks for them; prints p50/p95/max milliseconds per preview (the whole page, from
 * request to last byte) and whether p95 stays within 500 ms.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { bin, withCmsHeapLimit } from '@newsroom/publisher/bin';
import { CMS_DIR } from '@newsroom/publisher/paths';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { createStrapiClient } from '@newsroom/content/strapi';
import { fetchSnapshot, writeSnapshot } from '@newsroom/content/snapshot';
import { run, startChild, stopChildren, waitForHttp } from '../lib/processes.js';
import { benchCmsEnv, seedBench } from '../lib/bench-cms.js';
import { buildPreviewIfChanged, PREVIEW_ENTRY, previewEnv } from '../lib/preview.js';

const { values } = parseArgs({
  options: {
    articles: { type: 'string', default: '10000' },
    previews: { type: 'string', default: '60' },
    drafts: { type: 'string', default: '12' },
    port: { type: 'string', default: '1342' },
    'preview-port': { type: 'string', default: '4343' },
  },
});
const articles = Number(values.articles);
const previews = Number(values.previews);
const MAX_P95_MS = 500;
const previewUrl = `http://127.0.0.1:${values['preview-port']}`;
const secret = randomBytes(32).toString('hex');
const admin = { email: 'bench@toasoan.example', password: `Bench${randomBytes(6).toString('hex')}1` };
const { work, env } = benchCmsEnv(articles, Number(values.port), {
  ADMIN_EMAIL: admin.email,
  ADMIN_PASSWORD: admin.password,
  PREVIEW_URL: previewUrl,
  PREVIEW_SECRET: secret,
});
env.PREVIEW_ENV_FILE = path.join(work, 'preview.env');
const cmsUrl = `http://127.0.0.1:${env.PORT}`;

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function json(url: string, init: RequestInit = {}) {
  const res = await fetch(url, { ...init, headers: { 'Content-Type': 'application/json', ...init.headers } });
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function main() {
  await seedBench(articles, env);
  await buildPreviewIfChanged();
  await run(
    bin('strapi', CMS_DIR),
    ['admin:reset-user-password', '--email', admin.email, '--password', admin.password],
    { cwd: CMS_DIR, env, stdio: 'ignore' }
  ).catch(() => {});
  const cms = startChild('cms', bin('strapi', CMS_DIR), ['start'], { cwd: CMS_DIR, env: withCmsHeapLimit(env) });
  await waitForHttp(`${cmsUrl}/_health`, 240_000, () => cms.exitCode === null);
  cms.stdout?.removeAllListeners('data').resume();

  // The live site's content, where the publisher keeps it (a release, its snapshot, `current`).
  const publishDir = path.join(work, 'publish');
  const site = createStrapiClient({ baseUrl: cmsUrl, token: readEnvFile(env.SITE_ENV_FILE).SITE_API_TOKEN });
  const snapshot = await fetchSnapshot(site);
  fs.mkdirSync(path.join(publishDir, 'releases', 'bench'), { recursive: true });
  fs.mkdirSync(path.join(publishDir, 'snapshots'), { recursive: true });
  await writeSnapshot(path.join(publishDir, 'snapshots', 'bench.json'), snapshot);
  fs.symlinkSync(path.join('releases', 'bench'), path.join(publishDir, 'current'));
  console.log(`Live content: ${snapshot.articles.length} articles.`);

  const preview = startChild('preview', process.execPath, [PREVIEW_ENTRY], {
    env: previewEnv({
      host: '127.0.0.1',
      port: Number(values['preview-port']),
      cmsUrl,
      adminOrigin: cmsUrl,
      secret,
      tokenFile: env.PREVIEW_ENV_FILE,
      publishDir,
    }),
  });
  await waitForHttp(`${previewUrl}/`, 60_000, () => preview.exitCode === null);

  const login = await json(`${cmsUrl}/admin/login`, { method: 'POST', body: JSON.stringify(admin) });
  const jwt = login.data.token as string;
  const auth = { Authorization: `Bearer ${jwt}` };
  // Drafts as editors write them: a category, tags, an author and a cover from the archive.
  const drafts: string[] = [];
  for (let i = 0; i < Number(values.drafts); i++) {
    const like = snapshot.articles[(i * 7919) % snapshot.articles.length];
    const created = await json(`${cmsUrl}/content-manager/collection-types/api::article.article`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        title: `Bản nháp đo thời gian xem trước số ${i + 1}`,
        lead: like.lead,
        body: like.body,
        category: like.category ? { connect: [{ documentId: like.category.documentId }] } : undefined,
        tags: { connect: like.tags.map((t) => ({ documentId: t.documentId })) },
        authors: { connect: like.authors.map((a) => ({ documentId: a.documentId })) },
        cover: like.cover ? { connect: [{ documentId: like.cover.documentId }] } : undefined,
      }),
    });
    drafts.push(created.data.documentId);
  }

  const once = async (documentId: string) => {
    const { data } = await json(
      `${cmsUrl}/content-manager/preview/url/api::article.article?documentId=${documentId}&status=draft`,
      { headers: auth }
    );
    const started = performance.now();
    const res = await fetch(data.url);
    const html = await res.text();
    if (res.status !== 200 || !html.includes('Bản xem trước'))
      throw new Error(`${data.url}: ${res.status} ${html.slice(0, 300)}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 5; i++) await once(drafts[i % drafts.length]); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < previews; i++) samples.push(await once(drafts[i % drafts.length]));
  const ms = samples.sort((a, b) => a - b);
  const within = percentile(ms, 95) <= MAX_P95_MS;

  for (const id of drafts) {
    await fetch(`${cmsUrl}/content-manager/collection-types/api::article.article/${id}`, {
      method: 'DELETE',
      headers: auth,
    });
  }
  await stopChildren();
  fs.rmSync(work, { recursive: true, force: true });
  console.log(`
Draft preview at ${snapshot.articles.length} live articles (${previews} previews of ${drafts.length} drafts, after 5 warm-ups):
| p50 ms | p95 ms | max ms | within ${MAX_P95_MS} ms p95 |
|---|---|---|---|
| ${percentile(ms, 50).toFixed(0)} | ${percentile(ms, 95).toFixed(0)} | ${ms.at(-1)!.toFixed(0)} | ${within ? 'yes' : '**no**'} |
`);
  process.exitCode = within ? 0 : 1;
}

main().catch(async (error: Error) => {
  console.error(`bench:preview failed: ${error.message}`);
  await stopChildren();
  process.exit(1);
});

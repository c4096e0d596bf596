import fs from 'node:fs';
import path from 'node:path';
import { PreparedBuild, renderInParts, withHeapLimit } from '@newsroom/publisher/astro';
import { SITE_DIR } from '@newsroom/publisher/paths';
import { createStrapiClient } from '@newsroom/content/strapi';
import { fetchSnapshot, writeSnapshot } from '@newsroom/content/snapshot';
import { readEnvFile } from '@newsroom/publisher/env-file';
const env = JSON.parse(fs.readFileSync('/tmp/env10k.json', 'utf8'));
const site = readEnvFile(env.SITE_ENV_FILE);
const file = '/tmp/snap10k.json';
if (!fs.existsSync(file)) {
  const cms = createStrapiClient({ baseUrl: 'http://127.0.0.1:1338', token: site.SITE_API_TOKEN });
  await writeSnapshot(file, await fetchSnapshot(cms));
}
const extra = process.env.EXTRA_NODE_OPTIONS ?? '';
for (let round = 0; round < Number(process.argv[2] ?? 1); round++) {
  const builds = [0, 1].map((part) => new PreparedBuild(path.join(SITE_DIR, '.builds', `rt-${process.pid}-${round}-${part}`), {
    cmsUrl: 'http://127.0.0.1:1338', siteUrl: 'http://127.0.0.1:4321',
    env: withHeapLimit({ SITE_API_TOKEN: '', SITE_CACHE_DIR: '/tmp/rt-cache', NODE_OPTIONS: extra }, 1536), part }));
  while (builds.some((b) => b.state !== 'waiting')) await new Promise((r) => setTimeout(r, 100));
  const t = performance.now();
  const out = await renderInParts(builds, file);
  console.log(`render ${((performance.now() - t) / 1000).toFixed(1)} s`, out.map((o) => /\[build\] (\d+) page\(s\) built in ([\d.]+)s/.exec(o)?.slice(1).join(' ')).join(' | '));
  for (const b of builds) fs.rmSync(b.dir, { recursive: true, force: true });
}

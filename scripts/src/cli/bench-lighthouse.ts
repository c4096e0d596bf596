/**
 * `npm run bench:lighthouse`: runs Lighthouse (12.2.3: 13 needs Node 22) in Debian's Chromium on
 * the built site's pages (default: the seed article) and prints the four category scores.
 * Builds nothing: run `npm start` first (or pass `--dir` to a built site); the live release
 * `npm start` publishes (.publish/current) is served here the way production serves it.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as chromeLauncher from 'chrome-launcher';
import lighthouse from 'lighthouse';
import fs from 'node:fs';
import { ROOT } from '@newsroom/publisher/paths';
import { createStaticServer } from '@newsroom/publisher/static-server';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../lib/chromium.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: path.join(ROOT, '.publish', 'current') },
    page: {
      type: 'string',
      multiple: true,
      default: ['/bai-viet/tiep-tuc-sang-tao-nhieu-mo-hinh-moi-voi-phuong-cham-dan-can-dan-lam-dan-huong-thu/', '/'],
    },
  },
});

if (!fs.existsSync(path.join(values.dir!, 'index.html'))) {
  console.error(`No built site in ${values.dir}: run \`npm start\` first, or pass --dir <a built site>.`);
  process.exit(1);
}
const server = createStaticServer(() => values.dir!);
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const chrome = await chromeLauncher.launch({
  chromePath: CHROMIUM_PATH,
  chromeFlags: ['--headless=new', ...CHROMIUM_FLAGS],
});
try {
  console.log('| page | performance | accessibility | best practices | SEO | LCP ms | CLS | TBT ms | bytes |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const page of values.page!) {
    const status = (await fetch(`${base}${page}`)).status;
    if (status !== 200) throw new Error(`${base}${page} answered ${status}: is it a page of this site?`);
    const result = await lighthouse(`${base}${page}`, { port: chrome.port, output: 'json', logLevel: 'error' });
    const lhr = result!.lhr;
    const score = (id: string) => Math.round((lhr.categories[id]?.score ?? 0) * 100);
    const audit = (id: string) => lhr.audits[id]?.numericValue ?? NaN;
    console.log(
      `| ${page} | ${score('performance')} | ${score('accessibility')} | ${score('best-practices')} | ${score('seo')} | ${audit('largest-contentful-paint').toFixed(0)} | ${audit('cumulative-layout-shift').toFixed(3)} | ${audit('total-blocking-time').toFixed(0)} | ${audit('total-byte-weight').toFixed(0)} |`
    );
    for (const [id, a] of Object.entries(lhr.audits)) {
      if (a.score !== null && a.score < 1 && a.scoreDisplayMode === 'binary') {
        const items = (a.details as { items?: Record<string, unknown>[] } | undefined)?.items ?? [];
        console.log(`  - ${id}: ${a.title} ${items.map((i) => JSON.stringify(i).slice(0, 200)).join(' ')}`);
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}

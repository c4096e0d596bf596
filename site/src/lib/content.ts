import { createStrapiClient } from '@newsroom/content/strapi';
import { keepShare, waitForJob } from './job';
import { JOB_OVER_IPC, parseShard } from '@newsroom/content/build-protocol';
import { isShard, rendersArticle, useScope, useShard } from './scope';
import fs from 'node:fs';
import {
  applyDelta,
  fetchSnapshot,
  readSnapshot,
  toContent,
  type SiteContent,
  type Snapshot,
  type SnapshotDelta,
} from '@newsroom/content/snapshot';
import { getPrefetched } from './prefetched';
import { perRender } from './per-render';
import { mediaUrlOn, pollApiPath } from '@newsroom/content/routes';
import { SITE } from './config';

export { shownDate, type SiteContent } from '@newsroom/content/snapshot';
export { related } from '@newsroom/content/related';

/**
 * Loading, apart from rendering: everything the site shows is loaded once per build here, and
 * pages only map it to routes. Only published content exists on the public API (the CMS refuses
 * `status=draft` to the read-only token), and the client asks for published explicitly anyway.
 *
 * The publisher hands the build a content snapshot (SITE_SNAPSHOT) instead of letting it fetch,
 * and may restrict it to the pages a change touched (SITE_SCOPE, see scope.ts and static-paths.ts)
 * or to its share of a full build rendered by several processes (SITE_SHARD), or hands these
 * over to a build it started ahead of time (SITE_JOB_IPC, see job.ts). A plain `astro build`
 * starts fetching while the pages are bundled (src/integrations/prefetch.ts).
 */
function env(name: string): string | undefined {
  return process.env[name] || (import.meta.env?.[name] as string | undefined);
}

/**
 * Where the build reads the CMS: often an address only the build can reach (`http://cms:1337` in
 * docker-compose.yml), so it is never written into a page. Readers reach the CMS's public parts
 * (mediaUrl, pollEndpoint) through the site's own origin, SITE_URL, where the web server passes
 * them on; a host that serves the pages only (GitHub Pages) names the CMS's public address instead:
 * PUBLIC_CMS_URL.
 */
export const CMS_URL = (env('CMS_URL') || 'http://127.0.0.1:1337').replace(/\/+$/, '');
export const cms = createStrapiClient({ baseUrl: CMS_URL, token: env('SITE_API_TOKEN') });

/**
 * The snapshot a job asks for: its file, or its base (preloaded when it can be, and indexed while
 * the build waited) with its delta applied; and that base.
 */
function jobSnapshot({ job, preloaded }: Awaited<ReturnType<typeof waitForJob>>): [Snapshot, Snapshot?] {
  const base = preloaded?.file === job.snapshot ? preloaded.snapshot : read(job.snapshot);
  // A share of a full build: the base of the publishes after it (job.ts: shareOf).
  if (job.shard && !job.delta) keepShare(job.snapshot, base);
  if (!job.delta) return [base];
  return [applyDelta(base, JSON.parse(fs.readFileSync(job.delta, 'utf8')) as SnapshotDelta), base];
}

/**
 * A snapshot file; when this build renders some of the article pages (one of several: scope.ts),
 * the other articles lean: their bodies, photos, SEO and poll show on their own pages only.
 */
const read = (file: string) => readSnapshot(file, undefined, isShard() ? rendersArticle : undefined);

async function load(): Promise<SiteContent> {
  const waited = env(JOB_OVER_IPC) ? await waitForJob() : null;
  const job = waited?.job;
  useScope(job ? job.scope : env('SITE_SCOPE'));
  const shard = env('SITE_SHARD');
  useShard(job ? job.shard : shard ? parseShard(shard) : null);
  const file = job?.snapshot ?? env('SITE_SNAPSHOT');
  const prefetched = file ? undefined : getPrefetched();
  const started = prefetched?.startedAt ?? performance.now();
  const waiting = performance.now();
  const [snapshot, base] = waited
    ? jobSnapshot(waited)
    : file
      ? [read(file)]
      : [await (prefetched?.snapshot ?? fetchSnapshot(cms))];
  const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
  const source = job?.delta
    ? `snapshot ${job.snapshot}${waited?.preloaded?.file === job.snapshot ? ' (preloaded)' : ''} and ${job.delta}`
    : file
      ? `snapshot ${file}`
      : CMS_URL;
  console.info(
    `[content] loaded ${snapshot.articles.length} articles from ${source} in ${seconds(started)} s` +
      (prefetched ? ` (fetched while the pages were bundled; waited ${seconds(waiting)} s)` : '')
  );
  return toContent(snapshot, base);
}

/** All published content, loaded once per build (per render: per-render.ts) and shared by every page. */
export const loadContent: () => Promise<SiteContent> = perRender(load);

/** Where the build fetches a CMS photo to resize it (lib/images.ts). */
export const mediaSource = mediaUrlOn(CMS_URL);
const PUBLIC_CMS_URL = (env('PUBLIC_CMS_URL') || '').replace(/\/+$/, '');
/** A CMS photo's URL as readers reach it: `/uploads/…` on the site's origin (for og:image, JSON-LD, the body). */
export const mediaUrl = mediaUrlOn(PUBLIC_CMS_URL || SITE.url);
/** The poll's routes as readers reach them: on the site's origin (or PUBLIC_CMS_URL). */
export const pollEndpoint = (documentId: string) => `${PUBLIC_CMS_URL}${pollApiPath(documentId)}`;

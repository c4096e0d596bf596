/**
 * The media library on S3-compatible object storage (UPLOAD_S3_BUCKET: cms/src/utils/object-storage.ts),
 * through `@strapi/provider-upload-aws-s3` 5.52.3 (its newest release) under Strapi 5.54. The bucket
 * is s3rver, an S3 API server from npm that checks request signatures (AWS Signature V4) as S3
 * does; the CMS talks to it with the AWS SDK v3 the provider ships. The one setting readers depend
 * on, MEDIA_URL, reaches the publisher and the site's build through the site's env file.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as cheerio from 'cheerio';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningPublisher } from '@newsroom/publisher/service';
import { api, freePort, type RunningCms, uploadFile } from '../helpers/cms';
import { startCmsWithPublisher } from '../helpers/publisher';

const BUCKET = 'newsroom-media';
const ROOT_PATH = 'anh';

interface StoredFile {
  id: number;
  url: string;
  mime: string;
  /** In kB, as Strapi records it. */
  size: number;
  formats: Record<string, { url: string }> | null;
}

describe('uploads on S3-compatible object storage', () => {
  let s3dir: string;
  let s3port: number;
  let s3: S3rver;
  let endpoint: string;
  /** Where readers fetch the files (MEDIA_URL, with the root path the CMS stores them under). */
  let media: string;
  let cms: RunningCms;
  let service: RunningPublisher;
  let dir: string;
  let token: string;
  const logs: string[] = [];

  const startS3 = async () => {
    s3 = new S3rver({
      address: '127.0.0.1',
      port: s3port,
      directory: s3dir,
      silent: true,
      configureBuckets: [{ name: BUCKET, configs: [] }],
    });
    await s3.run();
  };

  /** Every key in the bucket, as an S3 client lists them (ListObjectsV2). */
  async function keys(): Promise<string[]> {
    const res = await fetch(`${endpoint}/${BUCKET}?list-type=2&max-keys=1000`);
    expect(res.status).toBe(200);
    const $ = cheerio.load(await res.text(), { xml: true });
    return $('Contents > Key')
      .map((_, el) => $(el).text())
      .get()
      .sort();
  }
  const keyOf = (url: string) => {
    expect(url.startsWith(`${media}/`), url).toBe(true);
    return url.slice(`${endpoint}/${BUCKET}/`.length);
  };
  const urlsOf = (file: StoredFile) => [file.url, ...Object.values(file.formats ?? {}).map((f) => f.url)];
  const files = async () => (await api(`${cms.url}/api/upload/files`, { token })).json as StoredFile[];

  const upload = (name: string, type: string, content: Uint8Array<ArrayBuffer> | string) =>
    uploadFile(cms, token, name, type, content);

  beforeAll(async () => {
    s3dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-s3-'));
    s3port = await freePort();
    endpoint = `http://127.0.0.1:${s3port}`;
    await startS3();
    media = `${endpoint}/${BUCKET}/${ROOT_PATH}`;
    ({ cms, service, dir } = await startCmsWithPublisher(
      {
        UPLOAD_S3_BUCKET: BUCKET,
        UPLOAD_S3_ENDPOINT: endpoint,
        UPLOAD_S3_ACCESS_KEY_ID: 'S3RVER',
        UPLOAD_S3_SECRET_ACCESS_KEY: 'S3RVER',
        UPLOAD_S3_ROOT_PATH: ROOT_PATH,
        MEDIA_URL: `${endpoint}/${BUCKET}`,
        SEED_DEMO_ARTICLES: '2',
      },
      { debounceMs: 300, searchIndex: false, reconcileMs: 3_600_000 },
      (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`)
    ));
    token = await cms.fullAccessToken();
    await vi.waitFor(() => expect(service.publisher.releases.live(), logs.slice(-8).join('\n')).not.toBeNull(), {
      timeout: 300_000,
      interval: 250,
    });
  }, 400_000);

  afterAll(async () => {
    await service?.close();
    await cms?.destroy();
    await s3?.close();
    for (const d of [dir, s3dir]) if (d) fs.rmSync(d, { recursive: true, force: true });
  });

  it("the seed's photos and their sizes are in the bucket, served from MEDIA_URL; the CMS's disk keeps none", async () => {
    const stored = await files();
    expect(stored.length).toBeGreaterThan(0);
    const inBucket = await keys();
    for (const file of stored) {
      for (const url of urlsOf(file)) {
        expect(inBucket).toContain(keyOf(url));
        const res = await fetch(url);
        expect(res.status, url).toBe(200);
        expect(res.headers.get('content-type')).toBe(file.mime);
        // As nginx answers for /uploads/: a replaced file keeps its URL.
        expect(res.headers.get('cache-control')).toBe('public, max-age=300');
        expect(
          Buffer.from(await res.arrayBuffer())
            .subarray(0, 2)
            .toString('hex')
        ).toBe('ffd8');
      }
    }
    const onDisk = fs.readdirSync(path.join(cms.env.PUBLIC_DIR, 'uploads'));
    expect(onDisk).toEqual([]);
  });

  it('the site is built from the bucket: photos optimised into the release, shared images on MEDIA_URL, no CMS address', async () => {
    const live = path.join(dir, 'current');
    const articles = (await api(`${cms.url}/api/articles?populate[cover][populate]=image`, { token })).json.data as {
      slug: string;
      cover: { image: { url: string } } | null;
    }[];
    const withCover = articles.find((a) => a.cover);
    expect(withCover).toBeDefined();
    const html = fs.readFileSync(path.join(live, 'bai-viet', withCover!.slug, 'index.html'), 'utf8');
    const $ = cheerio.load(html);
    // A link preview (og:image) names the file where readers reach it.
    expect($('meta[property="og:image"]').attr('content')).toBe(withCover!.cover!.image.url);
    // The page's own images were fetched from the bucket at build time and encoded into the release.
    const sources = $('main img')
      .map((_, el) => $(el).attr('src'))
      .get();
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) {
      expect(src, src).toMatch(/^\/_astro\/[^/]+\.(jpg|webp)$/);
      expect(fs.existsSync(path.join(live, src))).toBe(true);
    }
    expect(html).not.toContain(cms.url);
  });

  it("an editor's upload lands in the bucket; a refused file never does; a deleted one leaves with its sizes", async () => {
    const before = await keys();
    const refused = await upload(
      'anh.jpg',
      'image/jpeg',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    );
    expect(refused.status).toBe(400);
    expect(await keys()).toEqual(before);

    const [seeded] = await files();
    const jpeg = new Uint8Array(await (await fetch(seeded.url)).arrayBuffer());
    const created = await upload('anh-moi-cua-phong-vien.jpg', 'image/jpeg', jpeg);
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const [file] = created.json as StoredFile[];
    const added = urlsOf(file).map(keyOf);
    expect(added.length).toBeGreaterThan(1); // the original and its sizes
    expect(await keys()).toEqual([...before, ...added].sort());
    // What the media library recorded is what readers get (Strapi re-encodes an upload before storing it).
    const served = Buffer.from(await (await fetch(file.url)).arrayBuffer());
    expect(served.subarray(0, 2).toString('hex')).toBe('ffd8');
    expect(served.length / 1000).toBeCloseTo(file.size, 1);

    const removed = await api(`${cms.url}/api/upload/files/${file.id}`, { method: 'DELETE', token });
    expect(removed.status, removed.text).toBe(200);
    expect(await keys()).toEqual(before);
  });

  it("the admin may show the bucket's files: its origin is in the CMS's Content-Security-Policy", async () => {
    const csp = (await fetch(`${cms.url}/_health`)).headers.get('content-security-policy') ?? '';
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .find(([n]) => n === name)
        ?.slice(1);
    expect(directive('img-src')).toContain(endpoint);
    expect(directive('media-src')).toContain(endpoint);
  });

  it('while the bucket cannot be reached, an upload fails with the reason and nothing is recorded', async () => {
    const before = await files();
    const [seeded] = before;
    const jpeg = new Uint8Array(await (await fetch(seeded.url)).arrayBuffer());
    await s3.close();
    try {
      const res = await upload('anh-khi-mat-ket-noi.jpg', 'image/jpeg', jpeg);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(JSON.stringify(res.json)).toMatch(/lưu trữ|storage/i);
    } finally {
      await startS3();
    }
    expect((await files()).map((f) => f.id)).toEqual(before.map((f) => f.id));
  });
});

/** docker-compose.yml is checked by parsing: no Docker engine runs on development or CI machines. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CMS_MAX_HEAP_MB } from '@newsroom/publisher/bin';
import { ROOT } from './helpers/cms';

interface Service {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string | number>;
  env_file?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  deploy?: { replicas?: string | number };
}

const text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(text) as { services: Record<string, Service>; volumes: Record<string, unknown> };

function collectStrings(value: unknown, key = '', out: [string, string][] = []): [string, string][] {
  if (typeof value === 'string' || typeof value === 'number') out.push([key, String(value)]);
  else if (Array.isArray(value)) value.forEach((v) => collectStrings(v, key, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collectStrings(v, k, out);
  return out;
}

const mountOf = (service: Service, volume: string) => service.volumes?.find((v) => v.startsWith(`${volume}:`));

describe('docker-compose.yml', () => {
  it('runs PostgreSQL on a named volume, with a healthcheck', () => {
    const { postgres } = compose.services;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(postgres.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(compose.volumes).toHaveProperty('pgdata');
  });

  it('builds the CMS from cms/, configured from an env file, once PostgreSQL is healthy', () => {
    const { cms } = compose.services;
    expect(cms.build?.dockerfile).toBe('cms/Dockerfile');
    expect(fs.existsSync(path.join(ROOT, cms.build!.context, cms.build!.dockerfile))).toBe(true);
    expect(cms.env_file).toContain('cms/.env');
    expect(cms.depends_on?.postgres.condition).toBe('service_healthy');
    expect(cms.environment?.DATABASE_CLIENT).toBe('postgres');
    // Each process's heap limited as npm start and the benches limit it.
    expect(cms.environment?.NODE_OPTIONS).toBe(`--max-old-space-size=\${CMS_MAX_HEAP_MB:-${CMS_MAX_HEAP_MB}}`);
    expect(cms.volumes?.some((v) => v.startsWith('uploads:') && v.endsWith('/public/uploads'))).toBe(true);
    expect(cms.healthcheck?.test.join(' ')).toContain('/_health');
    expect(compose.volumes).toHaveProperty('uploads');
  });

  it('the publisher builds into the volume nginx serves, and the CMS sends it every change', () => {
    const { publisher, web, cms } = compose.services;
    expect(mountOf(publisher, 'site')).toBe(`site:${publisher.environment?.PUBLISH_DIR}`);
    expect(mountOf(web, 'site')).toMatch(/^site:\/srv\/site:ro$/);
    expect(compose.volumes).toHaveProperty('site');
    expect(publisher.environment?.PUBLISH_SERVE_SITE).toBe('false');
    expect(publisher.depends_on?.cms.condition).toBe('service_healthy');
    expect(cms.environment?.PUBLISH_WEBHOOK_URL).toBe(
      `http://publisher:${publisher.environment?.PUBLISH_PORT}/hooks/strapi`
    );
    expect(fs.existsSync(path.join(ROOT, publisher.build!.context, publisher.build!.dockerfile))).toBe(true);
    // The builder token reaches the publisher through the shared env volume, read-only.
    expect(mountOf(publisher, 'shared-env')).toBe('shared-env:/run/newsroom:ro');
    expect(publisher.environment?.SITE_ENV_FILE).toBe(cms.environment?.SITE_ENV_FILE);
  });

  it('nginx serves the live release with long caching for hashed assets and short for HTML', () => {
    const { web } = compose.services;
    const confMount = web.volumes!.find((v) => v.includes('nginx.conf'))!;
    const conf = fs.readFileSync(path.join(ROOT, confMount.split(':')[0]), 'utf8');
    expect(conf).toMatch(/root \/srv\/site\/current;/);
    // Cache-Control by path, set once at server level (tests/site/browser.test.ts checks the headers nginx sends).
    expect(conf).toMatch(/~\^\/_astro\/ "public, max-age=31536000, immutable";/);
    expect(conf).toMatch(/default "public, max-age=60";/);
    expect(conf).toMatch(/add_header Cache-Control \$newsroom_cache_control always;/);
    expect(conf).not.toMatch(/open_file_cache\s+max/); // the symlink is followed on every request
    expect(web.healthcheck?.test.join(' ')).toContain('/healthz');
  });

  it('the preview service reads the live release and the preview token; nothing else can read that token', () => {
    const { cms, preview, publisher, web } = compose.services;
    expect(fs.existsSync(path.join(ROOT, preview.build!.context, preview.build!.dockerfile))).toBe(true);
    expect(mountOf(preview, 'site')).toBe(`site:${preview.environment?.PUBLISH_DIR}:ro`);
    const tokenDir = path.dirname(String(preview.environment?.PREVIEW_ENV_FILE));
    expect(mountOf(preview, 'preview-env')).toBe(`preview-env:${tokenDir}:ro`);
    expect(mountOf(cms, 'preview-env')).toBe(`preview-env:${tokenDir}`);
    expect(cms.environment?.PREVIEW_ENV_FILE).toBe(preview.environment?.PREVIEW_ENV_FILE);
    for (const other of [publisher, web]) expect(mountOf(other, 'preview-env')).toBeUndefined();
    // Never where the static build reads its token.
    expect(path.dirname(String(cms.environment?.SITE_ENV_FILE))).not.toBe(tokenDir);
    expect(preview.environment?.PREVIEW_SECRET).toBe(cms.environment?.PREVIEW_SECRET);
  });

  it('runs several CMS processes sharing Redis, behind nginx, which readers reach as the one public origin', () => {
    const { cms, redis, web, publisher } = compose.services;
    expect(redis.image).toMatch(/^redis:\d+/);
    expect(cms.depends_on?.redis.condition).toBe('service_healthy');
    expect(cms.environment?.REDIS_URL).toBe('redis://redis:6379/0');
    expect(String(cms.deploy?.replicas)).toMatch(/^\$\{CMS_REPLICAS:-2\}$/);
    // nginx passes the poll routes and uploads to every replica of `cms` (it resolves them on load).
    const conf = fs.readFileSync(path.join(ROOT, 'scripts', 'deploy', 'nginx.conf'), 'utf8');
    expect(conf).toMatch(/upstream newsroom_cms \{\s*server cms:1337\b/);
    const passes = (location: string) => {
      const block = conf.slice(conf.indexOf(location), conf.indexOf('location', conf.indexOf(location) + 1));
      return block.includes('proxy_pass http://newsroom_cms$uri');
    };
    expect(passes('location ~ ^/api/polls/')).toBe(true);
    expect(passes('location ~ ^/uploads/')).toBe(true);
    expect(web.depends_on?.cms.condition).toBe('service_healthy');
    // The build reads the CMS at an internal address; the pages name SITE_URL only (tests/site/build.test.ts).
    expect(publisher.environment?.CMS_URL).toBe('http://cms:1337');
    expect(cms.environment?.SITE_ORIGINS).toBe(publisher.environment?.SITE_URL);
  });

  it('every service restarts on failure and has a healthcheck', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.healthcheck, name).toBeDefined();
    }
  });

  it('writes no secret: every secret-like setting comes from the environment', () => {
    for (const [key, value] of collectStrings(compose.services)) {
      if (/PASSWORD|SECRET|SALT|TOKEN|APP_KEYS|ENCRYPTION_KEY/i.test(key) && !/_FILE$/.test(key)) {
        expect(value, key).toMatch(/^\$\{[A-Z_]+(:[?-][^}]*)?\}$/);
      }
    }
    // Nothing that looks like a generated key (long base64/hex runs) anywhere in the file.
    expect(text).not.toMatch(/[A-Za-z0-9+/=]{32,}/);
  });
});

import path from 'path';
import type { Core } from '@strapi/strapi';
import { readEnvFile, upsertEnvFile } from '../utils/env-file';
import { objectStorage } from '../utils/object-storage';
import { PUBLIC_ACTIONS } from './permissions';

export const SITE_TOKEN_NAME = 'site-builder';

/**
 * What the site build and the publisher read, and nothing else: the published content and the
 * publishing state. Not Strapi's "read-only" type, which reads every find route there is, the
 * media library's file list and the users' list included (every file uploaded for an unpublished
 * story, with its name and alt text; every account's email).
 */
export const SITE_TOKEN_PERMISSIONS = [
  ...PUBLIC_ACTIONS,
  'api::publishing.publishing.find',
  'api::redirect.redirect.find',
];

interface TokenService {
  hash(accessKey: string): string;
  getByName(name: string): Promise<{ id: number; accessKey: string } | null>;
  create(attrs: Record<string, unknown>): Promise<{ accessKey: string }>;
  update(id: number, attrs: Record<string, unknown>): Promise<unknown>;
  regenerate(id: number): Promise<{ accessKey: string }>;
}

/** Where the site build reads SITE_API_TOKEN from; SITE_ENV_FILE overrides (tests use their own). */
export function siteEnvFile(strapi: Core.Strapi) {
  return process.env.SITE_ENV_FILE || path.resolve(strapi.dirs.app.root, '..', 'site', '.env');
}

interface TokenSpec {
  name: string;
  description: string;
  permissions: string[];
  /** The (git-ignored) env file the token is written to, as `key`. */
  file: string;
  key: string;
  /** Other values the holder needs, written with the token. */
  extra?: Record<string, string>;
}

/**
 * Makes sure a service has its API token in its env file. The token is created on first start;
 * it is regenerated only when the file lost it or holds a stale one; its permissions are put back
 * at every start. Only a short prefix is ever logged.
 */
async function ensureApiToken(strapi: Core.Strapi, spec: TokenSpec) {
  const tokens = strapi.service('admin::api-token-content-api') as unknown as TokenService;
  const existing = await tokens.getByName(spec.name);
  const inFile = readEnvFile(spec.file)[spec.key];
  // The service never returns the stored hash, so read it from the table.
  const stored = existing
    ? ((await strapi.db.query('admin::api-token').findOne({ where: { id: existing.id }, select: ['accessKey'] })) as {
        accessKey: string;
      } | null)
    : null;
  const attributes = { description: spec.description, type: 'custom', permissions: spec.permissions };
  if (existing) await tokens.update(existing.id, attributes);
  if (stored && inFile && tokens.hash(inFile) === stored.accessKey) {
    if (spec.extra && Object.entries(spec.extra).some(([k, v]) => readEnvFile(spec.file)[k] !== v))
      upsertEnvFile(spec.file, spec.extra);
    return;
  }

  const { accessKey } = existing
    ? await tokens.regenerate(existing.id)
    : await tokens.create({ name: spec.name, ...attributes, lifespan: null });
  upsertEnvFile(spec.file, { [spec.key]: accessKey, ...spec.extra });
  strapi.log.info(`API token "${spec.name}" ${accessKey.slice(0, 6)}… written to ${spec.file}`);
}

const cmsUrl = (strapi: Core.Strapi) =>
  (
    strapi.config.get<string>('server.url') ||
    `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}`
  ).replace('0.0.0.0', '127.0.0.1');

/**
 * Where readers fetch the media library's files when they are on object storage
 * (utils/object-storage.ts); empty when they are on the CMS. The site's build allows it as an image
 * source and the preview as an image origin.
 */
const mediaUrl = () => ({ MEDIA_URL: objectStorage()?.mediaUrl ?? '' });

/** The site builder's token (SITE_TOKEN_PERMISSIONS), in site/.env with the CMS's URL. */
export function ensureSiteToken(strapi: Core.Strapi) {
  return ensureApiToken(strapi, {
    name: SITE_TOKEN_NAME,
    description: 'The static site build and the publisher: published content and the publishing state, nothing else.',
    permissions: SITE_TOKEN_PERMISSIONS,
    file: siteEnvFile(strapi),
    key: 'SITE_API_TOKEN',
    extra: { CMS_URL: cmsUrl(strapi), ...mediaUrl() },
  });
}

export const PREVIEW_TOKEN_NAME = 'preview';

/** Where the preview service reads PREVIEW_API_TOKEN from; PREVIEW_ENV_FILE overrides. Never site/.env: the static build reads that. */
export function previewEnvFile(strapi: Core.Strapi) {
  return process.env.PREVIEW_ENV_FILE || path.resolve(strapi.dirs.app.root, '..', 'site', '.preview.env');
}

/**
 * The preview service's token: the one that reads drafts (api/preview), and nothing else. Exists
 * only while the preview is configured (PREVIEW_URL); removed when it is not.
 */
export async function ensurePreviewToken(strapi: Core.Strapi) {
  if (!process.env.PREVIEW_URL) {
    const tokens = strapi.service('admin::api-token-content-api') as unknown as TokenService & {
      revoke(id: number): Promise<unknown>;
    };
    const existing = await tokens.getByName(PREVIEW_TOKEN_NAME);
    if (existing) await tokens.revoke(existing.id);
    return;
  }
  await ensureApiToken(strapi, {
    name: PREVIEW_TOKEN_NAME,
    description: 'The preview service: one draft article at a time, for an editor holding a signed preview link.',
    permissions: ['api::preview.preview.findOne'],
    file: previewEnvFile(strapi),
    key: 'PREVIEW_API_TOKEN',
    extra: { CMS_URL: cmsUrl(strapi), ...mediaUrl() },
  });
}

import path from 'path';
import type { Core } from '@strapi/strapi';
import { readEnvFile, upsertEnvFile } from '../utils/env-file';
import { PUBLIC_ACTIONS } from './permissions';

export const SITE_TOKEN_NAME = 'site-builder';

/**
 * What the site build and the publisher read, and nothing else: the published content and the
 * publishing state. Not Strapi's "read-only" type, which reads every find route there is, the
 * media library's file list and the users' list included (every file uploaded for an unpublished
 * story, with its name and alt text; every account's email).
 */
export const SITE_TOKEN_PERMISSIONS = [...PUBLIC_ACTIONS, 'api::publishing.publishing.find'];

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

/**
 * Makes sure the site builder has its API token (SITE_TOKEN_PERMISSIONS) in its (git-ignored) env
 * file. The token is created on first start; it is regenerated only when the file lost it or holds
 * a stale one; its permissions are put back at every start. Only a short prefix is ever logged.
 */
export async function ensureSiteToken(strapi: Core.Strapi) {
  const tokens = strapi.service('admin::api-token-content-api') as unknown as TokenService;
  const file = siteEnvFile(strapi);
  const existing = await tokens.getByName(SITE_TOKEN_NAME);
  const inFile = readEnvFile(file).SITE_API_TOKEN;
  // The service never returns the stored hash, so read it from the table.
  const stored = existing
    ? ((await strapi.db.query('admin::api-token').findOne({ where: { id: existing.id }, select: ['accessKey'] })) as {
        accessKey: string;
      } | null)
    : null;
  const attributes = {
    description: 'The static site build and the publisher: published content and the publishing state, nothing else.',
    type: 'custom',
    permissions: SITE_TOKEN_PERMISSIONS,
  };
  if (existing) await tokens.update(existing.id, attributes);
  if (stored && inFile && tokens.hash(inFile) === stored.accessKey) return;

  const { accessKey } = existing
    ? await tokens.regenerate(existing.id)
    : await tokens.create({ name: SITE_TOKEN_NAME, ...attributes, lifespan: null });
  const publicUrl =
    strapi.config.get<string>('server.url') ||
    `http://${strapi.config.get('server.host')}:${strapi.config.get('server.port')}`;
  upsertEnvFile(file, { SITE_API_TOKEN: accessKey, CMS_URL: publicUrl.replace('0.0.0.0', '127.0.0.1') });
  strapi.log.info(`Site builder token ${accessKey.slice(0, 6)}… written to ${file}`);
}

import type { Core } from '@strapi/strapi';
import { signPreviewPath, type PreviewStatus } from '../src/contracts/preview';

/**
 * The admin's Preview button (Strapi's preview, Community Edition): it opens the preview service
 * (PREVIEW_URL, site/src/preview) in a frame with a signed link, good for 15 minutes. The link is
 * signed with the per-install PREVIEW_SECRET; no other credential reaches the browser.
 */
function preview(env: Core.Config.Shared.ConfigParams['env']) {
  const url = env('PREVIEW_URL', '');
  const secret = env('PREVIEW_SECRET', '');
  if (!url) return { enabled: false, config: { allowedOrigins: [], handler: async () => null } };
  if (secret.length < 32) {
    throw new Error(
      'PREVIEW_URL is set but PREVIEW_SECRET is missing or shorter than 32 characters: run `npm run setup`.'
    );
  }
  const base = new URL(url);
  return {
    enabled: true,
    config: {
      allowedOrigins: [base.origin],
      async handler(uid: string, { documentId, status }: { documentId?: string; status?: string | null }) {
        if (!documentId) return null;
        const path = signPreviewPath(
          { uid, documentId, status: (status === 'published' ? 'published' : 'draft') as PreviewStatus },
          secret
        );
        return path && new URL(path, base).toString();
      },
    },
  };
}

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Admin => ({
  auth: {
    secret: env('ADMIN_JWT_SECRET')!,
  },
  apiToken: {
    salt: env('API_TOKEN_SALT')!,
  },
  transfer: {
    token: {
      salt: env('TRANSFER_TOKEN_SALT')!,
    },
  },
  secrets: {
    encryptionKey: env('ENCRYPTION_KEY')!,
  },
  // Tests and headless workers boot without the admin bundle (it takes ~2 GB and ~50 s to build).
  serveAdminPanel: env.bool('SERVE_ADMIN', true),
  preview: preview(env),
  flags: {
    // No survey pop-ups or Enterprise promotion in an editor's workspace.
    nps: env.bool('FLAG_NPS', false),
    promoteEE: env.bool('FLAG_PROMOTE_EE', false),
  },
});

export default config;

import type { Core } from '@strapi/strapi';
import { objectStorage } from '../src/utils/object-storage';

/** Photos only: newsrooms publish raster images; SVG and HTML can carry scripts. */
export const ALLOWED_UPLOAD_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/avif', 'image/gif'];

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => {
  const storage = objectStorage();
  return {
    'users-permissions': {
      config: {
        jwtManagement: 'refresh',
        sessions: { httpOnly: true },
        jwtSecret: env('JWT_SECRET'),
      },
    },
    upload: {
      config: {
        sizeLimit: env.int('UPLOAD_SIZE_LIMIT', 20 * 1024 * 1024),
        // On object storage when it is set up (src/utils/object-storage.ts), else in public/uploads.
        // There, uploaded file names carry a content hash, so they can be cached for a year. This is
        // what lets the site build reuse its encoded images: Strapi's default (max-age=0, and no 304s)
        // made Astro re-encode every photo on every build.
        ...(storage
          ? { provider: 'aws-s3', providerOptions: storage.providerOptions, actionOptions: storage.actionOptions }
          : { providerOptions: { localServer: { maxage: 365 * 24 * 3600 * 1000, immutable: true } } }),
        // https://docs.strapi.io/cms/features/media-library#security
        security: {
          allowedTypes: ALLOWED_UPLOAD_TYPES,
          deniedTypes: ['image/svg+xml', 'text/html', 'application/xhtml+xml'],
        },
      },
    },
  };
};

export default config;

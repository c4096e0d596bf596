import type { Core } from '@strapi/strapi';
import { CSP_DEFAULTS } from '@strapi/utils';
import { mediaOrigin, objectStorage } from '../src/utils/object-storage';
import { siteOrigins } from '../src/utils/site-origins';

/** Routes a reader's browser calls from the site: the poll vote and results routes. */
const SITE_FACING = /^\/api\/polls\/[^/]+\/(votes|results)\/?$/;

// https://docs.strapi.io/cms/configurations/middlewares
const config = (): Core.Config.Middlewares => {
  const origins = siteOrigins();
  const media = mediaOrigin(objectStorage());
  return [
    'strapi::logger',
    // Outside the error handler, so it sees the answers it writes: src/middlewares/admin-messages.ts.
    'global::admin-messages',
    'strapi::errors',
    // A NUL in the path is a 400 on every route, never a database error: src/middlewares/path-guard.ts.
    'global::path-guard',
    // Poll votes are answered here, before the middlewares below (a burst of votes costs a fraction
    // of the CPU); the vote route sets the same security and CORS headers: src/middlewares/poll-votes.ts.
    'global::poll-votes',
    media
      ? {
          // The admin shows the media library's files from object storage: Strapi's own lists and
          // that origin.
          // https://docs.strapi.io/cms/configurations/media-library-providers/amazon-s3
          name: 'strapi::security',
          config: {
            contentSecurityPolicy: {
              useDefaults: true,
              directives: {
                ...CSP_DEFAULTS,
                'img-src': [...CSP_DEFAULTS['img-src'], media],
                'media-src': [...CSP_DEFAULTS['media-src'], media],
                upgradeInsecureRequests: null,
              },
            },
          },
        }
      : 'strapi::security',
    {
      // Stock Strapi answers every origin, with credentials. Only the site's own origin(s) may call
      // the CMS from a browser, and only the poll routes (the vote cookie needs credentials).
      name: 'strapi::cors',
      config: {
        origin: (ctx: { path: string }) => (SITE_FACING.test(ctx.path) ? origins : []),
        credentials: true,
        methods: ['GET', 'POST', 'OPTIONS'],
        headers: ['Content-Type', 'Accept'],
        maxAge: 86400,
      },
    },
    'strapi::poweredBy',
    'strapi::query',
    'strapi::body',
    // A refused upload leaves no file behind: src/middlewares/upload-cleanup.ts.
    'global::upload-cleanup',
    'strapi::session',
    'strapi::favicon',
    'strapi::public',
  ];
};

export default config;

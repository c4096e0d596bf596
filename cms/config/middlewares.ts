import type { Core } from '@strapi/strapi';

/** Routes a reader's browser calls from the site: the poll vote and results routes. */
const SITE_FACING = /^\/api\/polls\/[^/]+\/(votes|results)\/?$/;

// https://docs.strapi.io/cms/configurations/middlewares
const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  {
    // Stock Strapi answers every origin, with credentials. Only the site's own origin(s) may call
    // the CMS from a browser, and only the poll routes (the vote cookie needs credentials).
    name: 'strapi::cors',
    config: {
      origin: (ctx: { path: string }) =>
        SITE_FACING.test(ctx.path) ? env.array('SITE_ORIGINS', ['http://127.0.0.1:4321', 'http://localhost:4321']) : [],
      credentials: true,
      methods: ['GET', 'POST', 'OPTIONS'],
      headers: ['Content-Type', 'Accept'],
      maxAge: 86400,
    },
  },
  'strapi::poweredBy',
  'strapi::query',
  'strapi::body',
  // After the body parser, which stores uploaded files: refuse anything but raster photos.
  'global::raster-uploads',
  'strapi::session',
  'strapi::favicon',
  'strapi::public',
];

export default config;

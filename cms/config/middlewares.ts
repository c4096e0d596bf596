import type { Core } from '@strapi/strapi';

// https://docs.strapi.io/cms/configurations/middlewares
const config: Core.Config.Middlewares = [
  'strapi::logger',
  'strapi::errors',
  'strapi::security',
  'strapi::cors',
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

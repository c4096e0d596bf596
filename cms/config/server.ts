import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Server => ({
  // Loopback by default: a newsroom exposes the CMS through a reverse proxy, never directly.
  host: env('HOST', '127.0.0.1'),
  port: env.int('PORT', 1337),
  // Public URL of the CMS, used in absolute media URLs and the admin; empty means relative.
  url: env('PUBLIC_URL', ''),
  // Uploads live in public/uploads by default; tests and containers point this elsewhere.
  dirs: { public: env('PUBLIC_DIR', './public') },
  app: {
    keys: env.array('APP_KEYS')!,
  },
  logger: {
    // Strapi otherwise asks the npm registry for a newer version at every start.
    // https://docs.strapi.io/cms/configurations/server#available-options
    updates: { enabled: false },
  },
  http: {
    // Longer than any proxy's or client's idle timeout, so an idle keep-alive connection is never
    // closed by Strapi just as a request is sent on it (clients then see "other side closed").
    serverOptions: { keepAliveTimeout: env.int('HTTP_KEEP_ALIVE_TIMEOUT', 65_000) },
  },
  webhooks: {
    populateRelations: env.bool('WEBHOOKS_POPULATE_RELATIONS', false),
  },
});

export default config;

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

/**
 * Drafts never reach the public. Stock Strapi 5 answers `GET /api/articles?status=draft` with
 * drafts for any caller allowed to `find`, including the public role. Only a full-access API token
 * (a trusted preview or import tool) may ask for anything but published content.
 */
export default (_config: unknown, _ctx: { strapi: Core.Strapi }) => {
  return async (ctx: { query: Record<string, unknown>; state: { auth?: unknown } }, next: () => Promise<unknown>) => {
    const status = ctx.query.status;
    if (status !== undefined && status !== 'published') {
      const auth = ctx.state.auth as { strategy?: { name?: string }; credentials?: { type?: string } } | undefined;
      const fullAccess = auth?.strategy?.name === 'api-token' && auth.credentials?.type === 'full-access';
      if (!fullAccess) {
        throw new errors.ForbiddenError(
          `status=${String(status)} is not available through the public API: only published content is served.`
        );
      }
    }
    await next();
  };
};

import { errors } from '@strapi/utils';

interface PolicyContext {
  request: { query: Record<string, unknown> };
  state: { auth?: { strategy?: { name?: string }; credentials?: { type?: string } | null } };
}

/** Strategy names Strapi has used for API tokens (`content-api-token` since 5.x admin tokens). */
const TOKEN_STRATEGIES = new Set(['api-token', 'content-api-token']);

/**
 * Drafts never reach the public. Stock Strapi 5 serves `?status=draft` to any caller allowed to
 * `find`, including the public role and read-only tokens. Only a full-access API token (a trusted
 * preview or import tool) may ask for anything but published content.
 *
 * A policy rather than a middleware: Strapi hides the message of any other 403 raised after
 * authorisation, and a PolicyError keeps its explanation for the caller.
 */
export default (ctx: PolicyContext) => {
  const status = ctx.request.query.status;
  if (status === undefined || status === 'published') return true;
  const { strategy, credentials } = ctx.state.auth ?? {};
  if (TOKEN_STRATEGIES.has(strategy?.name ?? '') && credentials?.type === 'full-access') return true;
  throw new errors.PolicyError(
    `status=${String(status)} is not available through the public API: only published content is served.`,
    { policy: 'published-only' }
  );
};

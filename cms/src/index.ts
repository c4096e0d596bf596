import type { Core } from '@strapi/strapi';
import { CUSTOM_FIELDS } from './contracts/custom-fields';
import { registerPublishPath } from './documents/publish-path';
import { registerSlugs, useNewsroomSlugsInAdmin } from './documents/slugs';
import { registerPublicationRules } from './documents/publication';
import { registerPollVoteGuard } from './documents/poll-counts-guard';
import { registerScheduleRules } from './documents/schedule';
import { registerDeskRules } from './documents/desk';
import { registerRedirectRules } from './documents/redirects';
import { registerEmbargo } from './middlewares/embargo';
import { ensureDemoDesk, ensureDeskRoles, registerDeskConditions } from './bootstrap/desk-roles';
import { startScheduledPublishing, type ScheduledPublishing } from './scheduling/runner';
import { applyPublicPermissions } from './bootstrap/permissions';
import { ensureFirstAdmin } from './bootstrap/admin-user';
import { ensurePreviewToken, ensureSiteToken } from './bootstrap/site-token';
import { applyAdminScreens, hideReaderAccounts } from './bootstrap/admin-layout';
import { ensureIndexes } from './bootstrap/indexes';
import { ensurePublishWebhook } from './bootstrap/publish-webhook';
import { registerCiDispatch } from './bootstrap/ci-dispatch';
import { seed } from './seed';
import { registerDocumentStatusRoute } from './api/publishing/lib/document-status';
import { closeSharedState } from './shared/redis';
import { endStartupTurn, takeStartupTurn } from './bootstrap/startup-lock';

let scheduled: ScheduledPublishing | undefined;

export default {
  async register({ strapi }: { strapi: Core.Strapi }) {
    // First: Strapi creates and updates its tables after `register`, one process at a time.
    await takeStartupTurn(strapi);
    // A datetime entered and shown in Vietnam's time (the admin's input: src/admin/app.tsx).
    for (const [name, type] of Object.entries(CUSTOM_FIELDS)) strapi.customFields.register({ name, type });
    hideReaderAccounts(strapi);
    // First: the others see a publish on every path as a `publish`.
    registerPublishPath(strapi);
    registerSlugs(strapi);
    registerScheduleRules(strapi);
    registerDeskRules(strapi);
    registerRedirectRules(strapi);
    registerPublicationRules(strapi);
    registerPollVoteGuard(strapi);
    registerEmbargo(strapi);
    registerDocumentStatusRoute(strapi);
  },

  /** Runs on every start; each step is idempotent. */
  async bootstrap({ strapi }: { strapi: Core.Strapi }) {
    // First: until they are registered, Strapi would count the desk roles' conditions as met.
    await registerDeskConditions(strapi);
    useNewsroomSlugsInAdmin(strapi);
    await prepare(strapi);
    await endStartupTurn();
    registerCiDispatch(strapi);
    // Not awaited: a CMS serves while Redis is still away; until then a poll's settings last 5 s.
    void strapi.service('api::poll.voting').listenForChanges();
    // Last: a scheduled story published while catching up reaches the publisher as an event.
    scheduled = startScheduledPublishing(strapi);
  },

  async destroy() {
    await scheduled?.stop();
    await closeSharedState();
    await endStartupTurn();
  },
};

/** What a starting CMS process puts in order (each step is idempotent), in its start-up turn. */
async function prepare(strapi: Core.Strapi) {
  await ensureIndexes(strapi);
  await applyPublicPermissions(strapi);
  await applyAdminScreens(strapi);
  await ensureFirstAdmin(strapi);
  if (process.env.SITE_TOKEN !== 'off') await ensureSiteToken(strapi);
  await ensurePreviewToken(strapi);

  const deskRoles = await ensureDeskRoles(strapi);

  const demoArticles = Number(process.env.SEED_DEMO_ARTICLES ?? 30);
  if (demoArticles >= 0 && process.env.SEED_DEMO !== 'false') {
    const empty = (await strapi.db.query('api::article.article').count()) === 0;
    if (empty) {
      strapi.log.info('Empty database: seeding the Vietnamese demo newsroom…');
      // The generated stories in bulk: the rows the Document Service would store (seed/bulk.ts,
      // compared table by table in tests/cms/seed.test.ts), without its per-document cost.
      const { created } = await seed(strapi, { articles: demoArticles, bulk: true });
      strapi.log.info(`Demo content seeded: ${JSON.stringify(created)}`);
    }
    await ensureDemoDesk(strapi, deskRoles);
  }
  // After seeding, so the demo content does not reach the publisher as thousands of events.
  await ensurePublishWebhook(strapi);
}

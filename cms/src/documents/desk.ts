import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';

const ARTICLE = 'api::article.article';

/** A CASL ability as Strapi's admin builds it for one admin user. */
type Ability = unknown;

interface PermissionChecker {
  can: { publish(entity?: unknown): boolean };
  sanitizedQuery: { publish(query: Record<string, unknown>): Promise<Record<string, unknown>> };
}

/**
 * Whether `ability` may publish (which includes unpublishing) the article as it stands in the
 * database now: its draft, or its live version for an unpublish. Checked on the stored document,
 * with what the role's conditions read (the category a section editor is assigned to, the
 * co-authors…) populated as the content manager does.
 */
export async function mayPublish(
  strapi: Core.Strapi,
  ability: Ability,
  documentId: string,
  status: 'draft' | 'published'
): Promise<boolean> {
  const checker = strapi
    .plugin('content-manager')
    .service('permission-checker')
    .create({ userAbility: ability, model: ARTICLE }) as PermissionChecker;
  const query = await checker.sanitizedQuery.publish({});
  const populateBuilder = strapi.plugin('content-manager').service('populate-builder') as unknown as (uid: string) => {
    populateFromQuery(query: unknown): { build(): Promise<never> };
  };
  const populate = await populateBuilder(ARTICLE).populateFromQuery(query).build();
  const document = await strapi.documents(ARTICLE).findOne({ documentId, status, populate });
  return Boolean(document) && checker.can.publish(document);
}

/** The ability of the admin user `id` as it is now (none if the account is gone or blocked). */
export async function abilityOf(strapi: Core.Strapi, id: number): Promise<Ability | null> {
  const user = await strapi.db.query('admin::user').findOne({ where: { id }, populate: ['roles'] });
  if (!user || !user.isActive || user.blocked) return null;
  return strapi.service('admin::permission').engine.generateUserAbility(user);
}

/** The admin user behind the current request, if it came through the admin (not a token, not the scheduler). */
export function currentAdmin(strapi: Core.Strapi): { id: number; ability: Ability } | null {
  const state = strapi.requestContext.get()?.state as
    { auth?: { strategy?: { name?: string } }; user?: { id: number }; userAbility?: Ability } | undefined;
  if (state?.auth?.strategy?.name !== 'admin' || !state.user || !state.userAbility) return null;
  return { id: state.user.id, ability: state.userAbility };
}

/**
 * The desk's rules on every path that publishes an article:
 * - an admin's publish or unpublish is allowed on the document as it is when it goes live, after
 *   the edits sent with the same click: Strapi's own check looks at it before those edits, so a
 *   section editor could otherwise move a story into another section and publish it there in one
 *   request (scheduled publishing checks the scheduler's rights the same way, scheduling/runner.ts);
 * - publishing ends the review: "Gửi duyệt" (submittedForReview) is cleared.
 */
export function registerDeskRules(strapi: Core.Strapi) {
  strapi.documents.use(async (context, next) => {
    // Every path that publishes is a `publish` here (publish-path.ts).
    if (context.uid !== ARTICLE || (context.action !== 'publish' && context.action !== 'unpublish')) return next();
    const { documentId } = context.params as { documentId?: string };
    if (!documentId) return next();
    const admin = currentAdmin(strapi);
    if (admin) {
      const status = context.action === 'publish' ? 'draft' : 'published';
      if (!(await mayPublish(strapi, admin.ability, documentId, status))) {
        throw new errors.ForbiddenError(
          context.action === 'publish'
            ? 'Bạn không có quyền xuất bản bài này (bài thuộc chuyên mục bạn không phụ trách).'
            : 'Bạn không có quyền gỡ bài này (bài thuộc chuyên mục bạn không phụ trách).'
        );
      }
    }
    if (context.action === 'publish') await clearReview(documentId);
    return next();
  });

  /** Both versions: the draft goes on being edited, and the published copy must not say "waiting". */
  const clearReview = (documentId: string) =>
    strapi.db
      .query(ARTICLE)
      .updateMany({ where: { documentId, submittedForReview: true }, data: { submittedForReview: false } });
}

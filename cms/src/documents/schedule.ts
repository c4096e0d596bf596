import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { currentAdmin } from './desk';

const ARTICLE = 'api::article.article';

type Data = Record<string, unknown>;
interface ScheduleRow {
  id: number;
  publishAt: string | Date | null;
  unpublishAt: string | Date | null;
}

/** A datetime as the admin or the API sends it (ISO string, Date, or null to clear); undefined: not given. */
function instant(value: unknown, field: string): Date | null | undefined {
  if (value === undefined) return undefined;
  if (value === null || value === '') return null;
  const date = value instanceof Date ? value : new Date(String(value));
  if (Number.isNaN(date.getTime())) {
    throw new errors.ValidationError(`"${field}" không phải là một thời điểm hợp lệ: ${JSON.stringify(value)}.`);
  }
  return date;
}

const same = (a: Date | null | undefined, b: string | Date | null | undefined) =>
  (a ? a.getTime() : null) === (b ? new Date(b).getTime() : null);

/**
 * The rules of "Hẹn giờ xuất bản" (publishAt) and "Hẹn giờ gỡ bài" (unpublishAt), on every write
 * path (admin, REST, scripts) and on the scheduler's own publishes (scheduling/runner.ts):
 * - a time an editor sets or changes must lie ahead, and a story is taken down after it goes up;
 * - publishing clears `publishAt` (a story published by hand is no longer scheduled: the
 *   scheduler must not publish later edits of it on its own), unpublishing clears `unpublishAt`.
 * Both live on the draft: an editor schedules by saving it, not by publishing it.
 */
export function registerScheduleRules(strapi: Core.Strapi, now: () => Date = () => new Date()) {
  const draftOf = (documentId: string): Promise<ScheduleRow | null> =>
    strapi.db
      .query(ARTICLE)
      .findOne({ select: ['id', 'publishAt', 'unpublishAt'], where: { documentId, publishedAt: null } });

  strapi.documents.use(async (context, next) => {
    if (context.uid !== ARTICLE) return next();
    const params = context.params as { data?: Data; documentId?: string };

    if ((context.action === 'create' || context.action === 'update') && params.data) {
      // Who scheduled is recorded here only, never taken from the request.
      delete params.data.scheduledBy;
      const publishAt = instant(params.data.publishAt, 'publishAt');
      const unpublishAt = instant(params.data.unpublishAt, 'unpublishAt');
      if (publishAt !== undefined || unpublishAt !== undefined) {
        const current = context.action === 'update' && params.documentId ? await draftOf(params.documentId) : null;
        const at = now().getTime();
        if (publishAt && !same(publishAt, current?.publishAt) && publishAt.getTime() <= at) {
          throw new errors.ValidationError(
            'Hẹn giờ xuất bản phải là một thời điểm trong tương lai (trường "publishAt"). Muốn đăng ngay, hãy bấm Xuất bản.'
          );
        }
        if (unpublishAt && !same(unpublishAt, current?.unpublishAt) && unpublishAt.getTime() <= at) {
          throw new errors.ValidationError(
            'Hẹn giờ gỡ bài phải là một thời điểm trong tương lai (trường "unpublishAt"). Muốn gỡ ngay, hãy bấm Gỡ xuất bản.'
          );
        }
        const effectivePublish =
          publishAt !== undefined ? publishAt : current?.publishAt ? new Date(current.publishAt) : null;
        const effectiveUnpublish =
          unpublishAt !== undefined ? unpublishAt : current?.unpublishAt ? new Date(current.unpublishAt) : null;
        if (effectivePublish && effectiveUnpublish && effectiveUnpublish <= effectivePublish) {
          throw new errors.ValidationError(
            'Hẹn giờ gỡ bài phải sau hẹn giờ xuất bản (trường "unpublishAt" phải muộn hơn "publishAt").'
          );
        }
        // A schedule publishes on its author's behalf: the runner checks, at the due time, that
        // this person may still publish the story as it then stands (an API token: no person).
        const scheduled =
          (publishAt && !same(publishAt, current?.publishAt)) ||
          (unpublishAt && !same(unpublishAt, current?.unpublishAt));
        if (scheduled) params.data.scheduledBy = currentAdmin(strapi)?.id ?? null;
      }
    }

    if ((context.action === 'publish' || context.action === 'unpublish') && params.documentId) {
      const field = context.action === 'publish' ? 'publishAt' : 'unpublishAt';
      const draft = await draftOf(params.documentId);
      if (draft?.[field]) await strapi.db.query(ARTICLE).update({ where: { id: draft.id }, data: { [field]: null } });
    }
    return next();
  });
}

import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { MAX_PARTIAL_DOCUMENTS, partialPublishState, publishDigest, publishState } from '../lib/state';
import { PUBLISHED_TYPES } from '../../../contracts/publish-webhook';

const DOCUMENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `?documents=api::article.article/<documentId>,…` as documentIds by content type; an error
 * naming the first item that is not a published content type and a documentId.
 */
function parseDocuments(value: unknown): Record<string, string[]> {
  if (typeof value !== 'string' || !value) {
    throw new errors.ValidationError('"documents" must be a list of <content type uid>/<documentId>, comma-separated.');
  }
  const items = value.split(',');
  if (items.length > MAX_PARTIAL_DOCUMENTS) {
    throw new errors.ValidationError(
      `"documents" names ${items.length} documents; at most ${MAX_PARTIAL_DOCUMENTS} (ask for the whole state instead).`
    );
  }
  const out: Record<string, string[]> = {};
  for (const item of items) {
    const slash = item.lastIndexOf('/');
    const [uid, documentId] = [item.slice(0, slash), item.slice(slash + 1)];
    if (!(PUBLISHED_TYPES as readonly string[]).includes(uid) || !DOCUMENT_ID.test(documentId)) {
      throw new errors.ValidationError(
        `"documents" item "${item.slice(0, 100)}" is not <uid>/<documentId> of a published content type (${PUBLISHED_TYPES.join(', ')}).`
      );
    }
    (out[uid] ??= []).push(documentId);
  }
  return out;
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  /**
   * The whole state being read, shared by every request that comes meanwhile. At 100,000
   * articles one read takes the process many seconds; a publisher whose request timed out and
   * asked again made it read the archive twice at once, then three times, until it answered
   * nothing else (seen in bench:publish). A shared read may have started before the request: an
   * older state is safe for the publisher (it never records a version newer than what it shows),
   * and a change made meanwhile shows in the next comparison.
   */
  let reading: Promise<Awaited<ReturnType<typeof publishState>>> | undefined;
  const wholeState = () => {
    const read = (reading ??= publishState(strapi).finally(() => {
      if (reading === read) reading = undefined;
    }));
    return read;
  };

  return {
    /**
     * GET /api/publishing/state: what is published, per document (see lib/state.ts); with
     * `?documents=`, only those documents and what their visibility depends on; with `?digest`, a
     * digest of the whole state that costs milliseconds (publishDigest).
     */
    async find(ctx: { query: Record<string, unknown>; body: unknown; set(name: string, value: string): void }) {
      ctx.set('Cache-Control', 'no-store');
      if ('digest' in ctx.query) {
        ctx.body = { data: await publishDigest(strapi) };
        return;
      }
      if ('documents' in ctx.query) {
        ctx.body = { data: await partialPublishState(strapi, parseDocuments(ctx.query.documents)) };
        return;
      }
      ctx.body = { data: await wholeState() };
    },
  };
};

import { z } from 'zod';
import type { StrapiClient } from './strapi';

/**
 * What the CMS has published, per document: `GET /api/publishing/state` (cms/src/api/publishing).
 * The publisher records it with each release's snapshot and compares it with the CMS's state now
 * (reconciliation).
 */
export const publishStateSchema = z.object({
  generatedAt: z.string(),
  /** Per content type uid: documentId → version. */
  types: z.record(z.record(z.string())),
  /** Uploaded files: id → [url, updatedAt]. */
  files: z.record(z.tuple([z.string(), z.string()])),
});
export type PublishState = z.infer<typeof publishStateSchema>;

export async function fetchPublishState(cms: StrapiClient): Promise<PublishState> {
  const body = await cms.get<{ data: unknown }>('publishing/state');
  return answerAs(publishStateSchema, body?.data, "The CMS's publishing state (/api/publishing/state)");
}

/** The CMS's answer as `schema` has it, or an error naming `what` and the field that does not match. */
function answerAs<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${what} is not what the publisher expects at "${issue.path.join('.')}": ${issue.message}`);
  }
  return parsed.data;
}

/** What the CMS has published of some documents (null: not published), from `?documents=`. */
export const partialStateSchema = z.object({
  generatedAt: z.string(),
  types: z.record(z.record(z.string().nullable())),
});
export type PartialState = z.infer<typeof partialStateSchema>;

/**
 * The publishing state of `documents` (documentIds by content type) and of what their
 * visibility depends on (the tags, authors, photos and poll of the articles named): the cost of a
 * publish's check, whatever the size of the archive.
 */
export async function fetchPartialState(cms: StrapiClient, documents: Record<string, string[]>): Promise<PartialState> {
  const list = Object.entries(documents).flatMap(([uid, ids]) => ids.map((id) => `${uid}/${id}`));
  const body = await cms.get<{ data: unknown }>('publishing/state', { documents: list.join(',') });
  return answerAs(partialStateSchema, body?.data, `The CMS's publishing state of ${list.length} documents`);
}

/** `state` with the versions `partial` gives (a null one removes the document). */
export function withPartial(state: PublishState, partial: PartialState): PublishState {
  const types = { ...state.types };
  for (const [uid, versions] of Object.entries(partial.types)) {
    const forType = { ...(types[uid] ?? {}) };
    for (const [id, version] of Object.entries(versions)) {
      if (version === null) delete forType[id];
      else forType[id] = version;
    }
    types[uid] = forType;
  }
  return { ...state, generatedAt: partial.generatedAt, types };
}

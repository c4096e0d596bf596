import { z } from 'zod';
import type { StrapiClient } from './strapi';

/**
 * What the CMS has published, per document: `GET /api/publishing/state` (cms/src/api/publishing).
 * The publisher records it with each release's snapshot and compares it with the CMS's state now
 * (reconciliation).
 */
/**
 * An object whose every value `valid` accepts (`expected` says what it must be), checked in one
 * loop: zod's record parses each entry on its own and copies the object, ~150 ms of the
 * publisher's event loop for the 100,000 article versions of a whole state; this, ~5 ms.
 */
const entries = <T>(valid: (value: unknown) => value is T, expected: string) =>
  z.custom<Record<string, T>>().superRefine((value, ctx) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      ctx.addIssue({ code: 'custom', message: 'expected an object' });
      return;
    }
    for (const key in value) {
      if (!valid((value as Record<string, unknown>)[key])) {
        ctx.addIssue({ code: 'custom', path: [key], message: `expected ${expected}` });
        return;
      }
    }
  });

const isString = (value: unknown): value is string => typeof value === 'string';
const isStringOrNull = (value: unknown): value is string | null => value === null || typeof value === 'string';
const isFile = (value: unknown): value is [string, string] =>
  Array.isArray(value) && value.length === 2 && isString(value[0]) && isString(value[1]);

export const publishStateSchema = z.object({
  generatedAt: z.string(),
  /** Per content type uid: documentId → version. */
  types: z.record(entries(isString, 'a version (a string)')),
  /** Uploaded files: id → [url, updatedAt]. */
  files: entries(isFile, 'a file as [url, updatedAt]'),
});
export type PublishState = z.infer<typeof publishStateSchema>;

export async function fetchPublishState(cms: StrapiClient): Promise<PublishState> {
  const body = await cms.get<{ data: unknown }>('publishing/state');
  return answerAs(publishStateSchema, body?.data, "The CMS's publishing state (/api/publishing/state)");
}

export const publishDigestSchema = z.object({ generatedAt: z.string(), digest: z.string().min(1) });
export type PublishDigest = z.infer<typeof publishDigestSchema>;

/**
 * A digest of the CMS's whole publishing state (`?digest`, cms/src/api/publishing/lib/state.ts):
 * milliseconds where the whole state takes seconds. It moves with every change the whole state
 * would show; an equal digest proves nothing (the whole state is still compared on its own clock).
 */
export async function fetchPublishDigest(cms: StrapiClient): Promise<PublishDigest> {
  const body = await cms.get<{ data: unknown }>('publishing/state', { digest: '' });
  return answerAs(
    publishDigestSchema,
    body?.data,
    "The CMS's digest of its publishing state (/api/publishing/state?digest)"
  );
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
  types: z.record(entries(isStringOrNull, 'a version (a string) or null')),
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
  const steps = merging(state, partial);
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/**
 * withPartial, MERGE_STEP versions at a time, awaiting `pause` in between: a copy of the live
 * state's 100,000 article versions takes ~0.1 s of the publisher's event loop, which serves the
 * site and takes webhooks meanwhile; a publish makes it while its change renders.
 */
export async function withPartialInSteps(
  state: PublishState,
  partial: PartialState,
  pause: () => Promise<unknown>
): Promise<PublishState> {
  const steps = merging(state, partial);
  let step = steps.next();
  while (!step.done) {
    await pause();
    step = steps.next();
  }
  return step.value;
}

const MERGE_STEP = 10_000;

/** withPartial as steps: copies each content type `partial` names (states are never changed in place). */
function* merging(state: PublishState, partial: PartialState): Generator<void, PublishState> {
  const types = { ...state.types };
  for (const [uid, versions] of Object.entries(partial.types)) {
    const from = types[uid] ?? {};
    const forType: Record<string, string> = {};
    let copied = 0;
    for (const id in from) {
      forType[id] = from[id];
      if (++copied % MERGE_STEP === 0) yield;
    }
    for (const [id, version] of Object.entries(versions)) {
      if (version === null) delete forType[id];
      else forType[id] = version;
    }
    types[uid] = forType;
  }
  return { ...state, generatedAt: partial.generatedAt, types };
}

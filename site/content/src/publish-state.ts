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
  const parsed = publishStateSchema.safeParse(body?.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `The CMS's publishing state (/api/publishing/state) is not what the publisher expects at "${issue.path.join('.')}": ${issue.message}`
    );
  }
  return parsed.data;
}

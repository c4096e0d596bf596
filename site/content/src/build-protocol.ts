import { z } from 'zod';

/**
 * What the publisher asks of an Astro build, defined once and validated on both sides: the
 * publisher writes a job (publisher/src/astro.ts), the site's build reads it (site/src/lib/job.ts).
 */

/** Which pages a build renders: the entries a change touched (plan.ts). Home, feeds and sitemaps always. */
export const scopeSchema = z.object({
  articles: z.array(z.string()),
  categories: z.array(z.string()),
  authors: z.array(z.string()),
  tags: z.array(z.string()),
});
export type Scope = z.infer<typeof scopeSchema>;
export type ScopeKind = keyof Scope;

export const buildJobSchema = z.object({
  /** The content snapshot to render (a JSON file, see snapshot.ts). */
  snapshot: z.string().min(1),
  /** A file holding a Scope, or null for every page. */
  scope: z.string().min(1).nullable(),
});
export type BuildJob = z.infer<typeof buildJobSchema>;

/** A job as read from a file, or an error naming the file and the field. */
export function parseBuildJob(text: string, file: string): BuildJob {
  const parsed = buildJobSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a build job: "${issue.path.join('.')}" ${issue.message}`);
  }
  return parsed.data;
}

/** A scope as read from a file, or an error naming the file and the field. */
export function parseScope(text: string, file: string): Scope {
  const parsed = scopeSchema.safeParse(JSON.parse(text));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${file} is not a build scope: "${issue.path.join('.')}" ${issue.message}`);
  }
  return parsed.data;
}

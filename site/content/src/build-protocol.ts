import { z } from 'zod';

/**
 * What the publisher asks of an Astro build, defined once and validated on both sides. The
 * publisher starts a build ahead of time with an IPC channel and SITE_JOB_IPC=1
 * (scripts/publisher/src/astro.ts, site/render-jobs.mjs); once the site is compiled, the first page
 * that asks for content says so ({ type: 'waiting' }) and waits for its job ({ type: 'job' })
 * (site/src/lib/job.ts); the build says when its pages are written ({ type: 'rendered' }), and
 * waits for the next job.
 */

/** Set in a build's environment: its job comes over the IPC channel. */
export const JOB_OVER_IPC = 'SITE_JOB_IPC';

/** Set in a build's environment: the working directory of the build whose compile it renders from. */
export const COMPILED_BY = 'SITE_COMPILED_BY';

/**
 * Which pages a build renders: the entries a change touched (plan.ts). Home, feeds and the sitemap
 * index always; of the sitemap files, those `sitemaps` names (all when absent). A listing
 * (category, author, tag) in scope renders every page, unless `pages` names some under
 * `listingKey(kind, slug)` (0: the front page; see listing-pages.ts).
 */
export const scopeSchema = z.object({
  articles: z.array(z.string()),
  categories: z.array(z.string()),
  authors: z.array(z.string()),
  tags: z.array(z.string()),
  pages: z.record(z.string(), z.array(z.number().int().nonnegative())).optional(),
  /** The sitemap files to write (sitemaps.ts), by number; all of them when absent. */
  sitemaps: z.array(z.number().int().nonnegative()).optional(),
});
export type Scope = z.infer<typeof scopeSchema>;
export type ScopeKind = 'articles' | 'categories' | 'authors' | 'tags';
export type ListingKind = Exclude<ScopeKind, 'articles'>;

/** The key of a listing's pages in a scope's `pages`, e.g. "categories/thoi-su". */
export const listingKey = (kind: ScopeKind, slug: string) => `${kind}/${slug}`;

/**
 * One of `count` builds that render a full build between them (several processes): each renders
 * the articles whose slug falls to it (shardOf) and every `count`-th page of each other route,
 * from the `index`-th. Pages without paths (home, feeds, the sitemap index, 404) are rendered by
 * each, alike; the publisher merges the outputs.
 */
export const shardSchema = z
  .object({ index: z.number().int().nonnegative(), count: z.number().int().min(1).max(64) })
  .refine((s) => s.index < s.count, { message: 'index must be below count' });
export type Shard = z.infer<typeof shardSchema>;

/**
 * Which of `count` builds renders the page of `key` (an article's slug), from the key alone
 * (FNV-1a): a build knows which articles it renders while it reads the snapshot, and reads the
 * others lean (snapshot.ts: readSnapshot).
 */
export function shardOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}

/** SITE_SHARD for a plain `astro build`: "<index>/<count>", e.g. "0/2"; an error naming the value otherwise. */
export function parseShard(value: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(value.trim());
  const parsed = m ? shardSchema.safeParse({ index: Number(m[1]), count: Number(m[2]) }) : null;
  if (!parsed?.success)
    throw new Error(`SITE_SHARD must be "<index>/<count>" with index below count (e.g. "0/2"), not "${value}".`);
  return parsed.data;
}

export const buildJobSchema = z.object({
  /** The content snapshot to render (a JSON file, see snapshot.ts), or the base of `delta`. */
  snapshot: z.string().min(1),
  /**
   * A file holding a SnapshotDelta (snapshot.ts): the content to render is `snapshot` with it
   * applied. The base is usually the one the build was told to preload.
   */
  delta: z.string().min(1).nullable().optional(),
  /** A file holding a Scope, or null for every page. */
  scope: z.string().min(1).nullable(),
  /** This build's share of the pages in scope; all of them when absent. */
  shard: shardSchema.nullable().optional(),
});
export type BuildJob = z.infer<typeof buildJobSchema>;

/** `value` as `schema` has it, or an error naming `what` and the field that does not match. */
function parseAs<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${what}: "${issue.path.join('.')}" ${issue.message}`);
  }
  return parsed.data;
}

/** A scope as read from a file, or an error naming the file and the field. */
export const parseScope = (text: string, file: string): Scope =>
  parseAs(scopeSchema, JSON.parse(text), `${file} is not a build scope`);

/** Messages on the IPC channel between the publisher and a build it started ahead of time. */
export const buildMessageSchema = z.discriminatedUnion('type', [
  /** Build → publisher: compiled, and asking for its job (rendering is all that is left). */
  z.object({ type: z.literal('waiting') }),
  /**
   * Build → publisher, from a build that renders from another's compile (SITE_COMPILED_BY: a full
   * build's second and later parts): set up, and asking to be told when that compile is done.
   */
  z.object({ type: z.literal('awaiting-compile') }),
  /** Publisher → build, in answer: the compile it renders from is done. */
  z.object({ type: z.literal('compiled') }),
  /**
   * Publisher → build, while it waits: the snapshot its job will most likely start from (the live
   * release's), to read now rather than when the job comes. `of`: the whole snapshot it is the
   * lean copy of (a release's content: `<id>.json` and `<id>.lean.json`), which a build that
   * rendered a share of it holds already, and takes as this one instead of reading it.
   */
  z.object({ type: z.literal('preload'), snapshot: z.string().min(1), of: z.string().min(1).optional() }),
  /**
   * Build → publisher: done preloading that snapshot (read and indexed, or a warning logged);
   * `kept`: not read again, the build having it from its last job.
   */
  z.object({ type: z.literal('preloaded'), snapshot: z.string().min(1), kept: z.boolean().optional() }),
  /** Publisher → build: what to render. */
  z.object({ type: z.literal('job'), job: buildJobSchema }),
  /**
   * Build → publisher: the job's pages are written, into `outDir` (each job's its own). The build
   * renders the next job it is given from the same compile (site/render-jobs.mjs).
   */
  z.object({ type: z.literal('rendered'), outDir: z.string().min(1) }),
]);
export type BuildMessage = z.infer<typeof buildMessageSchema>;

/** A message, or an error naming what is wrong with it. */
export const parseBuildMessage = (value: unknown): BuildMessage =>
  parseAs(buildMessageSchema, value, 'Not a build message');

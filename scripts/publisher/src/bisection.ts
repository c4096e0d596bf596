import { InvalidContentError } from '@newsroom/content/snapshot';
import type { Logger } from './log.js';
import { parseKey, type ChangeKey, type ChangeQueue, type Claim } from './queue.js';
import { versionIn, type PublishState } from './state.js';

export const ARTICLE = 'api::article.article';
const uidOf = (what: string) => `api::${what}.${what}`;

/** Why a build did not go live, when the cause may be one of the documents it was publishing. */
export class BuildError extends Error {
  constructor(
    message: string,
    /** The documents whose new version the build carried: one of them may be the cause. */
    readonly documents: ChangeKey[],
    /** The CMS's state the build worked from (versions of those documents). */
    readonly state: PublishState | null,
    /** False when the cause lies outside the content (CMS unreachable, a timeout, a refused release). */
    readonly attributable: boolean
  ) {
    super(message);
  }
}

/** Astro failed to render the pages of a build: the one failure a document can cause. */
export class RenderError extends Error {}

/** A document the schema refused, with the CMS's state it was read from. */
export type RefusedContent = InvalidContentError & { state?: PublishState | null };

/**
 * One bad story holds back only itself. When a build fails in a way a document can cause, the
 * articles it carried are split in halves (one half waits: `held`) until the one that breaks it is
 * found; that one is recorded as a failure in the queue, at its version, and stays at its live
 * version while everything else publishes. A story the schema refuses is named at once.
 *
 * Only articles are split and held back: a category, tag, author or poll lives inside every article
 * that shows it, so holding it alone would not keep it out; a bad one stops publishing until fixed.
 */
export class Bisection {
  /**
   * Halves kept out of the next build while the other half is tried, the latest last. When a
   * build without them goes live, the cause is in the latest half: it is split in turn.
   */
  private halves: ChangeKey[][] = [];
  /** The last document a failure was narrowed down to (cleared if a build without it fails too). */
  private lastBlamed: ChangeKey | undefined;

  constructor(
    private readonly queue: ChangeQueue,
    private readonly log: Logger,
    /** How long a failed version waits before it is tried again, after `attempts` failures. */
    private readonly backoffMs: (attempts: number) => number
  ) {}

  /** What the next build leaves out while a failure is narrowed down. */
  held(): ReadonlySet<ChangeKey> {
    return new Set(this.halves.flat());
  }

  /**
   * Narrows a failure down to a document. Returns true when the next build should follow at once:
   * half of the documents held back, or the one document that fails held back.
   */
  failed(error: unknown): boolean {
    if (error instanceof InvalidContentError) return this.refused(error);
    if (!(error instanceof BuildError) || !error.attributable) return false;
    if (!error.documents.length) {
      // It fails without any new document: the last one blamed was not the cause after all.
      if (this.lastBlamed) {
        const doc = parseKey(this.lastBlamed);
        if ('documentId' in doc) this.queue.clearFailure(doc.uid, doc.documentId);
        this.lastBlamed = undefined;
      }
      this.halves = [];
      return false;
    }
    if (error.documents.length > 1) {
      const half = error.documents.slice(Math.ceil(error.documents.length / 2));
      this.halves.push(half);
      this.log('build bisected', { tried: error.documents.length, heldBack: half.length });
      return true;
    }
    const [key] = error.documents;
    const doc = parseKey(key);
    if (!('documentId' in doc)) return false;
    this.halves = []; // the one that fails is found: everything else goes on at once
    this.lastBlamed = key;
    this.queue.fail(
      { ...doc, version: versionIn(error.state, doc.uid, doc.documentId), error: error.message },
      this.backoffMs
    );
    this.log('document held back', { ...doc, error: error.message });
    return true;
  }

  /** The schema refused documents: articles are held back at once; anything else stops the build. */
  private refused(error: RefusedContent) {
    const state = error.state ?? null;
    const articles = error.documents.filter((d) => d.documentId && uidOf(d.what) === ARTICLE);
    if (articles.length < error.documents.length) return false;
    for (const d of articles) {
      const uid = uidOf(d.what);
      this.queue.fail(
        {
          uid,
          documentId: d.documentId!,
          version: versionIn(state, uid, d.documentId!),
          error: `The field "${d.field}" is not what the site expects: ${d.message}`,
        },
        this.backoffMs
      );
    }
    this.log('documents held back', { documents: error.documents });
    return articles.length > 0;
  }

  /**
   * A release (or a no-op) is live: failures of what it carried are over. Returns the keys of
   * `claim` that stay pending: what a bisection held back. (A failed document is tracked by its
   * failure: reconciliation brings it back when it is due or changes.)
   *
   * Mid-bisection, the cause is in the latest half held back: the next build tries the first half
   * of it, and keeps holding the rest.
   */
  settled(carried: ChangeKey[], claim: Claim): Set<string> {
    for (const key of carried) {
      const doc = parseKey(key);
      if ('documentId' in doc) this.queue.clearFailure(doc.uid, doc.documentId);
    }
    const held = this.held();
    const kept = new Set<string>([...claim.revs.keys()].filter((key) => held.has(key as ChangeKey)));
    const suspects = this.halves.pop();
    if (suspects && suspects.length > 1) this.halves.push(suspects.slice(Math.ceil(suspects.length / 2)));
    this.lastBlamed = undefined;
    return kept;
  }
}

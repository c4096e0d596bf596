import fs from 'node:fs';
import path from 'node:path';
import type { PendingChanges } from './events.js';
import { noChanges } from './events.js';

/**
 * The publisher's durable memory: changes not yet live (pending) and documents whose last build
 * failed (failures). Written whole to one file by rename after every change, so a SIGKILL at any
 * moment leaves the previous or the new state, never half of one. A change leaves the queue only
 * when a release containing it is live (`settle`); a failed, refused, cancelled or killed build
 * leaves it where it was.
 */

/**
 * One change: a document (uid + documentId), an uploaded file (its URL), a full build (reason), or
 * the clock (a time at which pages change by themselves has come).
 */
export type ChangeKey = `doc:${string}:${string}` | `media:${string}` | 'full' | 'clock';

export interface PendingEntry {
  /** Bumped each time the change is seen again, so a build settles only what it saw. */
  rev: number;
  since: string;
  source: string;
  /** The reason, for a full build; the instant, for the clock. */
  reason?: string;
}

export interface Failure {
  uid: string;
  documentId: string;
  /** The document's version (see the CMS's publishing state) that failed: a new version is tried at once. */
  version: string | null;
  error: string;
  at: string;
  attempts: number;
  /** When the same version is tried again (a cause outside the document may have gone away). */
  retryAt: string;
}

/** What a build takes from the queue: the changes, and the revision of each it saw. */
export interface Claim {
  changes: PendingChanges;
  revs: Map<ChangeKey, number>;
}

interface QueueFile {
  version: 1;
  pending: Record<string, PendingEntry>;
  failures: Record<string, Failure>;
}

export const docKey = (uid: string, documentId: string): ChangeKey => `doc:${uid}:${documentId}`;

export function parseKey(
  key: string
): { uid: string; documentId: string } | { media: string } | { full: true } | { clock: true } {
  if (key === 'full') return { full: true };
  if (key === 'clock') return { clock: true };
  if (key.startsWith('media:')) return { media: key.slice('media:'.length) };
  const rest = key.slice('doc:'.length);
  const at = rest.lastIndexOf(':');
  return { uid: rest.slice(0, at), documentId: rest.slice(at + 1) };
}

/** The keys of a set of changes. */
export function keysOf(changes: PendingChanges): [ChangeKey, string | undefined][] {
  const keys: [ChangeKey, string | undefined][] = [];
  for (const [uid, ids] of Object.entries(changes.documents))
    for (const id of ids) keys.push([docKey(uid, id), undefined]);
  for (const url of changes.media) keys.push([`media:${url}`, undefined]);
  if (changes.full) keys.push(['full', changes.full]);
  if (changes.clock) keys.push(['clock', changes.clock]);
  return keys;
}

/** The changes of a set of keys. */
export function changesOf(keys: Iterable<[string, PendingEntry | undefined]>): PendingChanges {
  const changes = noChanges();
  for (const [key, entry] of keys) {
    const parsed = parseKey(key);
    if ('full' in parsed) changes.full = entry?.reason ?? 'requested';
    else if ('clock' in parsed) changes.clock = entry?.reason ?? new Date(0).toISOString();
    else if ('media' in parsed) changes.media.push(parsed.media);
    else (changes.documents[parsed.uid] ??= []).push(parsed.documentId);
  }
  return changes;
}

export class ChangeQueue {
  private pending = new Map<ChangeKey, PendingEntry>();
  private failed = new Map<string, Failure>();
  /** Set when the file on disk could not be read: the caller should reconcile in full. */
  readonly recovered: string | null = null;

  constructor(
    readonly file: string,
    private now: () => Date = () => new Date()
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.rmSync(`${file}.tmp`, { force: true });
    if (!fs.existsSync(file)) return;
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as QueueFile;
      if (saved.version !== 1) throw new Error(`version ${String(saved.version)}`);
      for (const [key, entry] of Object.entries(saved.pending)) this.pending.set(key as ChangeKey, entry);
      for (const [key, failure] of Object.entries(saved.failures)) this.failed.set(key, failure);
    } catch (error) {
      // Never silently: kept aside for a person to read, and the caller reconciles everything.
      const aside = `${file}.unreadable-${this.now().getTime()}`;
      fs.renameSync(file, aside);
      this.recovered = `${file} could not be read (${(error as Error).message}); kept as ${aside}`;
    }
  }

  get size() {
    return this.pending.size;
  }

  isEmpty() {
    return this.pending.size === 0;
  }

  /** The oldest pending change's time, or null. */
  oldest(): string | null {
    let oldest: string | null = null;
    for (const e of this.pending.values()) if (!oldest || e.since < oldest) oldest = e.since;
    return oldest;
  }

  has(key: ChangeKey) {
    return this.pending.has(key);
  }

  /** Adds changes (durably, before returning); returns how many were new. */
  add(changes: PendingChanges, source: string) {
    let added = 0;
    const since = this.now().toISOString();
    for (const [key, reason] of keysOf(changes)) {
      const entry = this.pending.get(key);
      if (entry) this.pending.set(key, { ...entry, rev: entry.rev + 1, ...(reason ? { reason } : {}) });
      else {
        this.pending.set(key, { rev: 1, since, source, ...(reason ? { reason } : {}) });
        added++;
      }
    }
    this.save();
    return added;
  }

  /** Everything pending (that `wanted` takes), for a build to work on (it stays pending until `settle`). */
  claim(wanted: (key: ChangeKey) => boolean = () => true): Claim {
    const entries = [...this.pending].filter(([key]) => wanted(key));
    return {
      changes: changesOf(entries),
      revs: new Map(entries.map(([key, e]) => [key, e.rev])),
    };
  }

  /**
   * A release containing the claimed changes is live: they leave the queue, except those seen
   * again since the claim (their newer version may not be in that release) and those `kept`.
   */
  settle(claim: Claim, kept: ReadonlySet<string> = new Set()) {
    for (const [key, rev] of claim.revs) {
      if (kept.has(key)) continue;
      if (this.pending.get(key)?.rev === rev) this.pending.delete(key);
    }
    this.save();
  }

  failures(): Failure[] {
    return [...this.failed.values()];
  }

  failure(uid: string, documentId: string) {
    return this.failed.get(docKey(uid, documentId));
  }

  /** Records that `version` of a document failed; it is held back until it changes or `retryAt`. */
  fail(f: Omit<Failure, 'at' | 'attempts' | 'retryAt'>, backoffMs: (attempts: number) => number) {
    const key = docKey(f.uid, f.documentId);
    const previous = this.failed.get(key);
    const attempts = previous && previous.version === f.version ? previous.attempts + 1 : 1;
    const at = this.now();
    this.failed.set(key, {
      ...f,
      at: at.toISOString(),
      attempts,
      retryAt: new Date(at.getTime() + backoffMs(attempts)).toISOString(),
    });
    this.save();
  }

  /** The document went live (or left the site): its failure is over. */
  clearFailure(uid: string, documentId: string) {
    if (this.failed.delete(docKey(uid, documentId))) this.save();
  }

  /**
   * Keys of documents a build must keep at their live version: failed, with the same version as
   * now (`versionOf`), and not yet due for another try.
   */
  held(versionOf: (uid: string, documentId: string) => string | null): Set<ChangeKey> {
    const now = this.now().toISOString();
    const held = new Set<ChangeKey>();
    for (const [key, f] of this.failed) {
      if (f.retryAt > now && versionOf(f.uid, f.documentId) === f.version) held.add(key as ChangeKey);
    }
    return held;
  }

  private save() {
    const data: QueueFile = {
      version: 1,
      pending: Object.fromEntries(this.pending),
      failures: Object.fromEntries(this.failed),
    };
    const tmp = `${this.file}.tmp`;
    const fd = fs.openSync(tmp, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(data));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }
}

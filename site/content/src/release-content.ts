import fs from 'node:fs';
import path from 'node:path';
import { applyDelta, readSnapshot, type Snapshot, type SnapshotDelta } from './snapshot';

/**
 * The content a release was built from, as the publisher leaves it in <dir>/snapshots/<id>.json:
 * a whole snapshot, or a journal entry, the change from an earlier release's whole snapshot (its
 * base). A publish writes the change instead of the whole archive (566 MB at 100,000 articles,
 * about 20 s of work after every publish). Read here by whoever needs a release's content: the
 * publisher and the preview service alike.
 */
export interface JournalEntry {
  journal: 1;
  /** The release whose snapshot this is the change from. */
  base: string;
  delta: SnapshotDelta;
}
export const JOURNAL_HEAD = '{"journal":1,';

export const contentFile = (snapshotsDir: string, id: string) => path.join(snapshotsDir, `${id}.json`);

/** The first bytes of `file` ('' when it is not on disk). */
export function head(file: string, bytes: number) {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return '';
  }
  try {
    const buffer = Buffer.alloc(bytes);
    return buffer.toString('utf8', 0, fs.readSync(fd, buffer, 0, bytes, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** The release whose snapshot release `id`'s journal entry is the change from; null for a whole snapshot. */
export function journalBase(snapshotsDir: string, id: string): string | null {
  const start = head(contentFile(snapshotsDir, id), 256);
  if (!start.startsWith(JOURNAL_HEAD)) return null;
  return /^\{"journal":1,"base":"([^"]+)"/.exec(start)?.[1] ?? null;
}

/** Release `id`'s journal entry; null when its content is a whole snapshot, or not on disk. */
export function readJournal(snapshotsDir: string, id: string): JournalEntry | null {
  const file = contentFile(snapshotsDir, id);
  if (!head(file, JOURNAL_HEAD.length).startsWith(JOURNAL_HEAD)) return null;
  const entry = JSON.parse(fs.readFileSync(file, 'utf8')) as JournalEntry;
  if (typeof entry.base !== 'string' || entry.delta?.version !== 1) throw new Error(`${file} is not a journal entry.`);
  return entry;
}

/** A release's content, and the whole snapshot it was made from (the release's own, or its journal's base). */
export interface ReleaseContent {
  snapshot: Snapshot;
  whole: { id: string; snapshot: Snapshot };
}

/**
 * Release `id`'s content, or null when it is not on disk: its snapshot, or its journal entry
 * applied to its base's snapshot. `known`, a whole snapshot already read, is used when it is the
 * base: after a publish, only the few kilobytes of its journal entry are read. Throws when a file
 * cannot be read, or a journal entry does not fit its base.
 */
export function readReleaseContent(
  snapshotsDir: string,
  id: string,
  known?: { id: string; snapshot: Snapshot }
): ReleaseContent | null {
  const entry = readJournal(snapshotsDir, id);
  const base = entry?.base ?? id;
  const file = contentFile(snapshotsDir, base);
  const snapshot = known?.id === base ? known.snapshot : fs.existsSync(file) ? readSnapshot(file) : null;
  if (!snapshot) return null;
  return { snapshot: entry ? applyDelta(snapshot, entry.delta) : snapshot, whole: { id: base, snapshot } };
}

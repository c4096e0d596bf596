import fs from 'node:fs/promises';
import type { Snapshot } from '../../../site/src/lib/snapshot.js';

/** Writes a snapshot without blocking the event loop on the disk (a temporary name, then rename). */
export async function writeSnapshotAsync(file: string, snapshot: Snapshot) {
  await fs.writeFile(`${file}.tmp`, JSON.stringify(snapshot));
  await fs.rename(`${file}.tmp`, file);
}

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { ROOT } from '@newsroom/publisher/paths';

/**
 * One `astro build` of this checkout at a time, across test processes: when the output directory
 * is outside site/, Astro writes its intermediate server chunks to site/.astro (and deletes it at
 * the end), so two concurrent builds would delete each other's files. The publisher's builds run
 * elsewhere (site/.builds) and need no lock.
 */
const LOCK = path.join(
  os.tmpdir(),
  `newsroom-site-build-${createHash('sha1').update(ROOT).digest('hex').slice(0, 8)}.lock`
);
const STALE_MS = 600_000;

function tryLock() {
  try {
    fs.mkdirSync(LOCK);
    return true;
  } catch {
    const age = Date.now() - (fs.statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
    if (age > STALE_MS) fs.rmSync(LOCK, { recursive: true, force: true }); // left by a killed run
    return false;
  }
}

export function withSiteBuildLockSync<T>(run: () => T, timeoutMs = STALE_MS): T {
  const deadline = Date.now() + timeoutMs;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for another site build (${LOCK}).`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
  }
  try {
    return run();
  } finally {
    fs.rmSync(LOCK, { recursive: true, force: true });
  }
}

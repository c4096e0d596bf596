import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.js';

function listFiles(entry: string): string[] {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return [];
  if (stat.isFile()) return [entry];
  return fs
    .readdirSync(entry)
    .sort()
    .flatMap((name) => listFiles(path.join(entry, name)));
}

/** A hash of the sources `inputs` (files or folders under `dir`) and the installed lockfile. */
export function sourceHash(dir: string, inputs: string[]) {
  const hash = createHash('sha256');
  const files = [...inputs.flatMap((i) => listFiles(path.join(dir, i))), path.join(ROOT, 'package-lock.json')];
  for (const file of files) {
    if (!fs.existsSync(file)) continue;
    hash.update(path.relative(ROOT, file)).update(fs.readFileSync(file));
  }
  return hash.digest('hex');
}

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What converging a tree did: entries left as they were, linked, removed, and folders made. */
export interface Convergence {
  kept: number;
  linked: number;
  removed: number;
  folders: number;
}

/**
 * Makes the tree `tree` equal to `source` by comparing them entry by entry: a file is the same
 * when it is the same inode (a release's files are never written through a link, only replaced),
 * a symlink when it points at the same target, a folder when everything in it is. What differs is
 * replaced by a hard link of `source`'s file (a symlink as itself), what `tree` has and `source`
 * lacks is removed, a missing folder is made with `source`'s mode. Only `tree` is written; where
 * it holds nothing yet, it is made.
 *
 * Another release's copy becomes a copy of this one this way: after a full build at 100,000
 * articles, every folder is there already (making one costs this disk ~0.1 ms, ten times a link)
 * and every file is linked again at most. The comparison needs no record of how the two trees were
 * made (see Releases.derived), only that files are replaced, never written in place.
 */
export function convergeTree(tree: string, source: string): Convergence {
  const done: Convergence = { kept: 0, linked: 0, removed: 0, folders: 0 };
  const remove = (target: string) => fs.rmSync(target, { recursive: true, force: true });
  const folder = (from: string, to: string) => {
    fs.mkdirSync(to, { mode: fs.statSync(from).mode & 0o7777 });
    done.folders++;
  };
  const walk = (into: string, from: string) => {
    const there = new Map(fs.readdirSync(into, { withFileTypes: true }).map((entry) => [entry.name, entry]));
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const src = path.join(from, entry.name);
      const dest = path.join(into, entry.name);
      const theirs = there.get(entry.name);
      there.delete(entry.name);
      if (entry.isDirectory()) {
        if (!theirs?.isDirectory()) {
          if (theirs) remove(dest);
          folder(src, dest);
        }
        walk(dest, src);
        continue;
      }
      if (entry.isSymbolicLink()) {
        const target = fs.readlinkSync(src);
        if (theirs?.isSymbolicLink() && fs.readlinkSync(dest) === target) done.kept++;
        else {
          if (theirs) remove(dest);
          fs.symlinkSync(target, dest);
          done.linked++;
        }
        continue;
      }
      if (theirs?.isFile() && sameInode(fs.lstatSync(dest), fs.lstatSync(src))) done.kept++;
      else {
        if (theirs) remove(dest);
        fs.linkSync(src, dest);
        done.linked++;
      }
    }
    for (const name of there.keys()) {
      remove(path.join(into, name));
      done.removed++;
    }
  };
  if (!fs.statSync(tree, { throwIfNoEntry: false })?.isDirectory()) {
    remove(tree);
    folder(source, tree);
  }
  walk(tree, source);
  return done;
}

const sameInode = (a: fs.Stats, b: fs.Stats) => a.ino === b.ino && a.dev === b.dev;

/**
 * convergeTree in a process of its own (converge-tree-main.ts), so the publisher's event loop and
 * the build it validates meanwhile are not held for the seconds 100,000 folders take. Not niced,
 * for the reason linkTreeAsync's copy is not. Rejects with what the process wrote to stderr.
 */
export function convergeTreeApart(tree: string, source: string): Promise<Convergence> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  const main = fileURLToPath(new URL('./converge-tree-main.ts', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', tsx, main, tree, source], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code !== 0)
        return reject(new Error(`Converging ${tree} to ${source} exited with ${signal ?? code}: ${stderr.trim()}`));
      try {
        resolve(JSON.parse(stdout) as Convergence);
      } catch {
        reject(new Error(`Converging ${tree} to ${source} printed no result: ${stdout.trim().slice(0, 200)}`));
      }
    });
  });
}

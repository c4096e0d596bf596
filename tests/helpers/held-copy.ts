import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * `cp` for this process's children, held while `hold()` is on: a copy of a release's tree as slow
 * as one of 100,000 articles (seconds of the kernel's time). The publisher copies a tree by
 * several `cp` at once, each given its folder by path, so a tree moved while it is copied breaks
 * the copy: a held `cp`, let go, fails when the folder it copies from is no longer where it was.
 */
export function holdableCopy() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cp-'));
  const real = execFileSync('sh', ['-c', 'command -v cp']).toString().trim();
  const flag = path.join(dir, 'hold');
  fs.writeFileSync(
    path.join(dir, 'cp'),
    [
      '#!/bin/sh',
      'from=$(pwd -P)',
      `while [ -e '${flag}' ]; do sleep 0.02; done`,
      'if [ ! -d "$from" ]; then echo "cp: $from was moved while it was being copied" >&2; exit 1; fi',
      `exec '${real}' "$@"`,
      '',
    ].join('\n'),
    { mode: 0o755 }
  );
  const before = process.env.PATH;
  process.env.PATH = `${dir}${path.delimiter}${before}`;
  return {
    hold: () => fs.writeFileSync(flag, ''),
    release: () => fs.rmSync(flag, { force: true }),
    /** Lets every copy go and puts `cp` back. */
    restore: () => {
      fs.rmSync(flag, { force: true });
      process.env.PATH = before;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

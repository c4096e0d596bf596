import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { lockPublishDir } from './lock';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-lock-'));
  dirs.push(dir);
  return dir;
};

describe('one publisher per publish directory', () => {
  it('refuses a second publisher while the first one lives, naming it', async () => {
    const dir = tempDir();
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      lockPublishDir(dir, other.pid!);
      expect(() => lockPublishDir(dir)).toThrow(new RegExp(`Another publisher \\(pid ${other.pid}\\)`));
    } finally {
      const exited = new Promise((r) => other.once('exit', r));
      other.kill('SIGKILL');
      await exited;
    }
    // Killed, it cannot release the lock: the next publisher takes it over.
    const release = lockPublishDir(dir);
    expect(fs.readFileSync(path.join(dir, 'publisher.pid'), 'utf8')).toBe(String(process.pid));
    release();
    expect(fs.existsSync(path.join(dir, 'publisher.pid'))).toBe(false);
  });
});

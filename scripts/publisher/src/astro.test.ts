import fs from 'node:fs';
import os from 'node:os';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './astro';

describe('runCaptured', () => {
  it('runs a command that gives way at its niceness, also among the sessions Linux groups the CPU by', async () => {
    const stop = new AbortController();
    let child: ChildProcess | undefined;
    const done = runCaptured('sleep', ['60'], process.env, os.tmpdir(), {
      signal: stop.signal,
      priority: 10,
      onChild: (c) => (child = c),
    });
    try {
      // The command is started, and its priority set, before runCaptured returns.
      expect(os.getPriority(child!.pid!)).toBe(10);
      if (fs.existsSync('/proc/self/autogroup')) {
        // Detached, it leads a session (an autogroup) of its own, not the test's.
        expect(fs.readFileSync(`/proc/${child!.pid}/autogroup`, 'utf8')).not.toBe(
          fs.readFileSync('/proc/self/autogroup', 'utf8')
        );
        expect(fs.readFileSync(`/proc/${child!.pid}/autogroup`, 'utf8')).toMatch(/ nice 10$/m);
      }
    } finally {
      stop.abort();
    }
    await expect(done).rejects.toThrow('cancelled');
  });
});

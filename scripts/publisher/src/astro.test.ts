import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { PreparedBuild, runCaptured } from './astro';
import { SITE_DIR } from './paths';

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

describe('PreparedBuild', () => {
  it('one rendering from another build’s compile is stopped, naming that build and its error, when it ends without compiling', async () => {
    // Build folders live in the site's (their chunks import its packages).
    const root = fs.mkdtempSync(path.join(SITE_DIR, '.builds', 'follows-'));
    const options = { cmsUrl: 'http://127.0.0.1:9', siteUrl: 'http://127.0.0.1:4321' };
    // A setting the build refuses: this one fails before it compiles.
    const first = new PreparedBuild(path.join(root, 'first'), { ...options, env: { SITE_OUT_DIR: 'site' } });
    const second = new PreparedBuild(path.join(root, 'second'), options, first);
    try {
      const job = { snapshot: path.join(root, 'none.json'), scope: null };
      const [firstDone, secondDone] = [first.run(job), second.run(job)];
      await expect(firstDone).rejects.toThrow('SITE_OUT_DIR must name the first render’s folder, absolutely');
      await expect(first.compiled).rejects.toThrow('SITE_OUT_DIR must name');
      await expect(secondDone).rejects.toThrow(
        `The build in ${path.join(root, 'first')}, whose compile this one renders from, ended without compiling: `
      );
      await expect(secondDone).rejects.toThrow('SITE_OUT_DIR must name');
      expect(second.ready).toBe(false);
    } finally {
      first.cancel();
      second.cancel();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});

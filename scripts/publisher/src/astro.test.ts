import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { writeSnapshot } from '@newsroom/content/snapshot';
import { PreparedBuild, renderInParts, runCaptured } from './astro';
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
  it('renders from another build’s compile, and renders on once that build is gone', async () => {
    const root = fs.mkdtempSync(path.join(SITE_DIR, '.builds', 'follows-'));
    const options = { cmsUrl: 'http://127.0.0.1:9', siteUrl: 'http://127.0.0.1:4321' };
    const first = new PreparedBuild(path.join(root, 'first'), options);
    const second = new PreparedBuild(path.join(root, 'second'), options, first);
    try {
      // A site with nothing published yet: its home, 404 and feeds.
      const snapshot = path.join(root, 'content.json');
      const now = new Date().toISOString();
      await writeSnapshot(snapshot, {
        version: 1,
        fetchedAt: now,
        articles: [],
        categories: [],
        authors: [],
        tags: [],
        polls: [],
        redirects: [],
      });
      await renderInParts([first, second], snapshot);
      const home = fs.readFileSync(path.join(first.outDir, 'index.html'), 'utf8');
      expect(home).toContain('<html lang="vi"');
      // The second compiled nothing: its compiled folder is the first one's files.
      const compiled = (dir: string) => path.join(dir, 'work', '.astro');
      const chunk = fs.readdirSync(compiled(first.dir), { recursive: true }).find((f) => String(f).endsWith('.mjs'));
      expect(fs.statSync(path.join(compiled(second.dir), String(chunk))).ino).toBe(
        fs.statSync(path.join(compiled(first.dir), String(chunk))).ino
      );
      // The first one gone with its folder, the second renders its next job all the same.
      first.cancel();
      fs.rmSync(first.dir, { recursive: true, force: true });
      await second.run({ snapshot, scope: null });
      expect(fs.readFileSync(path.join(second.outDir, 'index.html'), 'utf8')).toBe(home);
    } finally {
      first.cancel();
      second.cancel();
      fs.rmSync(root, { recursive: true, force: true });
    }
  }, 120_000);

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

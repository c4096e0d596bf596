import fs from 'node:fs';
import { parseBuildJob, type BuildJob } from '@newsroom/content/build-protocol';

/**
 * A build started ahead of time by the publisher: Astro compiles the site (most of a small
 * build's time) and then, when pages ask for content, waits here until the publisher writes the
 * job — which snapshot to render and which pages — to SITE_JOB_FILE. A publish then costs only
 * the rendering. The build exits if the publisher (SITE_JOB_PARENT) goes away.
 */

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

export async function waitForJob(file: string, parent: number): Promise<BuildJob> {
  for (;;) {
    if (fs.existsSync(file)) return parseBuildJob(fs.readFileSync(file, 'utf8'), file);
    if (parent && !alive(parent)) {
      console.error(`[content] the publisher (pid ${parent}) is gone; no job for this build.`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

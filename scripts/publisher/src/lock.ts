import fs from 'node:fs';
import path from 'node:path';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One publisher per publish directory: two would delete each other's builds and race to switch
 * `current`. The lock is a file naming the owner's pid, created exclusively; a lock whose process
 * is gone (killed with SIGKILL) is taken over. Returns a function that releases it.
 */
export function lockPublishDir(dir: string, pid = process.pid): () => void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'publisher.pid');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, String(pid), { flag: 'wx' });
      return () => {
        if (fs.readFileSync(file, 'utf8') === String(pid)) fs.rmSync(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(fs.readFileSync(file, 'utf8'));
      if (owner && owner !== pid && alive(owner)) {
        throw new Error(
          `Another publisher (pid ${owner}) is using ${dir}: stop it first, or give this one its own PUBLISH_DIR.`
        );
      }
      fs.rmSync(file, { force: true }); // left by a publisher that is gone
    }
  }
  throw new Error(`Could not lock ${dir} (${file}).`);
}

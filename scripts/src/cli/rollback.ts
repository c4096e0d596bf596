/**
 * `npm run rollback`: makes the previous release live again, in one atomic step, and pauses
 * publishing so the publisher's reconciliation does not publish the newer content straight back.
 * Changes keep queueing while paused (nothing is lost); `npm run rollback -- --resume` lets the
 * publisher publish them again.
 */
import path from 'node:path';
import { Releases } from '@newsroom/publisher/releases';
import { ROOT } from '@newsroom/publisher/paths';

const dir = path.resolve(process.env.PUBLISH_DIR || path.join(ROOT, '.publish'));
try {
  const releases = new Releases(dir);
  if (process.argv.includes('--resume')) {
    releases.resume();
    console.log('Publishing resumed: the publisher publishes what changed since the rollback.');
  } else {
    // Paused first, so that a build finishing meanwhile does not go live over the rollback.
    const wasPaused = releases.paused();
    releases.pause(`rolling back at ${new Date().toISOString()}`);
    let from: string, to: string;
    try {
      [from, to] = releases.rollback();
    } catch (error) {
      if (!wasPaused) releases.resume();
      throw error;
    }
    releases.pause(`rolled back from ${from} to ${to} at ${new Date().toISOString()}`);
    console.log(
      `Rolled back: ${to} is live again (was ${from}). Publishing is paused until \`npm run rollback -- --resume\`.`
    );
  }
} catch (error) {
  console.error(`Rollback failed: ${(error as Error).message}`);
  process.exit(1);
}

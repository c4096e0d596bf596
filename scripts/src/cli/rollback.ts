/**
 * `npm run rollback`: makes the previous release live again, in one atomic step. The publisher
 * keeps serving and building; its next publish builds on the release that is live then.
 */
import path from 'node:path';
import { Releases } from '../publisher/releases.js';
import { ROOT } from '../lib/paths.js';

const dir = path.resolve(process.env.PUBLISH_DIR || path.join(ROOT, '.publish'));
try {
  const [from, to] = new Releases(dir).rollback();
  console.log(`Rolled back: ${to} is live again (was ${from}).`);
} catch (error) {
  console.error(`Rollback failed: ${(error as Error).message}`);
  process.exit(1);
}

/**
 * The publisher: takes Strapi's webhooks (PUBLISH_PORT, default 4322), rebuilds and switches the
 * live site in PUBLISH_DIR, and serves it (SITE_PORT, default 4321; PUBLISH_SERVE_SITE=false when
 * a web server does). See scripts/publisher/src/.
 */
import { startPublisher } from './service.js';

const service = await startPublisher().catch((error: Error) => {
  console.error(`The publisher could not start: ${error.message}`);
  process.exit(1);
});
const stop = () => void service.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

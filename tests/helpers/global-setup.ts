import { buildCmsIfChanged } from '@newsroom/scripts/cms-build';

/**
 * Builds the CMS once: its server, and the admin panel the editor's browser test logs into. Skipped
 * when nothing changed since the last build (the same check `npm start` makes).
 */
export default async function setup() {
  await buildCmsIfChanged();
}

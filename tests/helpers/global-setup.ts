import { buildCmsIfChanged } from '@newsroom/scripts/cms-build';
import { buildPreviewIfChanged } from '@newsroom/scripts/preview';

/**
 * Builds the CMS once (its server, and the admin panel the editors' browser tests log into) and
 * the preview service. Each is skipped when nothing changed since its last build (the same checks
 * `npm start` makes).
 */
export default async function setup() {
  await buildCmsIfChanged();
  await buildPreviewIfChanged();
}

import { AsyncLocalStorage } from 'node:async_hooks';
import type { SiteContent } from '@newsroom/content/snapshot';
import { mediaUrlOn, pollApiPath } from '@newsroom/content/routes';

export { shownDate, type SiteContent } from '@newsroom/content/snapshot';
export { related } from '@newsroom/content/related';

/**
 * src/lib/content.ts as the preview service has it (astro.preview.config.mjs puts this module in
 * its place): the content of the request being rendered — the live site's, with the previewed
 * draft in it — instead of the content of a build. The middleware (middleware.ts) sets it for the
 * time of one render; pages and components read it as they always do, with loadContent().
 */
export const CMS_URL = (process.env.CMS_URL || 'http://127.0.0.1:1337').replace(/\/+$/, '');

const current = new AsyncLocalStorage<SiteContent>();

/** Renders `render` with `content` as what loadContent() returns. */
export const withContent = <T>(content: SiteContent, render: () => Promise<T>) => current.run(content, render);

export function loadContent(): Promise<SiteContent> {
  const content = current.getStore();
  if (!content) return Promise.reject(new Error('loadContent() outside a preview render (see preview/middleware.ts).'));
  return Promise.resolve(content);
}

/**
 * Where the editor's browser loads the story's photos: from the CMS's public address (the admin's
 * origin, ADMIN_ORIGIN), as they are stored. The preview fetches no image itself (no server-side
 * fetch anyone could point elsewhere), so they are not resized as the published page's are.
 */
export const MEDIA_ORIGIN = new URL(process.env.ADMIN_ORIGIN || CMS_URL).origin;
export const mediaUrl = mediaUrlOn(MEDIA_ORIGIN);
export const mediaSource = mediaUrl;
/** The editor's browser reaches the poll routes at the CMS itself (the preview server has none). */
export const pollEndpoint = (documentId: string) => `${MEDIA_ORIGIN}${pollApiPath(documentId)}`;

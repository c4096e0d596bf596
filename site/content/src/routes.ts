export { articleSlugOf, routes } from '@newsroom/contracts/routes';

/**
 * The absolute URL of a CMS media path (`/uploads/…`) on `origin`; other URLs (media kept on object
 * storage, whose public address the CMS returns) as they are.
 */
export const mediaUrlOn = (origin: string) => (url: string) =>
  url.startsWith('/') && !url.startsWith('//') ? `${origin}${url}` : url;

/**
 * The poll routes readers use, on the site's own origin: the web server in front of the site
 * (scripts/deploy/nginx.conf; the publisher's site server in development) passes `/api/polls/…` and
 * `/uploads/…` to the CMS. A vote is then a same-origin request (no cross-site cookie, no CORS), and
 * no page names the CMS's address, which may be one only the build can reach.
 */
export const pollApiPath = (documentId: string) => `/api/polls/${encodeURIComponent(documentId)}`;

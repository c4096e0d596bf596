export { routes } from '@newsroom/contracts/routes';

/** The absolute URL of a CMS media path (uploads are served by the CMS at `cmsUrl`); other URLs as they are. */
export const mediaUrlOn = (cmsUrl: string) => (url: string) =>
  url.startsWith('/') && !url.startsWith('//') ? `${cmsUrl}${url}` : url;

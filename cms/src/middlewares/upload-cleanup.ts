import fs from 'node:fs';

interface Ctx {
  request: { files?: Record<string, { filepath?: string } | { filepath?: string }[]> };
}

/**
 * Removes the temporary files a multipart request arrived in, however the request ends. Strapi's
 * body middleware removes them only when the route succeeds: a refused upload (a type the media
 * library denies, a file over the limit of a route, an invalid body) left its bytes in the CMS's
 * temporary folder, for good. Placed right after `strapi::body`; what the route stored it stored
 * from its own copy.
 */
export default () => async (ctx: Ctx, next: () => Promise<unknown>) => {
  try {
    await next();
  } finally {
    const files = Object.values(ctx.request.files ?? {}).flat();
    await Promise.all(files.map((f) => (f?.filepath ? fs.promises.rm(f.filepath, { force: true }) : undefined)));
  }
};

import { assertRasterFiles, type IncomingFile } from '../../utils/raster-files';

type UploadService = {
  upload(args: { data: unknown; files: IncomingFile | IncomingFile[] }, opts?: unknown): Promise<unknown>;
  replace(id: unknown, args: { data: unknown; file: IncomingFile }, opts?: unknown): Promise<unknown>;
} & Record<string, unknown>;
type Plugin = { services: Record<string, (deps: { strapi: unknown }) => UploadService> };

/**
 * Every way Strapi stores a file (the admin's and the Content API's upload, a replacement by
 * `?id=` or `/files/:id/replace`, the media library's "from URL", whatever the letter case of the
 * route) ends in the upload service's `upload` or `replace`: the bytes are checked there, once,
 * before anything is stored (utils/raster-files.ts).
 * https://docs.strapi.io/cms/plugins-development/plugins-extension
 */
export default (plugin: Plugin) => {
  const create = plugin.services.upload;
  plugin.services.upload = (deps) => {
    const service = create(deps);
    return {
      ...service,
      async upload(args, opts) {
        await assertRasterFiles(args.files);
        return service.upload(args, opts);
      },
      async replace(id, args, opts) {
        await assertRasterFiles(args.file);
        return service.replace(id, args, opts);
      },
    };
  };
  return plugin;
};

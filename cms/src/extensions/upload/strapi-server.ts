import createError from 'http-errors';
import { assertRasterFiles, type IncomingFile } from '../../utils/raster-files';
import { objectStorage } from '../../utils/object-storage';

type UploadService = {
  upload(args: { data: unknown; files: IncomingFile | IncomingFile[] }, opts?: unknown): Promise<unknown>;
  replace(id: unknown, args: { data: unknown; file: IncomingFile }, opts?: unknown): Promise<unknown>;
} & Record<string, unknown>;
type Provider = Record<string, unknown>;
type Strapi = {
  plugin(name: 'upload'): { provider: Provider };
  log: { error(message: string): void };
};
type Plugin = {
  services: Record<string, (deps: { strapi: unknown }) => UploadService>;
  register(deps: { strapi: Strapi }): Promise<void> | void;
};

/** What the editor is told when the bucket does not answer or refuses, per provider call. */
const STORAGE_FAILED: Record<string, string> = {
  upload: 'Không lưu được ảnh vào kho lưu trữ ảnh, nên ảnh chưa được tải lên. Hãy thử lại sau ít phút.',
  delete: 'Không xóa được ảnh khỏi kho lưu trữ ảnh, nên ảnh vẫn còn trong thư viện. Hãy thử lại sau ít phút.',
};
const STORAGE_CALLS: Record<string, keyof typeof STORAGE_FAILED> = {
  upload: 'upload',
  uploadStream: 'upload',
  replace: 'upload',
  replaceStream: 'upload',
  delete: 'delete',
};

/**
 * On object storage (utils/object-storage.ts), a bucket that cannot be reached or refuses the
 * request fails the editor's action with 503 and the reason in Vietnamese, not a bare 500; the
 * cause goes to the log. Strapi writes the database after the provider, so nothing is recorded.
 */
function explainStorageFailures(strapi: Strapi) {
  const provider = strapi.plugin('upload').provider;
  for (const [name, action] of Object.entries(STORAGE_CALLS)) {
    const call = provider[name];
    if (typeof call !== 'function') continue;
    provider[name] = async (...args: unknown[]) => {
      try {
        return await call.apply(provider, args);
      } catch (error) {
        strapi.log.error(`Object storage: ${name} failed: ${(error as Error).stack ?? error}`);
        throw createError(503, `${STORAGE_FAILED[action]} (${(error as Error).message || (error as Error).name})`);
      }
    };
  }
}

/**
 * Every way Strapi stores a file (the admin's and the Content API's upload, a replacement by
 * `?id=` or `/files/:id/replace`, the media library's "from URL", whatever the letter case of the
 * route) ends in the upload service's `upload` or `replace`: the bytes are checked there, once,
 * before anything is stored (utils/raster-files.ts).
 * https://docs.strapi.io/cms/plugins-development/plugins-extension
 */
export default (plugin: Plugin) => {
  const register = plugin.register;
  plugin.register = async (deps) => {
    await register(deps);
    if (objectStorage()) explainStorageFailures(deps.strapi);
  };
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

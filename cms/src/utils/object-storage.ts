/**
 * Uploads on S3-compatible object storage (AWS S3, Cloudflare R2, MinIO, Ceph, …) instead of the
 * CMS's own `public/uploads`: the way several CMS processes on several machines share the media
 * library. On when `UPLOAD_S3_BUCKET` is set; readers then fetch the files from `MEDIA_URL` (the
 * bucket's public address, or the CDN in front of it), which the CMS writes into every file's URL and
 * the site's build allows as an image source (site/astro.config.mjs).
 * https://docs.strapi.io/cms/configurations/media-library-providers/amazon-s3
 */
export interface ObjectStorage {
  bucket: string;
  /** The public base URL of the files, without a trailing slash. */
  mediaUrl: string;
  /** The options of `@strapi/provider-upload-aws-s3` (its `providerOptions`). */
  providerOptions: Record<string, unknown>;
  /** The upload plugin's `actionOptions`: what the provider adds to each request. */
  actionOptions: Record<string, unknown>;
}

/**
 * As nginx answers for `/uploads/` (scripts/deploy/nginx.conf): a file an editor replaces in the
 * media library keeps its URL, so caches keep it minutes only (and revalidate by ETag after).
 */
const CACHE_CONTROL = 'public, max-age=300';

type Env = Record<string, string | undefined>;

/** Reads the object-storage settings; null when uploads stay on the CMS's disk. Bad settings throw, naming the variable. */
export function objectStorage(env: Env = process.env): ObjectStorage | null {
  const bucket = env.UPLOAD_S3_BUCKET?.trim();
  if (!bucket) return null;
  const required = (name: string) => {
    const value = env[name]?.trim();
    if (!value) throw new Error(`UPLOAD_S3_BUCKET is set, so ${name} must be set too (see cms/.env.example).`);
    return value;
  };
  const url = (name: string, value: string) => {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new Error(`${name} must be an http(s) URL, got "${value}".`);
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
      throw new Error(`${name} must be an http(s) URL, got "${value}".`);
    if (parsed.search || parsed.hash) throw new Error(`${name} must not carry a query or fragment, got "${value}".`);
    return value.replace(/\/+$/, '');
  };

  const mediaUrl = url('MEDIA_URL', required('MEDIA_URL'));
  const endpoint = env.UPLOAD_S3_ENDPOINT?.trim()
    ? url('UPLOAD_S3_ENDPOINT', env.UPLOAD_S3_ENDPOINT.trim())
    : undefined;
  // Buckets made since 2023 refuse ACLs by default ("bucket owner enforced"): `none` sends none, and
  // the bucket's policy makes the files public instead.
  const acl = env.UPLOAD_S3_ACL?.trim() || 'public-read';
  if (acl === 'private')
    throw new Error(
      'UPLOAD_S3_ACL=private would hide the photos from readers and from the site build: use public-read, or none with a bucket policy that lets everyone read.'
    );
  if (acl !== 'public-read' && acl !== 'none')
    throw new Error(`UPLOAD_S3_ACL must be public-read or none, got "${acl}".`);
  const rootPath = env.UPLOAD_S3_ROOT_PATH?.trim().replace(/^\/+|\/+$/g, '') || undefined;

  return {
    bucket,
    mediaUrl: rootPath ? `${mediaUrl}/${rootPath}` : mediaUrl,
    providerOptions: {
      // The provider appends the object's key (rootPath included) to baseUrl.
      baseUrl: mediaUrl,
      rootPath,
      s3Options: {
        credentials: {
          accessKeyId: required('UPLOAD_S3_ACCESS_KEY_ID'),
          secretAccessKey: required('UPLOAD_S3_SECRET_ACCESS_KEY'),
        },
        region: env.UPLOAD_S3_REGION?.trim() || 'us-east-1',
        ...(endpoint ? { endpoint } : {}),
        // MinIO, Ceph and most self-hosted stores answer at <endpoint>/<bucket>, not <bucket>.<endpoint>.
        forcePathStyle: (env.UPLOAD_S3_FORCE_PATH_STYLE ?? (endpoint ? 'true' : 'false')) === 'true',
        // Checksums only where S3 requires them: stores other than AWS do not all read the
        // streamed trailing checksums the SDK sends by default since 2025.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        // An ACL key that is present but empty sends none (an absent one means public-read).
        params: { Bucket: bucket, ACL: acl === 'none' ? undefined : acl },
      },
    },
    actionOptions: { upload: { CacheControl: CACHE_CONTROL }, uploadStream: { CacheControl: CACHE_CONTROL } },
  };
}

/** The origin readers (and the admin's thumbnails) load media from, for Content-Security-Policy lists. */
export const mediaOrigin = (storage: ObjectStorage | null) => (storage ? new URL(storage.mediaUrl).origin : null);

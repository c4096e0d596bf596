import { describe, expect, it } from 'vitest';
import { mediaOrigin, objectStorage } from './object-storage';

const BASE = {
  UPLOAD_S3_BUCKET: 'tin-media',
  UPLOAD_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
  UPLOAD_S3_SECRET_ACCESS_KEY: 'secret',
  MEDIA_URL: 'https://media.tin.example.vn/',
};
const s3Options = (env: Record<string, string>) =>
  objectStorage(env)!.providerOptions.s3Options as Record<string, unknown> & { params: Record<string, unknown> };

describe('object storage settings', () => {
  it('are off without a bucket, whatever else is set', () => {
    expect(objectStorage({})).toBeNull();
    expect(objectStorage({ ...BASE, UPLOAD_S3_BUCKET: '  ' })).toBeNull();
    expect(mediaOrigin(null)).toBeNull();
  });

  it('on AWS: virtual-hosted buckets, public-read files, URLs on MEDIA_URL', () => {
    const storage = objectStorage(BASE)!;
    expect(storage.mediaUrl).toBe('https://media.tin.example.vn');
    expect(storage.providerOptions.baseUrl).toBe('https://media.tin.example.vn');
    const options = s3Options(BASE);
    expect(options).toMatchObject({ region: 'us-east-1', forcePathStyle: false });
    expect(options).not.toHaveProperty('endpoint');
    expect(options.params).toEqual({ Bucket: 'tin-media', ACL: 'public-read' });
    expect(mediaOrigin(storage)).toBe('https://media.tin.example.vn');
  });

  it('on an S3-compatible store: its endpoint, path-style, and a root path in every URL', () => {
    const env = { ...BASE, UPLOAD_S3_ENDPOINT: 'http://10.0.0.5:9000/', UPLOAD_S3_ROOT_PATH: '/toa-soan/' };
    const storage = objectStorage(env)!;
    expect(s3Options(env)).toMatchObject({ endpoint: 'http://10.0.0.5:9000', forcePathStyle: true });
    expect(storage.providerOptions.rootPath).toBe('toa-soan');
    expect(storage.mediaUrl).toBe('https://media.tin.example.vn/toa-soan');
    expect(s3Options({ ...env, UPLOAD_S3_FORCE_PATH_STYLE: 'false' }).forcePathStyle).toBe(false);
  });

  it('UPLOAD_S3_ACL=none sends no ACL (the key is present, so the provider adds no default)', () => {
    const params = s3Options({ ...BASE, UPLOAD_S3_ACL: 'none' }).params;
    expect('ACL' in params).toBe(true);
    expect(params.ACL).toBeUndefined();
  });

  it.each([
    [{ MEDIA_URL: '' }, /MEDIA_URL must be set/],
    [{ UPLOAD_S3_ACCESS_KEY_ID: '' }, /UPLOAD_S3_ACCESS_KEY_ID must be set/],
    [{ UPLOAD_S3_SECRET_ACCESS_KEY: '' }, /UPLOAD_S3_SECRET_ACCESS_KEY must be set/],
    [{ MEDIA_URL: 'media.tin.example.vn' }, /MEDIA_URL must be an http\(s\) URL/],
    [{ MEDIA_URL: 'ftp://media.tin.example.vn' }, /MEDIA_URL must be an http\(s\) URL/],
    [{ MEDIA_URL: 'https://media.tin.example.vn/?v=1' }, /MEDIA_URL must not carry a query/],
    [{ UPLOAD_S3_ENDPOINT: 'javascript:alert(1)' }, /UPLOAD_S3_ENDPOINT must be an http\(s\) URL/],
    [{ UPLOAD_S3_ACL: 'public-read-write' }, /UPLOAD_S3_ACL must be public-read or none/],
    [{ UPLOAD_S3_ACL: 'private' }, /would hide the photos from readers/],
  ])('%o is refused, naming the setting', (change, message) => {
    expect(() => objectStorage({ ...BASE, ...change })).toThrow(message);
  });
});

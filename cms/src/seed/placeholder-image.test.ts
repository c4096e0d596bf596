import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { placeholderJpeg } from './placeholder-image';

describe('seed placeholder photos', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'placeholder-test-'));
    process.env.SEED_PHOTO_CACHE = dir;
  });
  afterEach(() => {
    delete process.env.SEED_PHOTO_CACHE;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('are the same bytes from the cache as drawn afresh, and one file per picture', async () => {
    const first = await placeholderJpeg(2, 'Người dân Thiệu Hóa ra đồng', 320, 200);
    expect(fs.readdirSync(dir)).toHaveLength(1);
    const again = await placeholderJpeg(2, 'Người dân Thiệu Hóa ra đồng', 320, 200);
    process.env.SEED_PHOTO_CACHE = 'off';
    const drawn = await placeholderJpeg(2, 'Người dân Thiệu Hóa ra đồng', 320, 200);
    expect(again.equals(first)).toBe(true);
    expect(drawn.equals(first)).toBe(true);
    process.env.SEED_PHOTO_CACHE = dir;
    await placeholderJpeg(3, 'Người dân Thiệu Hóa ra đồng', 320, 200);
    expect(fs.readdirSync(dir)).toHaveLength(2);
  });

  it('draws again over a cached file that is not a whole JPEG', async () => {
    const drawn = await placeholderJpeg(0, 'Cầu mới', 320, 200);
    const [name] = fs.readdirSync(dir);
    fs.writeFileSync(path.join(dir, name), drawn.subarray(0, 100));
    const again = await placeholderJpeg(0, 'Cầu mới', 320, 200);
    expect(again.equals(drawn)).toBe(true);
    expect(fs.readFileSync(path.join(dir, name)).equals(drawn)).toBe(true);
  });
});

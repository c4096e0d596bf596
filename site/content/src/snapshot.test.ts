import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readSnapshot, writeSnapshot, type Snapshot } from './snapshot';

const article = (i: number) =>
  ({
    documentId: `doc${i}`,
    title: `Tin "số" ${i} – Thiệu Hóa`,
    slug: `tin-so-${i}`,
    lead: `Sa-pô ${i}\n`,
    body: null,
    publicationDate: '2026-11-29T02:30:00.000Z',
    photos: [],
    tags: [],
    authors: [],
  }) as unknown as Snapshot['articles'][number];

describe('content snapshots on disk', () => {
  it('reads back exactly what was written, whatever the number of articles', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-snapshot-'));
    try {
      for (const n of [0, 1, 250, 251, 1234]) {
        const snapshot: Snapshot = {
          version: 1,
          fetchedAt: '2026-11-29T00:00:00.000Z',
          articles: Array.from({ length: n }, (_, i) => article(i)),
          categories: [{ documentId: 'c', name: 'Thời sự', slug: 'thoi-su', menuOrder: 1 }],
          authors: [],
          tags: [],
          polls: [],
          ...(n % 2 ? { renderedAt: '2026-11-29T01:00:00.000Z', redirects: [] } : {}),
        };
        const file = path.join(dir, `s${n}.json`);
        await writeSnapshot(file, snapshot);
        expect(readSnapshot(file)).toEqual(snapshot);
        expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(JSON.parse(JSON.stringify(snapshot)));
        expect(fs.existsSync(`${file}.tmp`)).toBe(false);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

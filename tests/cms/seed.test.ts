/** `npm run seed` is deterministic and idempotent, on both databases. */
import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASES, isolatedEnv, ROOT, sql } from '../helpers/cms';

/**
 * Runs `npm run seed` without blocking the test worker (spawnSync would stall its event loop for
 * the whole seed, and vitest's messages to the worker time out on a busy machine).
 */
async function seed(env: Record<string, string>, articles: number, ...flags: string[]) {
  const child = spawn('npm', ['run', '--silent', 'seed', '--', '--articles', String(articles), ...flags], {
    cwd: ROOT,
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 240_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  expect(status, stderr + stdout).toBe(0);
  const summary = stdout.trim().split('\n').pop()!;
  return {
    ...(JSON.parse(summary) as { created: Record<string, number>; totals: Record<string, number> }),
    stdout,
  };
}

type Env = { env: Record<string, string> };
type Row = Record<string, unknown>;

/**
 * Every table of a seeded database, as the bulk path must match it: the articles and their link
 * tables row for row, with what is random or clock-made (ids, document ids, timestamps) replaced by
 * what it must be the same as; every other table by its number of rows.
 */
async function contents(db: Env): Promise<Record<string, unknown[]>> {
  const tables = (
    db.env.DATABASE_URL
      ? await sql(db, "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'")
      : await sql(db, "SELECT name FROM sqlite_master WHERE type = 'table'")
  ).map((t: Row) => String(t.name));
  const articles: Row[] = await sql(db, 'SELECT * FROM articles');
  const version = new Map(
    articles.map((a) => [a.id, `${a.source_key}:${a.published_at === null ? 'draft' : 'published'}`])
  );
  // Demo dates count back from the hour of seeding: compare them as offsets from the newest.
  const newest = Math.max(
    ...articles
      .filter((a) => String(a.source_key).startsWith('demo-'))
      .map((a) => new Date(a.publication_date as string).getTime())
  );
  const sorted = (rows: Row[]) => rows.map((r) => JSON.stringify(r)).sort();
  const out: Record<string, unknown[]> = {};
  for (const table of tables.sort()) {
    if (table === 'articles') {
      const byDocument = new Map<unknown, Row[]>();
      for (const a of articles) byDocument.set(a.document_id, [...(byDocument.get(a.document_id) ?? []), a]);
      out[table] = sorted(
        articles.map(({ id: _id, document_id, created_at, updated_at, published_at, publication_date, ...rest }) => ({
          ...rest,
          // One draft and one published row per document, both written at its creation.
          versions: byDocument
            .get(document_id)!
            .map((v) => (v.published_at === null ? 'draft' : 'published'))
            .sort(),
          written: created_at !== null && String(created_at) === String(updated_at),
          published: published_at !== null,
          publicationDate: String(rest.source_key).startsWith('demo-')
            ? newest - new Date(publication_date as string).getTime()
            : publication_date,
        }))
      );
    } else if (table.startsWith('articles_') && table.endsWith('_lnk')) {
      out[table] = sorted(
        (await sql(db, `SELECT * FROM ${table}`)).map(({ id: _id, article_id, ...rest }: Row) => ({
          article: version.get(article_id),
          ...rest,
        }))
      );
    } else {
      out[table] = [Number((await sql(db, `SELECT count(*) AS n FROM ${table}`))[0].n)];
    }
  }
  return out;
}

describe.each(DATABASES)('npm run seed on %s', (database) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups) await cleanup();
  });

  // One story of each kind, on two databases seeded side by side (each run boots Strapi: tens of
  // seconds on a busy machine, so the runs are shared by what they prove).
  it('seeds N articles plus the seed article, in bulk exactly as the Document Service does, table by table; a run for more adds only the difference, by either path after the other', async () => {
    const [viaDocuments, inBulk] = await Promise.all([isolatedEnv(database), isolatedEnv(database)]);
    cleanups.push(viaDocuments.cleanup, inBulk.cleanup);
    // 80 generated titles include one twice (the 29th and the 72nd): the slug's "-2" is part of what must match.
    const [documents, bulk] = await Promise.all([
      seed(viaDocuments.env, 80, '--document-service'),
      seed(inBulk.env, 80),
    ]);
    for (const first of [documents, bulk]) {
      expect(first.stdout).toMatch(/Seeding articles: 81\/81/);
      expect(first.created).toEqual({ articles: 81, photos: 20, authors: 6, categories: 8, tags: 21, polls: 2 });
      expect(first.totals).toEqual(first.created);
    }

    const expected = await contents(viaDocuments);
    const actual = await contents(inBulk);
    expect(Object.keys(actual)).toEqual(Object.keys(expected));
    for (const table of Object.keys(expected)) expect(actual[table], table).toEqual(expected[table]);
    const [{ n: suffixed }] = await sql(inBulk, "SELECT count(*) AS n FROM articles WHERE slug LIKE '%-2'");
    expect(Number(suffixed)).toBeGreaterThan(0);

    // Each goes on by the other path: nothing seeded is made again, only the two new stories; the
    // Document Service writes after the bulk path (ids, sequences and all), and the bulk path after it.
    const [bulkAfterDocuments, documentsAfterBulk] = await Promise.all([
      seed(viaDocuments.env, 82),
      seed(inBulk.env, 82, '--document-service'),
    ]);
    for (const more of [bulkAfterDocuments, documentsAfterBulk]) {
      expect(more.created).toEqual({ articles: 2, photos: 0, authors: 0, categories: 0, tags: 0, polls: 0 });
      expect(more.totals).toEqual({ ...documents.totals, articles: 83 });
    }
    const after = await contents(viaDocuments);
    const afterBulk = await contents(inBulk);
    for (const table of Object.keys(after)) expect(afterBulk[table], table).toEqual(after[table]);
  }, 600_000);
});

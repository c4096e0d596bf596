import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import SQLite from 'better-sqlite3';
import { inject } from 'vitest';
import { withCmsHeapLimit } from '@newsroom/publisher/bin';
import { generateSecrets } from '@newsroom/scripts/secrets';
import { DEMO_DESK } from '@newsroom/contracts/desk';
import { createDatabase, databaseUrl, dropPgDatabase, TEMPLATE_FILE } from './databases';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const CMS_DIR = path.join(ROOT, 'cms');
export const STRAPI_BIN = path.join(ROOT, 'node_modules', '.bin', 'strapi');

/** The real article the seed loads (cms/src/seed/fixtures/seed-article.json), as the suites compare it. */
export interface SeedFixture {
  title: string;
  lead: string;
  body: (string | { photo: number })[];
  photos: { caption: string; credit?: string; alt: string }[];
}
export const SEED_FIXTURE = JSON.parse(
  fs.readFileSync(path.join(CMS_DIR, 'src', 'seed', 'fixtures', 'seed-article.json'), 'utf8')
) as SeedFixture;

export type Database = 'sqlite' | 'postgres';
/** Which databases the CMS suites run on: CMS_TEST_DATABASES=sqlite,postgres (default both). */
export const DATABASES = (process.env.CMS_TEST_DATABASES ?? 'sqlite,postgres').split(',') as Database[];

export const ADMIN = { email: 'editor@toasoan.example', password: 'Test1234-editor' };

/**
 * The demo desk's accounts (contracts/desk.ts) with this run's passwords, as `npm run setup` writes
 * them: the same in every test file of a run (they log in to CMSes started from one seeded database).
 */
export const DESK = Object.fromEntries(
  DEMO_DESK.map((person) => [
    person.email,
    {
      ...person,
      password: `Tq${createHash('sha256')
        .update(`${inject('testRunSecret')}:${person.email}`)
        .digest('base64url')
        .slice(0, 12)}7`,
    },
  ])
);

/** Whether a server can listen on `port` of 127.0.0.1 now. */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * The first port of the kernel's ephemeral range: the ports it hands out on its own, to
 * `listen(0)` and to every outgoing connection's local end.
 */
function ephemeralStart(): number {
  try {
    const [low] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && low > 12_000) return low;
  } catch {
    // not Linux: below Linux's default start, and IANA's (49152, macOS and Windows)
  }
  return 32_768;
}

/**
 * A port for a server a test starts later (after the CMS it must name, say). Below the ephemeral
 * range: a port the kernel picked (`listen(0)`) can be handed to another process's outgoing
 * connection before the server binds it (EADDRINUSE, seen in CI); one below it is only ever taken
 * by an explicit bind, and it is checked free.
 */
export async function freePort(): Promise<number> {
  const low = 10_000;
  const high = ephemeralStart();
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await canListen(port)) return port;
  }
  throw new Error(`No free port between ${low} and ${high} on 127.0.0.1 after 100 tries.`);
}

/** The files of a CMS environment, all in `dir`. */
function filesIn(dir: string) {
  return {
    // Its temporary files (uploads on their way in) where a suite can see them, and go with it.
    TMPDIR: path.join(dir, 'tmp'),
    ENV_PATH: path.join(dir, 'cms.env'),
    PUBLIC_DIR: path.join(dir, 'public'),
    SITE_ENV_FILE: path.join(dir, 'site.env'),
    // Not site/.preview.env, the checkout's own (`npm start` and its preview service read it).
    PREVIEW_ENV_FILE: path.join(dir, 'preview.env'),
  };
}

/** A fresh, isolated CMS environment: its own database, uploads dir, secrets and site env file. */
export async function isolatedEnv(database: Database, extra: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cms-'));
  const files = filesIn(dir);
  fs.writeFileSync(files.ENV_PATH, '');
  fs.mkdirSync(path.join(files.PUBLIC_DIR, 'uploads'), { recursive: true });
  fs.mkdirSync(files.TMPDIR);
  const env: Record<string, string> = {
    ...files,
    // The seed's drawn photos are the same for every CMS: kept once for all of them.
    SEED_PHOTO_CACHE: path.join(os.tmpdir(), 'newsroom-seed-photos'),
    HOST: '127.0.0.1',
    PORT: String(await freePort()),
    SERVE_ADMIN: 'false',
    ...generateSecrets(),
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...Object.fromEntries(Object.values(DESK).map((person) => [person.passwordEnv, person.password])),
    SEED_DEMO_ARTICLES: '3',
    STRAPI_TELEMETRY_DISABLED: 'true',
    CMS_SKIP_COMPILE: '1',
    NODE_ENV: 'production',
    ...extra,
  };
  let dropDatabase = async () => {};
  if (database === 'postgres') {
    const name = await createDatabase();
    env.DATABASE_URL = databaseUrl(name);
    dropDatabase = () => dropPgDatabase(name);
  } else {
    env.DATABASE_CLIENT = 'sqlite';
    env.DATABASE_FILENAME = path.join(dir, 'data.db');
  }
  return withCleanup(dir, env, dropDatabase);
}

/** A CMS environment in `dir`, and how to remove it with its database. */
function withCleanup(dir: string, env: Record<string, string>, dropDatabase: () => Promise<void>) {
  return {
    dir,
    env,
    async cleanup() {
      await dropDatabase();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What a CMS's environment sets that its seeded database depends on: what a template is made with. */
const SEED_SETTINGS = ['SEED_DEMO_ARTICLES', 'SEED_DEMO'];

/**
 * Settings a CMS reads as it runs and never into what its first start stores: a CMS started with
 * only these (and the seed's) can start from a copy of a database seeded earlier in the run. Any
 * other setting (object storage, say) gets a database of its own, seeded at its start.
 */
const RUNTIME_SETTINGS = new Set([
  'PUBLISH_WEBHOOK_URL',
  'PUBLISH_WEBHOOK_SECRET',
  'SCHEDULE_SWEEP_SECONDS',
  'SERVE_ADMIN',
  'SITE_ORIGINS',
  'POLL_RATE_LIMIT',
  'POLL_RATE_WINDOW_SECONDS',
  'GITHUB_DISPATCH_REPO',
  'GITHUB_DISPATCH_TOKEN',
  'GITHUB_API_URL',
  'GITHUB_DISPATCH_DEBOUNCE_MS',
  'PREVIEW_URL',
  'PREVIEW_SECRET',
  'PREVIEW_ENV_FILE',
]);

/** A CMS stopped right after its first start (seeded, its tokens and desk made), to start copies of. */
interface Template {
  database: Database;
  dir: string;
  env: Record<string, string>;
  /** The first start's output: what it logged seeding, making tokens and accounts. */
  log: string;
}

/**
 * The template for `database` seeded as `seed` says: made by the first test file that asks (the
 * others wait for it), once per `npm test`. Null when it could not be made: then every CMS is
 * seeded at its own start, as without templates.
 */
async function template(database: Database, seed: Record<string, string>): Promise<Template | null> {
  const key = createHash('sha256')
    .update(JSON.stringify([database, seed]))
    .digest('hex')
    .slice(0, 16);
  const dir = path.join(inject('cmsTemplates'), key);
  const ready = path.join(dir, TEMPLATE_FILE);
  const failed = path.join(dir, 'failed');
  try {
    fs.mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const deadline = Date.now() + 300_000;
    while (Date.now() < deadline) {
      if (fs.existsSync(ready)) return JSON.parse(fs.readFileSync(ready, 'utf8')) as Template;
      if (fs.existsSync(failed)) return null;
      await new Promise((r) => setTimeout(r, 200));
    }
    return null;
  }
  let made: Awaited<ReturnType<typeof isolatedEnv>> | undefined;
  try {
    made = await isolatedEnv(database, seed);
    const cms = await runCms(made);
    const log = cms.log();
    await cms.stop();
    const result: Template = { database, dir: made.dir, env: made.env, log };
    fs.writeFileSync(`${ready}.tmp`, JSON.stringify(result));
    fs.renameSync(`${ready}.tmp`, ready);
    return result;
  } catch (error) {
    fs.writeFileSync(failed, String((error as Error).stack ?? error));
    await made?.cleanup();
    return null;
  }
}

/** A CMS environment holding a copy of `template`'s database, uploads, secrets and tokens. */
async function copyOf(template: Template, extra: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-cms-'));
  const files = filesIn(dir);
  fs.cpSync(template.env.PUBLIC_DIR, files.PUBLIC_DIR, { recursive: true });
  fs.mkdirSync(files.TMPDIR);
  for (const key of ['ENV_PATH', 'SITE_ENV_FILE', 'PREVIEW_ENV_FILE'] as const)
    if (fs.existsSync(template.env[key])) fs.copyFileSync(template.env[key], files[key]);
  const env: Record<string, string> = { ...template.env, ...files, PORT: String(await freePort()) };
  let dropDatabase = async () => {};
  if (template.database === 'postgres') {
    const name = await createDatabase(new URL(template.env.DATABASE_URL).pathname.slice(1));
    env.DATABASE_URL = databaseUrl(name);
    dropDatabase = () => dropPgDatabase(name);
  } else {
    env.DATABASE_FILENAME = path.join(dir, 'data.db');
    // Stopped cleanly, SQLite's journal is empty; copied with it if not.
    for (const suffix of ['', '-wal', '-shm'])
      if (fs.existsSync(template.env.DATABASE_FILENAME + suffix))
        fs.copyFileSync(template.env.DATABASE_FILENAME + suffix, env.DATABASE_FILENAME + suffix);
  }
  return withCleanup(dir, { ...env, ...extra }, dropDatabase);
}

export interface RunningCms {
  url: string;
  env: Record<string, string>;
  dir: string;
  log: () => string;
  /** Stops the server (keeping its database and files) so it can be started again. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and removes its database and files. */
  destroy(): Promise<void>;
  adminJwt(): Promise<string>;
  /** A full-access API token, created through the admin API as an editor would. */
  fullAccessToken(): Promise<string>;
}

/**
 * Boots the real CMS (`strapi start`, compiled by the global setup, no admin panel) over HTTP, on a
 * database of its own. Seeding one takes most of a first start (6-10 s of a core, more than Strapi
 * itself): a CMS whose settings are the seed's and RUNTIME_SETTINGS only starts on a copy of a
 * database seeded once in this run by the same code (a template), and its log begins with that
 * first start's.
 */
export async function startCms(database: Database, extra: Record<string, string> = {}): Promise<RunningCms> {
  const seed = Object.fromEntries(
    Object.entries({ SEED_DEMO_ARTICLES: '3', ...extra }).filter(([key]) => SEED_SETTINGS.includes(key))
  );
  const runtimeOnly = Object.keys(extra).every((key) => SEED_SETTINGS.includes(key) || RUNTIME_SETTINGS.has(key));
  const made = runtimeOnly ? await template(database, seed) : null;
  if (!made) return runCms(await isolatedEnv(database, extra));
  return runCms({ ...(await copyOf(made, extra)), prelude: made.log });
}

/**
 * A second CMS process on `primary`'s database, uploads and secrets (the production shape: several
 * CMS processes behind one proxy). Destroying it stops it and leaves the shared data to `primary`.
 */
export async function startCmsReplica(primary: RunningCms, extra: Record<string, string> = {}): Promise<RunningCms> {
  const env = { ...primary.env, PORT: String(await freePort()), ...extra };
  return runCms({ dir: primary.dir, env, cleanup: async () => {} });
}

/**
 * `count` CMS processes on one database, uploads and secrets, started at the same moment (as
 * `docker compose up` starts replicas): the production shape behind nginx. The first owns the data;
 * destroying it removes them (stop the others first).
 */
export async function startCmsCluster(
  database: Database,
  count: number,
  extra: Record<string, string> = {}
): Promise<RunningCms[]> {
  const shared = await isolatedEnv(database, extra);
  const ports = await Promise.all(Array.from({ length: count }, () => freePort()));
  const started = await Promise.allSettled(
    ports.map((port, i) =>
      runCms({
        dir: shared.dir,
        env: { ...shared.env, PORT: String(port) },
        cleanup: i === 0 ? shared.cleanup : async () => {},
      })
    )
  );
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : undefined)));
    await shared.cleanup();
    throw (failed as PromiseRejectedResult).reason;
  }
  return started.map((s) => (s as PromiseFulfilledResult<RunningCms>).value);
}

async function runCms({
  dir,
  env,
  cleanup,
  prelude = '',
}: {
  dir: string;
  env: Record<string, string>;
  cleanup: () => Promise<void>;
  /** What the log begins with: the output of the first start of the database's template. */
  prelude?: string;
}): Promise<RunningCms> {
  const url = `http://127.0.0.1:${env.PORT}`;
  let child: ChildProcess | undefined;
  let output = '';

  async function start() {
    output = '';
    child = spawn(STRAPI_BIN, ['start'], {
      cwd: CMS_DIR,
      // As npm start and docker-compose.yml run it.
      env: withCmsHeapLimit({ ...process.env, ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`Strapi exited (${child.exitCode}) before it answered:\n${output}`);
      try {
        const res = await fetch(`${url}/_health`);
        if (res.status === 204) return;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    throw new Error(`Strapi did not answer at ${url} within 180 s:\n${output}`);
  }

  async function stop() {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  }

  let jwt: string | undefined;
  async function adminJwt() {
    if (jwt) return jwt;
    const res = await fetch(`${url}/admin/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    if (!res.ok) throw new Error(`admin login failed: ${res.status} ${await res.text()}`);
    jwt = ((await res.json()) as { data: { token: string } }).data.token;
    return jwt;
  }

  let fullAccess: string | undefined;
  async function fullAccessToken() {
    if (fullAccess) return fullAccess;
    const res = await fetch(`${url}/admin/api-tokens`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${await adminJwt()}` },
      body: JSON.stringify({ name: `tests-${randomBytes(3).toString('hex')}`, type: 'full-access', lifespan: null }),
    });
    if (!res.ok) throw new Error(`creating a full-access token failed: ${res.status} ${await res.text()}`);
    fullAccess = ((await res.json()) as { data: { accessKey: string } }).data.accessKey;
    return fullAccess;
  }

  await start();
  return {
    url,
    env,
    dir,
    log: () => prelude + output,
    start,
    stop,
    async destroy() {
      await stop();
      await cleanup();
    },
    adminJwt,
    fullAccessToken,
  };
}

/**
 * A GET, sent once more if the connection was reset before any answer came: the keep-alive race,
 * where the server closes an idle connection just as the client reuses it. Safe for a GET only.
 */
export async function get(url: string, init: RequestInit = {}) {
  try {
    return await fetch(url, init);
  } catch (error) {
    const code = ((error as Error).cause as { code?: string } | undefined)?.code;
    if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw error;
    return fetch(url, init);
  }
}

/**
 * A GET of `rawPath` exactly as written: `fetch` (like a browser) resolves `..` before sending,
 * which an attacker's client need not do.
 */
export function rawGet(base: string, rawPath: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(base);
    http
      .get({ hostname, port, path: rawPath }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

/** JSON over HTTP with an optional bearer token; returns status and parsed body. */
export async function api(url: string, init: { method?: string; token?: string; body?: unknown } = {}) {
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers: {
      ...(init.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
    },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = { raw: text };
  }
  return { status: res.status, json, text };
}

/** Uploads one file through the Content API (`POST /api/upload`), as an editor's tool would. */
export async function uploadFile(
  cms: Pick<RunningCms, 'url'>,
  token: string,
  name: string,
  type: string,
  content: Uint8Array<ArrayBuffer> | string
) {
  const form = new FormData();
  form.append('files', new Blob([content], { type }), name);
  const res = await fetch(`${cms.url}/api/upload`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, json: (await res.json()) as any };
}

/**
 * Runs one SQL statement on a test CMS's own database (SQLite file or PostgreSQL), as an operator
 * would: for states no API can produce, such as "the time came while every CMS was down".
 * Placeholders are `?`.
 */
export async function sql(cms: Pick<RunningCms, 'env'>, statement: string, params: unknown[] = []) {
  if (cms.env.DATABASE_URL) {
    const client = new pg.Client({ connectionString: cms.env.DATABASE_URL });
    await client.connect();
    try {
      let n = 0;
      return (
        await client.query(
          statement.replace(/\?/g, () => `$${++n}`),
          params
        )
      ).rows;
    } finally {
      await client.end();
    }
  }
  const db = new SQLite(cms.env.DATABASE_FILENAME);
  try {
    const prepared = db.prepare(statement);
    return prepared.reader ? prepared.all(...params) : (prepared.run(...params), []);
  } finally {
    db.close();
  }
}

/** An admin JWT for one of the demo desk's accounts (DESK), logging in as that person does. */
export async function deskJwt(cms: RunningCms, email: string): Promise<string> {
  const res = await fetch(`${cms.url}/admin/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: DESK[email].password }),
  });
  if (!res.ok) throw new Error(`login as ${email} failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { data: { token: string } }).data.token;
}

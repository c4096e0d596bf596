import { spawn, type ChildProcess } from 'node:child_process';
import { bin, quietEnv } from './bin.js';
import { SITE_DIR } from './paths.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  COMPILED_BY,
  JOB_OVER_IPC,
  parseBuildMessage,
  type BuildJob,
  type BuildMessage,
} from '@newsroom/content/build-protocol';
import { mergeInto } from './releases.js';
import { buildSearchIndex, indexProcesses, type SearchIndexOptions } from '@newsroom/content/search-index';

/** The last lines a failed command printed: the cause, for logs and /status. */
const OUT_OF_MEMORY = /JavaScript heap out of memory|Reached heap limit/;

function tail(output: string, lines = 12) {
  return output.trim().split('\n').slice(-lines).join('\n');
}

export interface RunOptions {
  /** Kills the command (the whole process group: Astro and its workers). */
  signal?: AbortSignal;
  onOutput?: (chunk: string) => void;
  /** Opens an IPC channel to the child and hands it over. */
  onChild?: (child: ChildProcess) => void;
  /** A niceness for the command (os.setPriority; the processes it starts inherit it): 10 to give way. */
  priority?: number;
}

/**
 * Runs process `pid` at niceness `priority`. A detached command leads a session of its own, and
 * where Linux groups the CPU by session (autogroup, on by default on desktops and many servers) a
 * niceness only ranks the processes inside that group: the command would still get as much of the
 * cores as the publish it should give way to. Its group's niceness ranks it among the others.
 * https://man7.org/linux/man-pages/man7/sched.7.html ("The autogroup feature")
 */
function giveWay(pid: number, priority: number) {
  try {
    os.setPriority(pid, priority);
  } catch {
    // not allowed here: it runs at the publisher's own priority
  }
  try {
    fs.writeFileSync(`/proc/${pid}/autogroup`, String(priority));
  } catch {
    // not Linux, autogroup off, or not allowed: the niceness above is all there is
  }
}

/** Runs a command to completion, capturing its output; rejects with the tail of that output. */
export function runCaptured(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  { signal, onOutput, onChild, priority }: RunOptions = {}
) {
  return new Promise<string>((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('cancelled'));
    const child = spawn(command, args, {
      cwd,
      env,
      detached: true,
      stdio: onChild ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
    });
    onChild?.(child);
    if (priority !== undefined && child.pid !== undefined) giveWay(child.pid, priority);
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      onOutput?.(chunk.toString());
      if (output.length > 200_000) output = output.slice(-100_000);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    };
    signal?.addEventListener('abort', kill, { once: true });
    child.on('error', reject);
    child.on('exit', (code, sig) => {
      signal?.removeEventListener('abort', kill);
      if (code === 0) resolve(output);
      else if (signal?.aborted) reject(new Error('cancelled'));
      else {
        // V8's own words, which the native stack printed after them may push out of the tail.
        const memory = OUT_OF_MEMORY.exec(output);
        const cause = memory ? `: it ran out of memory (${memory[0]})` : '';
        reject(new Error(`${args[0] ?? command} failed (${sig ?? `exit ${code}`})${cause}:\n${tail(output)}`));
      }
    });
  });
}

export interface AstroOptions {
  cmsUrl: string;
  siteUrl: string;
  env?: Record<string, string>;
  /** A niceness for the build's processes (giveWay): a full build's, to give way to the publishes beside it. */
  priority?: number;
}

/**
 * A build of the site in `dir` (output in <dir>/site), from a content snapshot, never from the
 * CMS, without the search index: `command` (`astro build`, or site/render-jobs.mjs). It runs with
 * `--root` (the site's folder) from <dir>/work, so Astro keeps its intermediate chunks in
 * <dir>/work/.astro rather than in site/.astro, and builds of different directories never touch
 * each other's files. Not from `dir` itself: with the output inside its working directory Astro
 * keeps the chunks among the pages, and then walks every folder of the output to remove empty ones
 * (18 s at 100,000 articles). `dir` must be inside site/: the chunks import the site's packages
 * from there.
 */
function spawnBuild(
  dir: string,
  options: AstroOptions,
  extra: Record<string, string>,
  [command, args]: [string, string[]],
  run: RunOptions
) {
  const cwd = workDir(dir);
  fs.mkdirSync(cwd, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...quietEnv(),
    CMS_URL: options.cmsUrl,
    SITE_URL: options.siteUrl,
    SITE_OUT_DIR: path.join(dir, 'site'),
    SITE_SEARCH_INDEX: 'off',
    ...options.env,
    ...extra,
  };
  const priority = options.priority || undefined;
  return generated(env).then(() => runCaptured(command, args, env, cwd, { ...run, priority }));
}

/** Where the build in `dir` runs, and Astro keeps its compile (in .astro): see spawnBuild. */
const workDir = (dir: string) => path.join(dir, 'work');

/** `astro build` of the site. */
const ASTRO_BUILD = (): [string, string[]] => [bin('astro', SITE_DIR), ['build', '--root', SITE_DIR]];
/** The site compiled once, rendering job after job (site/render-jobs.mjs). */
const RENDER_JOBS = (): [string, string[]] => [process.execPath, [path.join(SITE_DIR, 'render-jobs.mjs')]];

/**
 * The files Astro generates into site/.astro (the root's, whatever the working directory) before
 * every build: each build writes them through one temporary name (`<file>.tmp`, then a rename)
 * unless they already hold what it would write, so two builds starting together on a checkout
 * without them (a full build's parts, the first time) fail with ENOENT on the rename. Made once,
 * by `astro sync` alone, before the first build of this process when they are not there.
 */
const GENERATED = path.join(SITE_DIR, '.astro', 'content-modules.mjs');
let generating: Promise<unknown> | undefined;
function generated(env: NodeJS.ProcessEnv) {
  if (fs.existsSync(GENERATED)) return Promise.resolve();
  generating ??= runCaptured(bin('astro', SITE_DIR), ['sync', '--root', SITE_DIR], env, SITE_DIR).finally(() => {
    generating = undefined;
  });
  return generating;
}

/** One build, start to end: renders `snapshot` (restricted to `scope` when given) into <dir>/site. */
export function astroBuild(
  dir: string,
  options: AstroOptions & { snapshot: string; scope?: string },
  signal?: AbortSignal
) {
  const extra: Record<string, string> = { SITE_SNAPSHOT: options.snapshot };
  if (options.scope) extra.SITE_SCOPE = options.scope;
  return spawnBuild(dir, options, extra, ASTRO_BUILD(), { signal });
}

/**
 * How many jobs one build renders before it is let go: whatever a render leaves behind (a template
 * or a library holding on to something) cannot grow without end.
 */
export const JOBS_PER_BUILD = 100;

/**
 * A build started before there is anything to build: it compiles the site (about 5 s of CPU, most
 * of a small build), then its first page asks for content and the build waits for its job on the
 * IPC channel (the protocol: @newsroom/content/build-protocol). The publisher keeps one ready, so a
 * publish pays only for rendering the pages it touched. It renders job after job from that one
 * compile (site/render-jobs.mjs), each into a folder of its own (outDir), until it is cancelled or
 * the publisher goes away.
 */
export class PreparedBuild {
  /** Where the last job's pages are, once it is rendered. */
  outDir: string;
  /** The jobs it was given. */
  jobs = 0;
  /** The snapshots it read to preload them (one kept from its last job is not read again). */
  snapshotsRead = 0;
  private readonly abort = new AbortController();
  private child: ChildProcess | undefined;
  private exited = false;
  private waiting = false;
  private job: BuildJob | undefined;
  /** The job under way: settled when its pages are written, or when the build ends first. */
  private rendering: { resolve: (output: string) => void; reject: (error: Error) => void } | undefined;
  /** What the build printed since its job was given (or since it started). */
  private output = '';
  private preloadFile: string | undefined;
  /** The whole snapshot preloadFile is the lean copy of (build-protocol: preload). */
  private preloadOf: string | undefined;
  /** The snapshot the build says it has read. */
  private preloaded: string | undefined;
  /** Settled once the build is compiled (it first asks for a job), or has ended without. */
  readonly compiled: Promise<void>;
  private settleCompiled!: { resolve: () => void; reject: (error: Error) => void };
  /** Why a build that follows another was stopped: that one never compiled. */
  private unfollowed: Error | undefined;

  /**
   * `follows`: a build of the same site (and options) whose compile this one renders from, rather
   * than compiling it again: a full build's second and later parts. It is set up meanwhile, then
   * takes that build's compiled files as its own (hard links), and is stopped should that one end
   * without compiling. It may outlive that build: kept for publishes like any other.
   */
  constructor(
    readonly dir: string,
    readonly options: AstroOptions,
    readonly follows?: PreparedBuild
  ) {
    this.outDir = path.join(dir, 'site');
    this.compiled = new Promise<void>((resolve, reject) => (this.settleCompiled = { resolve, reject }));
    this.compiled.catch(() => {}); // a failed compile is the build's own error; followers are told below
    const extra: Record<string, string> = { [JOB_OVER_IPC]: '1' };
    if (follows) extra[COMPILED_BY] = workDir(follows.dir);
    const ended = spawnBuild(dir, options, extra, RENDER_JOBS(), {
      signal: this.abort.signal,
      onOutput: (chunk) => {
        this.output += chunk;
        if (this.output.length > 200_000) this.output = this.output.slice(-100_000);
      },
      onChild: (child) => {
        this.child = child;
        child.on('message', (message) => this.receive(message));
      },
    });
    ended.then(
      (output) => this.ended(new Error(`The build ended before its job was done:\n${tail(output)}`)),
      (error: Error) => this.ended(error)
    );
  }

  private receive(message: unknown) {
    let parsed: BuildMessage;
    try {
      parsed = parseBuildMessage(message);
    } catch {
      return; // not ours
    }
    if (parsed.type === 'preloaded') {
      this.preloaded = parsed.snapshot;
      if (!parsed.kept) this.snapshotsRead++;
    }
    if (parsed.type === 'rendered') {
      const done = this.rendering;
      // Ready for the next job, which it asks for once its next render has begun.
      this.outDir = parsed.outDir;
      this.rendering = undefined;
      this.job = undefined;
      this.waiting = false;
      this.preloadFile = undefined;
      this.preloadOf = undefined;
      this.preloaded = undefined;
      // What it printed before saying so comes on another channel: read in this turn of the event
      // loop when it is not yet (the pipe is read in the same poll as the message).
      setImmediate(() => done?.resolve(this.output));
      return;
    }
    if (parsed.type === 'awaiting-compile') {
      this.follows?.compiled.then(
        () => this.child?.send({ type: 'compiled' } satisfies BuildMessage),
        (error: Error) => {
          this.unfollowed = new Error(
            `The build in ${this.follows!.dir}, whose compile this one renders from, ended without compiling: ${error.message}`
          );
          this.cancel();
        }
      );
      return;
    }
    if (parsed.type !== 'waiting') return;
    this.settleCompiled.resolve();
    this.waiting = true;
    if (this.preloadFile) this.sendPreload();
    if (this.job) this.send(this.job);
  }

  private ended(error: Error) {
    this.exited = true;
    this.settleCompiled.reject(error);
    this.rendering?.reject(this.unfollowed ?? error);
    this.rendering = undefined;
  }

  /** The build's process, once started. */
  get pid() {
    return this.child?.pid;
  }

  /** Able to take a job now: not rendering one, not crashed, not cancelled. */
  get ready() {
    return !this.exited && !this.rendering;
  }

  /**
   * 'waiting' once compiled, asking for its job and done reading the snapshot it was told to
   * preload: a job given now only renders.
   */
  get state(): 'compiling' | 'preloading' | 'waiting' {
    if (!this.waiting) return 'compiling';
    return this.preloadFile && this.preloaded !== this.preloadFile ? 'preloading' : 'waiting';
  }

  /**
   * Names the snapshot the job will most likely start from, for the build to read while it
   * waits (once it waits, or at once). Before the job only; a job may name another base. `of`:
   * the whole snapshot it is the lean copy of, which a build that rendered a share of it keeps.
   */
  preload(snapshot: string, of?: string) {
    if (this.job || this.preloadFile === snapshot) return;
    this.preloadFile = snapshot;
    this.preloadOf = of;
    if (this.waiting) this.sendPreload();
  }

  private sendPreload() {
    const message: BuildMessage = { type: 'preload', snapshot: this.preloadFile!, of: this.preloadOf };
    this.child?.send(message);
  }

  /**
   * Hands over the job (at once, or when the build asks for it) and resolves, with what the build
   * printed meanwhile, when the pages are written (into outDir).
   */
  run(job: BuildJob, signal?: AbortSignal) {
    if (!this.ready) return Promise.reject(new Error(`The build in ${this.dir} cannot take a job now.`));
    // Aborting the job stops the build; once the job is done, it no longer does.
    const cancel = () => this.cancel();
    if (signal?.aborted) cancel();
    signal?.addEventListener('abort', cancel, { once: true });
    const done = new Promise<string>((resolve, reject) => (this.rendering = { resolve, reject }));
    this.job = job;
    this.jobs++;
    this.output = '';
    if (this.waiting) this.send(job);
    return done.finally(() => signal?.removeEventListener('abort', cancel));
  }

  private send(job: BuildJob) {
    this.child?.send({ type: 'job', job } satisfies BuildMessage);
  }

  /** Stops the build (its process and those it started), whatever it is doing. */
  cancel() {
    this.abort.abort();
  }
}

/**
 * Renders every page of `snapshot` with `builds` (started ahead of time) at once, each its share
 * (build-protocol: shard), and merges their pages into the first one's output. Rendering is one
 * thread per build: on a machine with more cores than the builds' other work needs, a full build
 * takes about 1/N of the time (the compiling is done before, and files are moved, not copied).
 * Each but the first renders its images through a cache of its own (site/render-jobs.mjs: the
 * job's shard). Resolves with each build's output; when one fails, the others are stopped.
 */
export async function renderInParts(builds: PreparedBuild[], snapshot: string, signal?: AbortSignal) {
  const stop = new AbortController();
  const abort = () => stop.abort();
  signal?.addEventListener('abort', abort, { once: true });
  if (signal?.aborted) stop.abort();
  try {
    const outputs = await Promise.all(
      builds.map((build, index) =>
        build
          .run({ snapshot, scope: null, delta: null, shard: { index, count: builds.length } }, stop.signal)
          .catch((error: Error) => {
            stop.abort();
            throw error;
          })
      )
    );
    for (const build of builds.slice(1)) mergeInto(build.outDir, builds[0].outDir);
    return outputs;
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}

/** Pagefind over one folder of pages, into a bundle at `outputPath`: a command and its arguments. */
export function searchIndexCommand(siteDir: string, outputPath: string): [string, string[]] {
  return [bin('pagefind', SITE_DIR), ['--site', siteDir, '--output-path', outputPath, '--force-language', 'vi']];
}

/** Indexes the article pages of `siteDir` for search, in shards (see site/content/src/search-index.ts). */
export function searchIndex(siteDir: string, outputPath: string, options: SearchIndexOptions = {}) {
  const { kill } = options;
  return buildSearchIndex(
    siteDir,
    outputPath,
    async (shard, out) => {
      const [command, args] = searchIndexCommand(shard, out);
      // Niced: it runs beside the desk's next publish, whose save in the CMS, build and
      // publisher come first on the machine's cores.
      await runCaptured(command, args, quietEnv(), SITE_DIR, { signal: kill, priority: 10 });
    },
    { parallel: indexProcesses(), ...options }
  );
}

/** Whether a build failed because its process ran out of heap (V8's own words, in its output: runCaptured). */
export const outOfMemory = (message: string) => OUT_OF_MEMORY.test(message);

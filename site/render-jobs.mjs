// @ts-check
/**
 * The site compiled once, rendering the publisher's jobs one after another: what a build the
 * publisher starts ahead of time runs (scripts/publisher/src/astro.ts: PreparedBuild) instead of
 * `astro build`. `astro build` compiles the site (Vite: ~5 s of CPU on two cores) and then renders
 * it once; a publish renders a few pages in a tenth of that. Here the compile is kept: each job
 * runs Astro's own page generation again on the same compiled site, into a folder of its own, and
 * the site's pages load their content anew for each (site/src/lib/per-render.ts). The pages are
 * byte for byte those `astro build` writes from the same content (tests/publisher: a scoped
 * release against a full `astro build`).
 *
 * Runs Astro's build steps as its `build` command does (astro/dist/core/build/index.js), which are
 * not public API: tied to the Astro version it was written for (ASTRO_VERSION), refused on another.
 *
 * The job protocol is the site's (site/src/lib/job.ts): each render's first page says it is
 * waiting and waits for its job; when its pages are written, this says `rendered` with the folder
 * they are in (@newsroom/content/build-protocol). Environment: SITE_OUT_DIR, the first render's
 * folder (the n-th renders into `${SITE_OUT_DIR}-n`); the rest as for `astro build`.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The Astro whose build steps this runs. */
const ASTRO_VERSION = /^5\.18\./;
/** Names the render under way, for what the site keeps per render (site/src/lib/per-render.ts). */
const RENDER = Symbol.for('newsroom.site.render');

const root = path.dirname(fileURLToPath(import.meta.url));
const astroDir = path.dirname(createRequire(import.meta.url).resolve('astro/package.json'));
const { version } = JSON.parse(fs.readFileSync(path.join(astroDir, 'package.json'), 'utf8'));
if (!ASTRO_VERSION.test(version))
  throw new Error(
    `site/render-jobs.mjs runs the build steps of Astro ${ASTRO_VERSION.source.replaceAll('\\', '')}x, not ${version}: check them against astro/dist/core/build/index.js and update it.`
  );
/** @param {string} file */
const astro = (file) => import(pathToFileURL(path.join(astroDir, 'dist', file)).href);

const [
  { resolveConfig },
  { createNodeLogger },
  { getEventPrefix, levels },
  { createSettings },
  hooks,
  { createDevelopmentManifest },
  { createRoutesList },
  { createVite },
  { syncInternal },
  { collectPagesData },
  { viteBuild },
  { generatePages },
  { createKey, encodeKey, decodeKey },
  { createBuildInternals },
  { ensureProcessNodeEnv },
  { apply: applyPolyfill },
] = await Promise.all([
  astro('core/config/config.js'),
  astro('core/config/logging.js'),
  astro('core/logger/core.js'),
  astro('core/config/settings.js'),
  astro('integrations/hooks.js'),
  astro('vite-plugin-astro-server/plugin.js'),
  astro('core/routing/index.js'),
  astro('core/create-vite.js'),
  astro('core/sync/index.js'),
  astro('core/build/page-data.js'),
  astro('core/build/static-build.js'),
  astro('core/build/generate.js'),
  astro('core/encryption.js'),
  astro('core/build/internal.js'),
  astro('core/util.js'),
  astro('core/polyfill.js'),
]);

const send = process.send?.bind(process);
if (!send) throw new Error('site/render-jobs.mjs renders the jobs of a publisher: start it with an IPC channel.');
const outDir = process.env.SITE_OUT_DIR;
if (!outDir || !path.isAbsolute(outDir))
  throw new Error('SITE_OUT_DIR must name the first render’s folder, absolutely.');

// As `astro build` (AstroBuilder: setup, then build up to the page generation).
ensureProcessNodeEnv('production');
applyPolyfill();
const inlineConfig = { root, mode: 'production' };
const logger = createNodeLogger(inlineConfig);
/**
 * Astro's own lines, but written in batches while pages are generated: it writes two for each page,
 * and standard output to a pipe is written synchronously on Linux, one system call (and a wake-up of
 * the publisher reading it) a line: ~0.6 s of a full build's share of 6,000 pages (0.25 s batched, in its CPU profile). The batch is
 * written every BATCH_MS, before a warning or error, before the render's last line, and before the
 * process ends (an uncaught error is printed after it), so the output reads as unbatched.
 */
const BATCH_MS = 100;
const astroDest = logger.options.dest;
/** @type {string[]} */
let batch = [];
/** @type {NodeJS.Timeout | undefined} */
let batchTimer;
let batching = false;
const flush = () => {
  clearTimeout(batchTimer);
  batchTimer = undefined;
  if (batch.length) process.stdout.write(batch.join(''));
  batch = [];
};
logger.options.dest = {
  /** @param {any} event */
  write(event) {
    if (!batching || levels[event.level] >= levels.warn) {
      flush();
      return astroDest.write(event);
    }
    const line = event.label === 'SKIP_FORMAT' ? event.message : `${getEventPrefix(event)} ${event.message}`;
    batch.push(event.newLine ? `${line}\n` : line);
    batchTimer ??= setTimeout(flush, BATCH_MS);
    return true;
  },
};
process.on('uncaughtExceptionMonitor', flush);
process.on('exit', flush);
const { astroConfig } = await resolveConfig(inlineConfig, 'build');
let settings = await createSettings(astroConfig, fileURLToPath(astroConfig.root));
settings = await hooks.runHookConfigSetup({ settings, command: 'build', logger });
const manifest = createDevelopmentManifest(settings);
const routesList = await createRoutesList({ settings }, logger);
await hooks.runHookConfigDone({ settings, logger, command: 'build' });
const viteConfig = await createVite(
  { server: { hmr: false, middlewareMode: true } },
  { settings, logger, mode: 'production', command: 'build', sync: false, routesList, manifest }
);
/**
 * The compile of another build of the same site to render from (its working directory), when this
 * is the second or a later part of a full build (scripts/publisher/src/astro.ts: `follows`): each
 * part compiling the same site (~4.5 s of CPU each) left the content's read from the CMS less of the cores.
 */
const compiledBy = process.env.SITE_COMPILED_BY;
if (compiledBy !== undefined && !path.isAbsolute(compiledBy))
  throw new Error(
    `SITE_COMPILED_BY must name the working directory of the build to render from, absolutely, not "${compiledBy}".`
  );
// The types and modules Astro generates for the compile: the compiling build's.
if (!compiledBy)
  await syncInternal({ mode: 'production', settings, logger, fs, routesList, command: 'build', manifest });
await hooks.runHookBuildStart({ config: settings.config, logger });
const { allPages } = collectPagesData({ settings, logger, manifest: routesList });
/** @type {any} Astro's StaticBuildOptions */
const opts = {
  allPages,
  settings,
  logger,
  routesList,
  runtimeMode: 'production',
  origin: new URL(settings.config.site ?? 'http://localhost').origin,
  pageNames: [],
  teardownCompiler: false,
  viteConfig,
  key: createKey(),
};
/** What a build renders from besides the compiled files: written by the one that compiled them. */
const COMPILE_FILE = 'compile.json';
const compiled = path.join(process.cwd(), '.astro');
const { internals, ssrOutputChunkNames } = compiledBy ? await compiledFrom(compiledBy) : await compile();

/** Compiles the site (as `astro build`) and says what rendering from it takes, for builds that follow. */
async function compile() {
  const result = await viteBuild(opts);
  const { internals } = result;
  const described = {
    astro: version,
    key: await encodeKey(await opts.key),
    ssrOutputChunkNames: result.ssrOutputChunkNames,
    referencedImages: [.../** @type {any} */ (globalThis.astroAsset.referencedImages ?? [])],
    // What page generation reads of the compile (astro/dist/core/build: generate.js, pipeline.js).
    internals: {
      manifestFileName: internals.manifestFileName,
      middlewareEntryPoint: internals.middlewareEntryPoint?.href ?? null,
      astroActionsEntryPoint: internals.astroActionsEntryPoint?.href ?? null,
      entrySpecifierToBundleMap: [...internals.entrySpecifierToBundleMap],
      inlinedScripts: [...internals.inlinedScripts],
      componentMetadata: [...internals.componentMetadata],
      // Each page's module and styles, as the compile set them on the page's data (not its route
      // and component: a following build has its own, alike).
      pages: [...internals.pagesByKeys].map(([key, page]) => {
        const fields = { ...page };
        delete fields.route;
        delete fields.component;
        return [key, fields];
      }),
    },
  };
  // Whole or not at all: a following build reads it once told the compile is done.
  const file = path.join(process.cwd(), COMPILE_FILE);
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(described));
  fs.renameSync(`${file}.tmp`, file);
  return result;
}

/**
 * A copy of the tree `from` at `to` whose files are hard links to its own (copies across file systems).
 * @param {string} from
 * @param {string} to
 */
function linkTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const [src, dest] = [path.join(from, entry.name), path.join(to, entry.name)];
    if (entry.isDirectory()) linkTree(src, dest);
    else
      try {
        fs.linkSync(src, dest);
      } catch (error) {
        if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EXDEV') throw error;
        fs.copyFileSync(src, dest);
      }
  }
}

/**
 * The compile of the build working in `dir`, once it is done: asks the publisher (`awaiting-compile`)
 * and waits for its answer (`compiled`); then its compiled files are this one's too, and the
 * page data it describes (compile()) is this build's own page data with the compile's fields.
 * @param {string} dir
 */
async function compiledFrom(dir) {
  await new Promise((resolve) => {
    /** @param {any} message */
    const onMessage = (message) => {
      if (message?.type !== 'compiled') return;
      process.off('message', onMessage);
      resolve(undefined);
    };
    process.on('message', onMessage);
    process.send?.({ type: 'awaiting-compile' });
  });
  const described = JSON.parse(fs.readFileSync(path.join(dir, COMPILE_FILE), 'utf8'));
  if (described.astro !== version)
    throw new Error(`The compile in ${dir} is Astro ${described.astro}'s, this build runs Astro ${version}.`);
  // Its own names for the compiled files (hard links: nothing written again), so that it renders on
  // should the build it followed go first (a build kept for publishes after a full build).
  fs.rmSync(compiled, { recursive: true, force: true });
  linkTree(path.join(dir, '.astro'), compiled);
  opts.key = decodeKey(described.key);
  const from = described.internals;
  const internals = createBuildInternals();
  internals.manifestFileName = from.manifestFileName;
  internals.middlewareEntryPoint = from.middlewareEntryPoint ? new URL(from.middlewareEntryPoint) : undefined;
  internals.astroActionsEntryPoint = from.astroActionsEntryPoint ? new URL(from.astroActionsEntryPoint) : undefined;
  internals.entrySpecifierToBundleMap = new Map(from.entrySpecifierToBundleMap);
  internals.inlinedScripts = new Map(from.inlinedScripts);
  internals.componentMetadata = new Map(from.componentMetadata);
  for (const [key, fields] of from.pages) {
    const page = allPages[key];
    if (!page) throw new Error(`The compile in ${dir} has a page this site does not (${key}): not the same site.`);
    internals.pagesByKeys.set(key, Object.assign(page, fields));
  }
  // As the compile's start sets it (astro:assets' Vite plugin): images the pages ask for are listed.
  const plugin = viteConfig.plugins?.flat(Infinity).find((/** @type {any} */ p) => p?.name === 'astro:assets');
  if (!plugin) throw new Error('astro:assets is not among the Vite plugins: check site/render-jobs.mjs against Astro.');
  plugin.config({}, { command: 'build', mode: 'production' });
  plugin.buildStart();
  for (const image of described.referencedImages)
    /** @type {any} */ (globalThis).astroAsset.referencedImages.add(image);
  return { internals, ssrOutputChunkNames: described.ssrOutputChunkNames };
}

// The output folder is outside the working directory: Astro compiles into <cwd>/.astro, the
// server's chunks beside what readers load (scripts, the public folder's files), and once the
// pages are written copies the latter into the output (cleanServerOutput). The chunks stay here,
// for the next render; the rest is copied into each render's folder.
const chunks = new Set(ssrOutputChunkNames.filter((/** @type {string} */ f) => f.endsWith('.mjs')));
if (internals.manifestFileName) chunks.add(internals.manifestFileName);
const forReaders = fs
  .readdirSync(compiled, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => path.relative(compiled, path.join(entry.parentPath, entry.name)))
  .filter((file) => !chunks.has(file.replace(/\.map$/, '')) && !file.endsWith('.d.ts'));

// What one render's page generation takes away from the next (astro:assets).
const assets = /** @type {any} */ (globalThis).astroAsset;
// The images' cache, made and read as the pages' images are written (after the job came): a job
// rendering the n-th share of a full build (n > 0) keeps a cache of its own beside it, as two
// processes writing one cache entry at once could each read the other's half-written file.
const imageCache = settings.config.cacheDir;
/** @param {unknown} message the job, as the page waiting for it receives it (site/src/lib/job.ts) */
const cacheFor = (message) => {
  if (/** @type {any} */ (message)?.type !== 'job') return;
  const index = /** @type {any} */ (message).job?.shard?.index;
  // Every job sets it: one refused by the page (not a valid job) leaves no share's cache to the next.
  settings.config.cacheDir =
    Number.isInteger(index) && index > 0 ? new URL(`${imageCache.href.replace(/\/$/, '')}-part-${index}/`) : imageCache;
};
process.on('message', cacheFor);
const addStaticImage = assets.addStaticImage;
const routes = Object.values(allPages).map((page) => page.route);

for (let render = 1; ; render++) {
  const out = render === 1 ? outDir : `${outDir}-${render}`;
  fs.rmSync(out, { recursive: true, force: true });
  /** @type {any} */ (globalThis)[RENDER] = { render };
  settings.config.outDir = pathToFileURL(`${out}${path.sep}`);
  // The images a render's pages ask for are listed, made, and the list's recorder deleted.
  assets.addStaticImage = addStaticImage;
  assets.staticImages = new Map();
  settings.config.cacheDir = imageCache;
  opts.pageNames = [];
  const started = performance.now();
  // Its first page waits for the job (site/src/lib/job.ts).
  batching = true;
  try {
    await generatePages(opts, internals);
  } finally {
    batching = false;
    flush();
  }
  // What the site kept for it (its content, its images) is let go.
  /** @type {any} */ (globalThis)[RENDER] = {};
  for (const file of forReaders) {
    fs.mkdirSync(path.dirname(path.join(out, file)), { recursive: true });
    fs.copyFileSync(path.join(compiled, file), path.join(out, file));
  }
  await hooks.runHookBuildDone({ settings, pages: opts.pageNames, routes, logger });
  // As `astro build` says it (the benches read it).
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  console.info(`[build] ${opts.pageNames.length} page(s) built in ${seconds}s`);
  send({ type: 'rendered', outDir: out });
}

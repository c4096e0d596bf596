// @ts-check
import { defineConfig } from 'astro/config';
import pagefind from './src/integrations/pagefind.ts';
import prefetchContent from './src/integrations/prefetch.ts';
import redirects from './src/integrations/redirects.ts';
import { loadEnv } from 'vite';
import { fileURLToPath } from 'node:url';

// astro.config runs before Vite loads .env files: read them here (CMS_URL, SITE_URL), from this
// directory whatever the working directory (the publisher builds with `--root`).
const root = fileURLToPath(new URL('.', import.meta.url));
const env = { ...loadEnv('production', root, ''), ...process.env };
const cmsUrl = new URL(env.CMS_URL || 'http://127.0.0.1:1337');
// Photos on object storage (the CMS's UPLOAD_S3_BUCKET): readers and the build fetch them from MEDIA_URL.
const mediaUrl = env.MEDIA_URL ? new URL(env.MEDIA_URL) : null;

/** @param {string | undefined} value */
function buildConcurrency(value) {
  if (value === undefined || value === '') return 4;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(
      `SITE_BUILD_CONCURRENCY must be a whole number from 1 to 64 (pages rendered at once), not "${value}".`
    );
  return n;
}

/** @param {URL} url @param {string} [pathname] */
const pattern = (url, pathname) => ({
  protocol: url.protocol.replace(':', ''),
  hostname: url.hostname,
  ...(url.port ? { port: url.port } : {}),
  ...(pathname ? { pathname } : {}),
});

// Static output: every page is generated at build time from the CMS.
// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
  site: env.SITE_URL || 'http://127.0.0.1:4321',
  output: 'static',
  // The publisher builds each release into its own directory.
  outDir: env.SITE_OUT_DIR || './dist',
  trailingSlash: 'always',
  build: {
    format: 'directory',
    inlineStylesheets: 'always',
    // Pages rendered at once. One at a time (Astro's default), the build waited on every page's
    // file writes: at 10,000 articles its one thread was idle ~40% of the render. With a few in
    // flight, one renders while the others' files are written.
    concurrency: buildConcurrency(env.SITE_BUILD_CONCURRENCY),
  },
  // Optimised images are cached here between builds (the pipeline and CI keep this directory).
  cacheDir: env.SITE_CACHE_DIR || './node_modules/.astro',
  image: {
    // Only the CMS's own uploads (and the media library's object storage) may be fetched and
    // optimised at build time. https://docs.astro.build/en/guides/images/#authorizing-remote-images
    remotePatterns: [
      pattern(cmsUrl),
      ...(mediaUrl ? [pattern(mediaUrl, `${mediaUrl.pathname.replace(/\/+$/, '')}/**`)] : []),
    ],
  },
  integrations: [
    // The content is fetched from the CMS while the pages are bundled, not after.
    prefetchContent(env),
    // The sitemap is generated from the content (src/pages/sitemap-*.ts), so scoped rebuilds keep it whole.
    pagefind(),
    // Old addresses (a story's slug changed, an editor's redirect): nginx map, JSON, fallback pages.
    redirects(env),
  ],
  // Every script is a file of its own, never inlined into a page: the site's Content-Security-Policy
  // (scripts/deploy/nginx.conf) allows scripts from the site itself only, no inline script.
  vite: { build: { assetsInlineLimit: 0 } },
  prefetch: false,
  devToolbar: { enabled: false },
});

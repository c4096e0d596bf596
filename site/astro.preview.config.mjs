// @ts-check
import { defineConfig } from 'astro/config';
import node from '@astrojs/node';
import { fileURLToPath } from 'node:url';
import site from './astro.config.mjs';

/**
 * The preview service: the same site, built a second time as a Node server (@astrojs/node) that
 * renders one article on demand for an editor holding a signed link (src/preview). Its pages are
 * those of src/preview/pages only, and src/lib/content.ts is replaced by src/preview/content.ts
 * (the request's content instead of a build's); the reader's static build (astro.config.mjs)
 * contains none of it.
 */
const contentModule = fileURLToPath(new URL('./src/lib/content.ts', import.meta.url));
const previewContent = fileURLToPath(new URL('./src/preview/content.ts', import.meta.url));
// The site has no i18n routing; left out, the rest of its settings type-check as they are.
const { i18n: _i18n, ...shared } = site;

export default defineConfig({
  ...shared,
  output: 'server',
  adapter: node({ mode: 'standalone' }),
  srcDir: './src/preview',
  outDir: process.env.PREVIEW_OUT_DIR || './dist-preview',
  integrations: [],
  // Nothing is fetched and resized on the server: photos load from the CMS (src/preview/content.ts).
  image: { ...shared.image, remotePatterns: [] },
  vite: {
    ...shared.vite,
    plugins: [
      {
        name: 'newsroom-preview-content',
        enforce: 'pre',
        async resolveId(source, importer, options) {
          if (!importer || importer === previewContent || !/content(\.ts)?$/.test(source)) return null;
          const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
          return resolved?.id === contentModule ? previewContent : null;
        },
      },
    ],
  },
});

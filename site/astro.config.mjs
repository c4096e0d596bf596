// @ts-check
import { defineConfig } from 'astro/config';

// Static output: every page is generated at build time from the CMS.
// https://docs.astro.build/en/reference/configuration-reference/
export default defineConfig({
  site: process.env.SITE_URL || 'http://127.0.0.1:4321',
  output: 'static',
  // The publisher builds each release into its own directory.
  outDir: process.env.SITE_OUT_DIR || './dist',
  trailingSlash: 'always',
  build: { format: 'directory' },
});

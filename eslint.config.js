// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import astro from 'eslint-plugin-astro';
import workspaces from './eslint-workspaces.js';

// https://typescript-eslint.io/getting-started
export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'site/dist-preview/**',
      '**/build/**',
      '**/.astro/**',
      '**/.strapi/**',
      'cms/types/**',
      '**/.tmp/**',
      '.publish/**',
      'site/.builds/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // .astro files: their frontmatter and scripts, with the same rules. (Not Prettier: its Astro
  // plugin moves whitespace in the rendered HTML, and the pages must stay byte for byte.)
  // https://ota-meshi.github.io/eslint-plugin-astro/user-guide/
  ...astro.configs.recommended,
  { languageOptions: { globals: globals.node } },
  {
    plugins: { workspaces },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'workspaces/no-relative-cross-imports': 'error',
    },
  },
  {
    // Tests read loosely-typed JSON responses.
    files: ['tests/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  }
);

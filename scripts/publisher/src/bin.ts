import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './paths.js';

/** Path of an installed package binary (workspace-local first, then hoisted to the root). */
export function bin(name: string, workspaceDir?: string) {
  const candidates = [
    workspaceDir && path.join(workspaceDir, 'node_modules', '.bin', name),
    path.join(ROOT, 'node_modules', '.bin', name),
  ];
  const found = candidates.find((c): c is string => !!c && fs.existsSync(c));
  if (!found) throw new Error(`"${name}" is not installed: run \`npm install\` at ${ROOT}.`);
  return found;
}

/** Environment for every build and server we start: no telemetry, no update checks. */
export const quietEnv = (): NodeJS.ProcessEnv => ({
  ...process.env,
  STRAPI_TELEMETRY_DISABLED: 'true',
  ASTRO_TELEMETRY_DISABLED: '1',
});

/**
 * `env` with a heap limit for a Node process (`mb`; 0: none): NODE_OPTIONS' --max-old-space-size,
 * after what NODE_OPTIONS holds already.
 */
export function withHeapLimit<T extends NodeJS.ProcessEnv>(env: T, mb: number): T {
  if (!mb) return env;
  const options = env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '';
  return { ...env, NODE_OPTIONS: `${options} --max-old-space-size=${Math.floor(mb)}`.trim() };
}

/**
 * The heap a CMS process may grow to, in MB (CMS_MAX_HEAP_MB; 0: Node's own limit, ~4 GB here).
 * Without one, V8 collected so late that a CMS on 100,000 articles reached 2.24 GB while a
 * category rename's full build was fetched beside publishes and reconciliation (bench:publish);
 * with 1,024 MB the same answers, alone and three at once, peaked at 0.7 GB where they took 1.0 GB,
 * and took no longer. docker-compose.yml gives its CMS processes the same.
 */
export const CMS_MAX_HEAP_MB = 1024;

/** `env` (quietEnv) for a CMS process we start: with its heap limit, unless NODE_OPTIONS sets one. */
export function withCmsHeapLimit<T extends NodeJS.ProcessEnv>(env: T): T {
  if (/--max-old-space-size/.test(env.NODE_OPTIONS ?? process.env.NODE_OPTIONS ?? '')) return env;
  const value = env.CMS_MAX_HEAP_MB ?? process.env.CMS_MAX_HEAP_MB;
  const mb = value === undefined || value === '' ? CMS_MAX_HEAP_MB : Number(value);
  if (!Number.isInteger(mb) || mb < 0)
    throw new Error(`CMS_MAX_HEAP_MB must be a whole number of MB (0: Node's own limit), not "${value}".`);
  return withHeapLimit(env, mb);
}

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

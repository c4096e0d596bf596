import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';

/**
 * dotenv files: the publisher reads the site token the CMS writes (site/.env) and the webhook
 * secret `npm run setup` writes (cms/.env); the tools write them. (The CMS, compiled apart by
 * Strapi, keeps its own copy: cms/src/utils/env-file.ts.)
 */
export function readEnvFile(file: string): Record<string, string> {
  return fs.existsSync(file) ? parse(fs.readFileSync(file)) : {};
}

/** Sets `values` in a dotenv file, keeping every other line (and its comments) as it was. */
export function upsertEnvFile(file: string, values: Record<string, string>) {
  const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n') : [];
  const pending = new Map(Object.entries(values));
  const out = lines.map((line) => {
    const key = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1];
    if (!key || !pending.has(key)) return line;
    const value = pending.get(key)!;
    pending.delete(key);
    return `${key}=${value}`;
  });
  while (out.length && out[out.length - 1] === '') out.pop();
  for (const [key, value] of pending) out.push(`${key}=${value}`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, out.join('\n') + '\n', { mode: 0o600 });
}

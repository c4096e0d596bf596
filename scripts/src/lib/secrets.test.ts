import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readEnvFile } from '@newsroom/publisher/env-file';
import { DEMO_DESK } from '@newsroom/contracts/desk';
import { ensureCmsEnv, newCredentialsText } from './secrets';

describe('the first setup of an install', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });
  const envFile = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-setup-'));
    dirs.push(dir);
    return path.join(dir, '.env');
  };

  it('shows every password it made once, the admin and each demo desk account, as kept in the file', () => {
    const file = envFile();
    const first = ensureCmsEnv(file);
    const kept = readEnvFile(file);
    const text = newCredentialsText(first);
    expect(text).toContain(`First admin: ${kept.ADMIN_EMAIL}`);
    expect(text).toContain(kept.ADMIN_PASSWORD);
    for (const person of DEMO_DESK) {
      expect(kept[person.passwordEnv]).toMatch(/\S{12,}/);
      expect(text).toMatch(new RegExp(`${person.email.replace(/\./g, '\\.')}\\s+${kept[person.passwordEnv]}\\n`));
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);

    // Run again: nothing new, nothing shown, no password changed.
    const again = ensureCmsEnv(file);
    expect(again.written).toEqual([]);
    expect(newCredentialsText(again)).toBe('');
    expect(readEnvFile(file)).toEqual(kept);
  });

  it('a desk account added later is shown alone, the others kept', () => {
    const file = envFile();
    ensureCmsEnv(file);
    const [removed] = DEMO_DESK;
    const kept = readEnvFile(file);
    fs.writeFileSync(
      file,
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => !line.startsWith(`${removed.passwordEnv}=`))
        .join('\n')
    );
    const text = newCredentialsText(ensureCmsEnv(file));
    expect(text).toContain(removed.email);
    expect(text).not.toContain('First admin');
    for (const person of DEMO_DESK.slice(1)) expect(text).not.toContain(person.email);
    const now = readEnvFile(file);
    expect(now.ADMIN_PASSWORD).toBe(kept.ADMIN_PASSWORD);
    expect(now[removed.passwordEnv]).not.toBe(kept[removed.passwordEnv]);
  });
});

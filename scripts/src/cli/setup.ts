/** `npm run setup`: writes cms/.env with this install's secrets (run by `npm start` too). */
import { CMS_ENV_FILE } from '@newsroom/publisher/paths';
import { ensureCmsEnv } from '../lib/secrets.js';

const result = ensureCmsEnv(CMS_ENV_FILE);
if (result.written.length) console.log(`Wrote ${result.written.join(', ')} to ${result.file}`);
else console.log(`${result.file} already holds every secret; nothing changed.`);
if (result.newAdminPassword) {
  console.log(
    `\nFirst admin: ${result.adminEmail}\nPassword:    ${result.newAdminPassword}\n(shown once; it is kept in ${result.file} as ADMIN_PASSWORD)\n`
  );
}
if (result.newDeskPasswords.length) {
  console.log('Demo desk (created with the demo newsroom; shown once, kept in the same file):');
  for (const { email, role, password } of result.newDeskPasswords) {
    console.log(`  ${role.padEnd(14)} ${email.padEnd(28)} ${password}`);
  }
  console.log('');
}

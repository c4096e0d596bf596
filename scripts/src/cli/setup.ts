/** `npm run setup`: writes cms/.env with this install's secrets (run by `npm start` too). */
import { CMS_ENV_FILE } from '@newsroom/publisher/paths';
import { ensureCmsEnv, newCredentialsText } from '../lib/secrets.js';

const result = ensureCmsEnv(CMS_ENV_FILE);
if (result.written.length) console.log(`Wrote ${result.written.join(', ')} to ${result.file}`);
else console.log(`${result.file} already holds every secret; nothing changed.`);
const credentials = newCredentialsText(result);
if (credentials) console.log(credentials);

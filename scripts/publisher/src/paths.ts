import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const CMS_DIR = path.join(ROOT, 'cms');
export const SITE_DIR = path.join(ROOT, 'site');
export const CMS_ENV_FILE = path.join(CMS_DIR, '.env');
export const SITE_ENV_FILE = path.join(SITE_DIR, '.env');

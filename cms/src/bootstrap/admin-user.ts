import type { Core } from '@strapi/strapi';

/**
 * Creates the first super admin from ADMIN_EMAIL / ADMIN_PASSWORD (written per install by
 * `npm run setup`) so a new user lands on a login page, not a registration form. Does nothing
 * once any admin exists, or when the variables are unset (then Strapi asks in the browser).
 */
export async function ensureFirstAdmin(strapi: Core.Strapi) {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) return;
  const users = strapi.service('admin::user');
  if (await users.exists()) return;
  const superAdmin = await strapi.service('admin::role').getSuperAdmin();
  await users.create({
    email,
    firstname: process.env.ADMIN_FIRSTNAME || 'Biên tập',
    lastname: process.env.ADMIN_LASTNAME || 'Viên',
    password,
    isActive: true,
    registrationToken: null,
    preferedLanguage: 'vi',
    roles: superAdmin ? [superAdmin.id] : [],
  });
  strapi.log.info(`First admin created: ${email} (password from ADMIN_PASSWORD in cms/.env)`);
}

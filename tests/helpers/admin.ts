import type { Page } from 'playwright-core';
import { ADMIN } from './cms';

/**
 * Logs into the Strapi admin at `cmsUrl` as `email`, as a person does, in any admin language: on the
 * login page, or on the way to the admin page `route` (the admin asks for the login, then shows it).
 */
export async function logInAs(
  page: Page,
  cmsUrl: string,
  email: string,
  password: string,
  route = '/admin/auth/login'
) {
  await page.goto(`${cmsUrl}${route}`);
  await page.locator('input[name="email"]').fill(email);
  await page.locator('input[name="password"]').fill(password);
  await page.getByRole('button', { name: /^(login|log in|đăng nhập)$/i }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30_000 });
}

/** Logs into the Strapi admin at `cmsUrl` as the tests' editor (the super admin), as a person does. */
export async function logIntoAdmin(page: Page, cmsUrl: string) {
  await logInAs(page, cmsUrl, ADMIN.email, ADMIN.password);
}

import type { Page } from 'playwright-core';
import { ADMIN } from './cms';

/** Logs into the Strapi admin at `cmsUrl` as the tests' editor, as a person does, in any admin language. */
export async function logIntoAdmin(page: Page, cmsUrl: string) {
  await page.goto(`${cmsUrl}/admin/auth/login`);
  await page.locator('input[name="email"]').fill(ADMIN.email);
  await page.locator('input[name="password"]').fill(ADMIN.password);
  await page.getByRole('button', { name: /^(login|log in|đăng nhập)$/i }).click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 30_000 });
}

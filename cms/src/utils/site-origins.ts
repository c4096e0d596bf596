/**
 * The reader site's origins (SITE_ORIGINS, comma-separated): the only pages whose browsers may call
 * the CMS (the poll routes, with credentials) and the only pages a no-JavaScript vote returns to.
 */
export function siteOrigins(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.SITE_ORIGINS ?? 'http://127.0.0.1:4321,http://localhost:4321')
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
}

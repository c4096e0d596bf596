import type { Core } from '@strapi/strapi';

const EVENTS = ['entry.publish', 'entry.unpublish', 'entry.delete', 'media.update', 'media.delete'];

/**
 * Asks GitHub Actions to rebuild the site (.github/workflows/publish.yml) after publishes. GitHub's
 * repository_dispatch API wants a body of its own ({ "event_type": ... }), which a Strapi webhook
 * cannot send, so the CMS sends it itself when GITHUB_DISPATCH_REPO ("owner/name") and
 * GITHUB_DISPATCH_TOKEN (a fine-grained token with "Contents: read and write" on that repository)
 * are set. A burst of changes makes one dispatch, GITHUB_DISPATCH_DEBOUNCE_MS (2 s) after the last.
 */
export function registerCiDispatch(strapi: Core.Strapi) {
  const repo = process.env.GITHUB_DISPATCH_REPO;
  const token = process.env.GITHUB_DISPATCH_TOKEN;
  if (!repo && !token) return;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo) || !token) {
    throw new Error('GitHub dispatch needs both GITHUB_DISPATCH_REPO ("owner/name") and GITHUB_DISPATCH_TOKEN.');
  }
  const url = `${process.env.GITHUB_API_URL || 'https://api.github.com'}/repos/${repo}/dispatches`;
  const debounceMs = Number(process.env.GITHUB_DISPATCH_DEBOUNCE_MS ?? 2000);
  let pending: { event: string; uid?: string; documentId?: string }[] = [];
  let timer: NodeJS.Timeout | undefined;

  const send = async () => {
    const events = pending.slice(-20);
    pending = [];
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/vnd.github+json',
          'Content-Type': 'application/json',
          'User-Agent': 'newsroom-cms',
          'X-GitHub-Api-Version': '2022-11-28',
        },
        body: JSON.stringify({ event_type: 'strapi-publish', client_payload: { events } }),
        signal: AbortSignal.timeout(10_000),
      });
      if (res.ok) strapi.log.info(`CI rebuild requested from ${repo} (${events.length} change(s)).`);
      else strapi.log.error(`GitHub refused the rebuild dispatch to ${repo}: ${res.status} ${await res.text()}`);
    } catch (error) {
      strapi.log.error(`Could not reach GitHub to request a rebuild of ${repo}: ${(error as Error).message}`);
    }
  };

  for (const event of EVENTS) {
    strapi.eventHub.on(event, async (payload: { uid?: string; entry?: { documentId?: string } }) => {
      pending.push({ event, uid: payload?.uid, documentId: payload?.entry?.documentId });
      clearTimeout(timer);
      timer = setTimeout(() => void send(), debounceMs);
    });
  }
  strapi.log.info(`Publishes request a CI rebuild from ${repo}.`);
}

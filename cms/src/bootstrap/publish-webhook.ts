import type { Core } from '@strapi/strapi';
import { PUBLISH_EVENTS, PUBLISH_SECRET_HEADER } from '../contracts/publish-webhook';

export const PUBLISH_WEBHOOK_NAME = 'Newsroom publisher';

interface Webhook {
  id: string | number;
  name: string;
  url: string;
  headers: Record<string, string>;
  events: string[];
  isEnabled: boolean;
}
interface WebhookStore {
  findWebhooks(): Promise<Webhook[]>;
  createWebhook(data: Omit<Webhook, 'id' | 'isEnabled'>): Promise<Webhook>;
  updateWebhook(id: Webhook['id'], data: Omit<Webhook, 'id'>): Promise<Webhook>;
  deleteWebhook(id: Webhook['id']): Promise<Webhook>;
}
interface WebhookRunner {
  add(webhook: Webhook): void;
  update(webhook: Webhook): void;
  remove(webhook: Webhook): void;
}

/**
 * Points Strapi's webhooks at the publisher (PUBLISH_WEBHOOK_URL, PUBLISH_WEBHOOK_SECRET): one
 * webhook, created on first start, updated when its settings change, removed when the URL is unset.
 * Editors can see it under Settings → Webhooks; edits there are put back at the next start.
 */
export async function ensurePublishWebhook(strapi: Core.Strapi) {
  const store = strapi.get('webhookStore') as WebhookStore;
  const runner = strapi.get('webhookRunner') as WebhookRunner;
  const url = process.env.PUBLISH_WEBHOOK_URL;
  const secret = process.env.PUBLISH_WEBHOOK_SECRET;
  const ours = (await store.findWebhooks()).filter((w) => w.name === PUBLISH_WEBHOOK_NAME);
  const [existing, ...extra] = ours;
  for (const webhook of extra) {
    await store.deleteWebhook(webhook.id);
    runner.remove(webhook);
  }
  if (!url) {
    if (existing) {
      await store.deleteWebhook(existing.id);
      runner.remove(existing);
      strapi.log.info('Publish webhook removed (PUBLISH_WEBHOOK_URL is not set).');
    }
    return;
  }
  if (!secret) throw new Error('PUBLISH_WEBHOOK_URL is set but PUBLISH_WEBHOOK_SECRET is not: run `npm run setup`.');

  const wanted = {
    name: PUBLISH_WEBHOOK_NAME,
    url,
    headers: { [PUBLISH_SECRET_HEADER]: secret },
    events: [...PUBLISH_EVENTS],
  };
  if (!existing) {
    runner.add(await store.createWebhook(wanted));
    strapi.log.info(`Publish webhook registered: ${url}`);
    return;
  }
  const same =
    existing.url === url &&
    existing.isEnabled &&
    JSON.stringify(existing.headers) === JSON.stringify(wanted.headers) &&
    [...existing.events].sort().join() === [...PUBLISH_EVENTS].sort().join();
  if (same) return;
  runner.update(await store.updateWebhook(existing.id, { ...wanted, isEnabled: true }));
  strapi.log.info(`Publish webhook updated: ${url}`);
}

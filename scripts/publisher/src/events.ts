import type { Changes } from '@newsroom/content/plan';
import { PUBLISH_ENTRY_EVENTS, PUBLISH_MEDIA_EVENTS } from '@newsroom/contracts/publish-webhook';

/**
 * Strapi's webhook bodies (https://docs.strapi.io/cms/backend-customization/webhooks#payloads):
 * entry events carry the content type and the entry, media events the file.
 */
export interface StrapiEvent {
  event: string;
  createdAt?: string;
  uid?: string;
  model?: string;
  entry?: { documentId?: string; publishedAt?: string | null; title?: string } & Record<string, unknown>;
  media?: { url?: string } & Record<string, unknown>;
}

/** The events the CMS subscribes its publish webhook to (the contract both sides import). */
const ENTRY_EVENTS = new Set<string>(PUBLISH_ENTRY_EVENTS);
const MEDIA_EVENTS = new Set<string>(PUBLISH_MEDIA_EVENTS);

/** The event, or a reason it is not a Strapi event. */
export function parseEvent(body: unknown): StrapiEvent | string {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'the body is not a JSON object';
  const e = body as StrapiEvent;
  if (typeof e.event !== 'string') return 'the body has no "event"';
  if (ENTRY_EVENTS.has(e.event)) {
    if (typeof e.uid !== 'string' || !e.entry || typeof e.entry !== 'object') {
      return `${e.event} must carry "uid" and "entry"`;
    }
    return e;
  }
  if (MEDIA_EVENTS.has(e.event)) {
    if (!e.media || typeof e.media !== 'object') return `${e.event} must carry "media"`;
    return e;
  }
  if (e.event === 'trigger-test') return e; // the admin's "Trigger" button
  return `unknown event "${e.event}"`;
}

/**
 * What a burst of events asks to rebuild; `full` when something can't be scoped; `clock` when a
 * page changes by itself at a time that has come (the instant, see @newsroom/content/clock).
 */
export interface PendingChanges extends Changes {
  full: string | null;
  clock: string | null;
}

export const noChanges = (): PendingChanges => ({ documents: {}, media: [], full: null, clock: null });

export function addEvent(changes: PendingChanges, e: StrapiEvent): PendingChanges {
  if (e.event === 'trigger-test') return { ...changes, full: changes.full ?? 'a test event from the admin' };
  if (e.event === 'media.create') return changes; // a new file is on no page until an entry uses it
  if (e.media) {
    const url = typeof e.media.url === 'string' ? e.media.url : null;
    if (!url) return { ...changes, full: changes.full ?? `${e.event} without a file URL` };
    return { ...changes, media: [...new Set([...changes.media, url])] };
  }
  const id = e.entry?.documentId;
  if (!e.uid || typeof id !== 'string') return { ...changes, full: changes.full ?? `${e.event} without a documentId` };
  const ids = new Set(changes.documents[e.uid] ?? []).add(id);
  return { ...changes, documents: { ...changes.documents, [e.uid]: [...ids] } };
}

export function mergeChanges(a: PendingChanges, b: PendingChanges): PendingChanges {
  const documents: Record<string, string[]> = { ...a.documents };
  for (const [uid, ids] of Object.entries(b.documents))
    documents[uid] = [...new Set([...(documents[uid] ?? []), ...ids])];
  return {
    documents,
    media: [...new Set([...a.media, ...b.media])],
    full: a.full ?? b.full,
    clock: a.clock ?? b.clock,
  };
}

export const isEmpty = (c: PendingChanges) =>
  !c.full && !c.clock && !c.media.length && !Object.keys(c.documents).length;

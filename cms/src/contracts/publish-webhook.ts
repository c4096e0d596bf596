/**
 * The contract between the CMS's publish webhook (cms/src/bootstrap/publish-webhook.ts) and the
 * publisher that receives it (@newsroom/publisher events.ts, server.ts). Pure data and functions:
 * compiled into the CMS by Strapi, imported by name (`@newsroom/contracts/publish-webhook`)
 * everywhere else.
 */

/** Strapi sends only static headers, no signature: the publisher compares this one in constant time. */
export const PUBLISH_SECRET_HEADER = 'X-Publish-Secret';

/**
 * Every entry event but `entry.draft-discard`, which touches no published version. Draft edits
 * cost the publisher one comparison of versions: it builds nothing when no published one changed.
 */
export const PUBLISH_ENTRY_EVENTS = [
  'entry.create',
  'entry.update',
  'entry.delete',
  'entry.publish',
  'entry.unpublish',
] as const;

/** Media library events: a replaced or deleted file changes every page that shows it. */
export const PUBLISH_MEDIA_EVENTS = ['media.create', 'media.update', 'media.delete'] as const;

/** What the CMS subscribes the publisher's webhook to. */
export const PUBLISH_EVENTS: readonly string[] = [...PUBLISH_ENTRY_EVENTS, ...PUBLISH_MEDIA_EVENTS];

/**
 * The content types the site shows, whose published documents the CMS's publishing state lists
 * (`GET /api/publishing/state`, cms/src/api/publishing/lib/state.ts). An event of any other type
 * (a user, a vote) names nothing the state can answer for.
 */
export const PUBLISHED_TYPES = [
  'api::article.article',
  'api::category.category',
  'api::author.author',
  'api::tag.tag',
  'api::photo.photo',
  'api::poll.poll',
  'api::redirect.redirect',
] as const;

import { describe, expect, it } from 'vitest';
import { PUBLISH_ENTRY_EVENTS, PUBLISH_MEDIA_EVENTS } from '@newsroom/contracts/publish-webhook';
import { addEvent, isEmpty, mergeChanges, noChanges, parseEvent, type StrapiEvent } from './events';

const ARTICLE = 'api::article.article';
const entry = (event: string, documentId = 'a1', uid = ARTICLE): StrapiEvent => ({
  event,
  uid,
  entry: { documentId },
});

describe("the publisher's side of the webhook contract", () => {
  it('accepts every event the CMS subscribes it to, and nothing else', () => {
    for (const event of PUBLISH_ENTRY_EVENTS) expect(parseEvent(entry(event))).toMatchObject({ event });
    for (const event of PUBLISH_MEDIA_EVENTS)
      expect(parseEvent({ event, media: { url: '/uploads/a.jpg' } })).toMatchObject({ event });
    expect(parseEvent({ event: 'trigger-test' })).toMatchObject({ event: 'trigger-test' });
    expect(parseEvent(entry('entry.draft-discard'))).toBe('unknown event "entry.draft-discard"');
    expect(parseEvent({ event: 'entry.publish', uid: ARTICLE })).toBe('entry.publish must carry "uid" and "entry"');
    expect(parseEvent({ event: 'media.update' })).toBe('media.update must carry "media"');
    expect(parseEvent([])).toBe('the body is not a JSON object');
    expect(parseEvent({ model: 'article' })).toBe('the body has no "event"');
  });

  it('coalesces a burst into one set of changes', () => {
    let changes = noChanges();
    for (const e of [
      entry('entry.update', 'a1'),
      entry('entry.publish', 'a1'),
      entry('entry.publish', 'a2'),
      entry('entry.update', 't1', 'api::tag.tag'),
      { event: 'media.create', media: { url: '/uploads/new.jpg' } },
      { event: 'media.update', media: { url: '/uploads/a.jpg' } },
      { event: 'media.delete', media: { url: '/uploads/a.jpg' } },
    ])
      changes = addEvent(changes, e);
    expect(changes).toEqual({
      documents: { [ARTICLE]: ['a1', 'a2'], 'api::tag.tag': ['t1'] },
      media: ['/uploads/a.jpg'], // a new file is on no page until an entry uses it
      full: null,
      clock: null,
    });
    expect(isEmpty(addEvent(noChanges(), { event: 'media.create', media: { url: '/uploads/x.jpg' } }))).toBe(true);
  });

  it('asks for a full build for what it cannot scope, and keeps the first reason', () => {
    const a = addEvent(noChanges(), { event: 'entry.update', uid: ARTICLE, entry: {} });
    expect(a.full).toBe('entry.update without a documentId');
    const b = addEvent(a, { event: 'trigger-test' });
    expect(b.full).toBe('entry.update without a documentId');
    expect(addEvent(noChanges(), { event: 'media.delete', media: {} }).full).toBe('media.delete without a file URL');
    const merged = mergeChanges(addEvent(noChanges(), entry('entry.publish', 'a1')), b);
    expect(merged).toEqual({
      documents: { [ARTICLE]: ['a1'] },
      media: [],
      full: 'entry.update without a documentId',
      clock: null,
    });
  });
});

/**
 * Each release records the CMS's publishing state it was built from (see
 * site/content/src/publish-state.ts); comparing that with the state now finds every change a release
 * is missing, whatever happened to its webhook (reconciliation).
 */
import { isDeepStrictEqual } from 'node:util';
import type { PartialState, PublishState } from '@newsroom/content/publish-state';
import { CmsError, type StrapiClient } from '@newsroom/content/strapi';
import type { PendingChanges } from './events.js';
import { noChanges } from './events.js';

const ARTICLE = 'api::article.article';

export {
  fetchPartialState,
  fetchPublishDigest,
  fetchPublishState,
  withPartial,
  withPartialInSteps,
  type PartialState,
  type PublishState,
} from '@newsroom/content/publish-state';

export const versionIn = (state: Pick<PartialState, 'types'> | null | undefined, uid: string, documentId: string) =>
  state?.types[uid]?.[documentId] ?? null;

/**
 * The changes that take a release built from `live` to `now`: documents added, removed or of
 * another version, and the URLs (old and new) of files replaced or removed. Content types that
 * only one side knows count in full (every document of them changed).
 */
export function diffState(live: PublishState, now: PublishState): PendingChanges & { count: number } {
  const changes = noChanges();
  let count = 0;
  for (const uid of new Set([...Object.keys(live.types), ...Object.keys(now.types)])) {
    const before = live.types[uid] ?? {};
    const after = now.types[uid] ?? {};
    const ids: string[] = [];
    // (for…in: no array of 100,000 entries made to be read once)
    for (const id in after) if (before[id] !== after[id]) ids.push(id);
    for (const id in before) if (!(id in after)) ids.push(id);
    if (ids.length) {
      changes.documents[uid] = ids;
      count += ids.length;
    }
  }
  const media = new Set<string>();
  for (const [id, [url, updatedAt]] of now.files === live.files ? [] : Object.entries(live.files)) {
    const file = now.files[id];
    if (file && file[0] === url && file[1] === updatedAt) continue;
    media.add(url);
    if (file) media.add(file[0]);
    count++;
  }
  changes.media = [...media];
  return { ...changes, count };
}

/**
 * diffState(live, withPartial(live, partial)) without making that whole state: only the documents
 * the partial state names can differ (its files are the live ones).
 */
export function diffPartial(live: PublishState, partial: PartialState): PendingChanges & { count: number } {
  const changes = noChanges();
  let count = 0;
  for (const [uid, versions] of Object.entries(partial.types)) {
    const before = live.types[uid] ?? {};
    const ids = Object.entries(versions)
      .filter(([id, version]) => before[id] !== (version ?? undefined))
      .map(([id]) => id);
    if (ids.length) {
      changes.documents[uid] = ids;
      count += ids.length;
    }
  }
  return { ...changes, count };
}

/**
 * A state as a release records it when some documents were held at their live version: theirs
 * stay as `live` had them (absent if it did not have them, or if the release's content does not
 * carry them after all: `carried`), so the next comparison finds them again.
 */
export function withHeld(
  now: PublishState,
  live: PublishState | null,
  held: Iterable<{ uid: string; documentId: string }>,
  carried: (uid: string, documentId: string) => boolean = () => true
) {
  const docs = [...held];
  // States are never changed in place: nothing held, nothing to copy (100,000 versions at 100,000 articles).
  if (!docs.length) return now;
  const types: PublishState['types'] = Object.fromEntries(Object.entries(now.types).map(([uid, v]) => [uid, { ...v }]));
  for (const { uid, documentId } of docs) {
    const version = carried(uid, documentId) ? versionIn(live, uid, documentId) : null;
    const forType = (types[uid] ??= {});
    if (version === null) delete forType[documentId];
    else forType[documentId] = version;
  }
  return { ...now, types };
}

/** The version a release records for a document it shows that its state did not list: no CMS gives it. */
export const UNLISTED = '?';

/**
 * `state` with every article `shown` that it does not list recorded as UNLISTED. The state is
 * read before the content, so a story published between the two is shown without a version; were
 * it recorded as absent, its unpublishing with the webhook lost would compare equal (absent both
 * times) and it would stay on the site. As UNLISTED it differs from whatever the CMS says next,
 * and the next comparison fetches it again (or takes it down).
 */
export function withShown(state: PublishState, shown: readonly { documentId: string }[], uid = ARTICLE) {
  const listed = state.types[uid] ?? {};
  const unlisted = shown.filter((doc) => !(doc.documentId in listed));
  if (!unlisted.length) return state;
  const versions = { ...listed };
  for (const doc of unlisted) versions[doc.documentId] = UNLISTED;
  return { ...state, types: { ...state.types, [uid]: versions } };
}

/**
 * Whether the token can read drafts: it must not (the guarantee that nothing unpublished reaches
 * a release comes from here, not from looking at pages). Returns null when the CMS refuses, as it
 * must, or the reason the publisher has to stop building.
 */
export async function draftsReadable(cms: StrapiClient): Promise<string | null> {
  try {
    await cms.get('articles', { status: 'draft', 'pagination[pageSize]': 1, 'fields[0]': 'documentId' });
  } catch (error) {
    if (error instanceof CmsError && (error.status === 400 || error.status === 403)) return null;
    throw error;
  }
  return 'the site token can read drafts (GET /api/articles?status=draft answered 200): give the publisher a read-only token, which the CMS refuses drafts to';
}

/**
 * A state as the change from another (Releases: a release's state recorded against a whole state
 * on disk, its base): for each content type, the documents whose version differs (null: the base
 * has it, this state does not), or null for a type this state does not have; the files whole,
 * when they are not the base's.
 */
export interface StateChange {
  types: Record<string, Record<string, string | null> | null>;
  files?: PublishState['files'];
}

/**
 * What takes `base` to `state`, or null when more than `limit` documents differ (the state is then
 * recorded whole). A publish's state differs from the last whole one by the documents published
 * since: compared, not told, so whatever made the state, the change is all of it.
 */
export function stateChange(base: PublishState, state: PublishState, limit: number): StateChange | null {
  const types: StateChange['types'] = {};
  let count = 0;
  for (const uid of new Set([...Object.keys(base.types), ...Object.keys(state.types)])) {
    const before = base.types[uid];
    const after = state.types[uid];
    if (before === after) continue;
    if (!after) {
      types[uid] = null;
      count += Object.keys(before).length;
    } else {
      const changed: Record<string, string | null> = {};
      let n = 0;
      let size = 0;
      let added = 0;
      // (for…in: no array of 100,000 entries made to be read once)
      for (const id in after) {
        size++;
        const version = before?.[id];
        if (version === after[id]) continue;
        changed[id] = after[id];
        n++;
        if (version === undefined) added++;
      }
      // Documents of the base's it does not have: looked for only when some are missing (a walk
      // over the base's 100,000 versions, where a publish removes none).
      if (before && sizeOf(before) + added > size)
        for (const id in before)
          if (!(id in after)) {
            changed[id] = null;
            n++;
          }
      if (n || !before) types[uid] = changed;
      count += n;
    }
    if (count > limit) return null;
  }
  const sameFiles = base.files === state.files || isDeepStrictEqual(base.files, state.files);
  return sameFiles ? { types } : { types, files: state.files };
}

const sizes = new WeakMap<object, number>();
/** How many versions `versions` holds: counted once for each base (its objects are never changed). */
function sizeOf(versions: Record<string, string>) {
  let size = sizes.get(versions);
  if (size === undefined) sizes.set(versions, (size = Object.keys(versions).length));
  return size;
}

/** The state `change` (stateChange) takes `base` to, generated at `generatedAt`; `base` is not changed. */
export function withStateChange(base: PublishState, change: StateChange, generatedAt: string): PublishState {
  const types = { ...base.types };
  for (const [uid, changed] of Object.entries(change.types)) {
    if (changed === null) {
      delete types[uid];
      continue;
    }
    const versions = { ...base.types[uid] };
    for (const [id, version] of Object.entries(changed)) {
      if (version === null) delete versions[id];
      else versions[id] = version;
    }
    types[uid] = versions;
  }
  return { generatedAt, types, files: change.files ?? base.files };
}

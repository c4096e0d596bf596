import type { Core } from '@strapi/strapi';
import { SCREENS, SYSTEM_FIELDS, type Screen } from './admin-screens';

type Metadata = { edit: Record<string, unknown>; list: Record<string, unknown> };
type EditRow = { name: string; size: number }[];
interface Configuration {
  settings: Record<string, unknown>;
  metadatas: Record<string, Metadata>;
  layouts: { list?: string[]; edit?: EditRow[] } & Record<string, unknown>;
}
interface ConfigurationService {
  findConfiguration(model: { uid: string }): Promise<Configuration & { uid?: string } & Record<string, unknown>>;
  updateConfiguration(model: { uid: string }, configuration: Configuration): Promise<unknown>;
}

/** What this code last wrote to a type's screens: the mark that tells its settings from an admin's. */
interface Applied {
  fields: Record<string, { label: string; description: string; listLabel: string }>;
  list?: string[];
  sort?: string;
  mainField?: string;
  edit?: string;
}

/** A form's arrangement as a comparable value, over the fields `keep` lists. */
const editKey = (rows: EditRow[], keep: Set<string>) =>
  JSON.stringify(
    rows.map((row) => row.filter((el) => keep.has(el.name)).map((el) => [el.name, el.size])).filter((row) => row.length)
  );

/**
 * Brings one type's admin screens to `screen`. Each setting is taken over only while it still
 * holds Strapi's default or what this code wrote last time (kept in the core store): a label, a
 * list, an order or a form an admin changed on purpose in "Cấu hình giao diện" stays as it is.
 * Strapi's own upkeep (dropping a removed field, adding a new one) is not mistaken for an admin's
 * change: forms are compared over the fields both versions know.
 */
export function applyScreen(configuration: Configuration, screen: Screen, last: Applied | undefined): Applied {
  const applied: Applied = { fields: {} };
  const { metadatas, layouts, settings } = configuration;

  for (const [name, text] of Object.entries(screen.fields)) {
    const metadata = metadatas[name];
    if (!metadata) continue;
    const before = last?.fields[name];
    const ours = (value: unknown, strapiDefault: string, previous: string | undefined) =>
      value === undefined || value === strapiDefault || value === previous;
    if (ours(metadata.edit.label, name, before?.label)) metadata.edit.label = text.label;
    if (ours(metadata.edit.description, '', before?.description)) metadata.edit.description = text.description;
    if (ours(metadata.list.label, name, before?.listLabel)) metadata.list.label = text.label;
    if (text.hidden) metadata.edit.visible = false;
    if (text.readOnly) metadata.edit.editable = false;
    applied.fields[name] = { label: text.label, description: text.description, listLabel: text.label };
  }

  for (const [name, label] of Object.entries(SYSTEM_FIELDS)) {
    const metadata = metadatas[name];
    if (!metadata) continue;
    const before = last?.fields[name];
    if (metadata.list.label === undefined || metadata.list.label === name || metadata.list.label === before?.listLabel)
      metadata.list.label = label;
    if (metadata.edit.label !== undefined && (metadata.edit.label === name || metadata.edit.label === before?.label))
      metadata.edit.label = label;
    applied.fields[name] = { label, description: '', listLabel: label };
  }

  if (screen.list) {
    const known = new Set(Object.keys(metadatas));
    const restrict = (list: string[] = []) => JSON.stringify(list.filter((f) => known.has(f)));
    const want = screen.list.filter((f) => known.has(f));
    if (!last?.list || restrict(layouts.list) === restrict(last.list)) layouts.list = want;
    applied.list = layouts.list === want ? want : last?.list;
  }
  if (screen.sort) {
    const want = `${screen.sort.by} ${screen.sort.order}`;
    const current = `${settings.defaultSortBy} ${settings.defaultSortOrder}`;
    if (!last?.sort || current === last.sort) {
      settings.defaultSortBy = screen.sort.by;
      settings.defaultSortOrder = screen.sort.order;
      applied.sort = want;
    } else applied.sort = last.sort;
  }
  if (screen.mainField) {
    if (!last?.mainField || settings.mainField === last.mainField) settings.mainField = screen.mainField;
    applied.mainField = settings.mainField === screen.mainField ? screen.mainField : last?.mainField;
  }
  if (screen.edit) {
    const visible = new Set(
      Object.entries(screen.fields)
        .filter(([name, text]) => !text.hidden && metadatas[name])
        .map(([name]) => name)
    );
    const want: EditRow[] = screen.edit
      .map((row) => row.filter(([name]) => visible.has(name)).map(([name, size]) => ({ name, size })))
      .filter((row) => row.length);
    // A field the declaration does not place (it should: tests/cms/admin-screens.test.ts) keeps
    // Strapi's place for it, at the end.
    const placed = new Set(want.flat().map((el) => el.name));
    for (const row of layouts.edit ?? []) {
      const rest = row.filter((el) => !placed.has(el.name) && !screen.fields[el.name]?.hidden);
      if (rest.length) want.push(rest);
    }
    const current = layouts.edit ?? [];
    const lastRows = last?.edit ? (JSON.parse(last.edit) as EditRow[]) : undefined;
    const inLast = new Set((lastRows ?? []).flat().map((el) => el.name));
    const common = new Set(
      current
        .flat()
        .map((el) => el.name)
        .filter((name) => inLast.has(name) && metadatas[name])
    );
    if (!lastRows || editKey(current, common) === editKey(lastRows, common)) layouts.edit = want;
    applied.edit = layouts.edit === want ? JSON.stringify(want) : last?.edit;
  }
  return applied;
}

/**
 * The admin's screens in Vietnamese (admin-screens.ts), applied at every start: content-manager
 * layouts live in the database, so they are brought to what the code declares each time, without
 * undoing what an admin changed on purpose.
 */
export async function applyAdminScreens(strapi: Core.Strapi) {
  const store = strapi.store({ type: 'core', name: 'newsroom' });
  const all = ((await store.get({ key: 'admin-screens' })) as Record<string, Applied> | null) ?? {};
  const contentManager = strapi.plugin('content-manager');
  for (const [uid, screen] of Object.entries(SCREENS)) {
    const isComponent = Boolean(strapi.components[uid as keyof typeof strapi.components]);
    const service = contentManager.service(
      isComponent ? 'components' : 'content-types'
    ) as unknown as ConfigurationService & {
      findComponent?(uid: string): { uid: string } | undefined;
      findContentType?(uid: string): { uid: string } | undefined;
    };
    const model = isComponent ? service.findComponent!(uid) : service.findContentType!(uid);
    if (!model) continue;
    const { settings, metadatas, layouts } = await service.findConfiguration(model);
    const configuration: Configuration = structuredClone({ settings, metadatas, layouts });
    const before = JSON.stringify(configuration);
    all[uid] = applyScreen(configuration, screen, all[uid]);
    if (JSON.stringify(configuration) !== before) await service.updateConfiguration(model, configuration);
  }
  await store.set({ key: 'admin-screens', value: all });
}

/**
 * The users-permissions "User" type is the site's reader accounts, which this newsroom does not
 * use (registration is off): it is kept out of the content manager's menu.
 */
export function hideReaderAccounts(strapi: Core.Strapi) {
  const user = strapi.contentType('plugin::users-permissions.user') as
    { pluginOptions?: Record<string, unknown> } | undefined;
  if (!user) return;
  user.pluginOptions = {
    ...user.pluginOptions,
    'content-manager': { ...(user.pluginOptions?.['content-manager'] as object), visible: false },
  };
}

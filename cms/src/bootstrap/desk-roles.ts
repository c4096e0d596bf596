import { createHash } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { DEMO_DESK, DESK_ROLES, type DeskRole } from '../contracts/desk';

const ARTICLE = 'api::article.article';
/** The newsroom's own types: the only subjects the desk roles get. */
const NEWSROOM_TYPES = ['article', 'author', 'category', 'photo', 'poll', 'redirect', 'tag'].map(
  (t) => `api::${t}.${t}`
);

const EXPLORER = 'plugin::content-manager.explorer';
type Action = 'create' | 'read' | 'update' | 'delete' | 'publish';

/** Condition ids as Strapi computes them for conditions registered without a plugin. */
export const OWN_OR_CO_AUTHORED = 'api::own-or-co-authored';
export const ASSIGNED_CATEGORY = 'api::assigned-category';

/**
 * The desk's two conditions (Strapi ANDs a permission's subject and action with its conditions,
 * and ORs several conditions): a reporter's own stories and those they co-author (their author
 * profile's "Tài khoản quản trị" is them), and a section editor's sections (the category's
 * "Biên tập viên phụ trách"). Registered first thing at start: a permission whose condition is
 * unknown counts as unconditional in Strapi's engine.
 */
export async function registerDeskConditions(strapi: Core.Strapi) {
  await strapi.service('admin::permission').conditionProvider.registerMany([
    {
      displayName: 'Bài mình viết hoặc đồng tác giả',
      name: 'own-or-co-authored',
      handler: (user: { id: number }) => ({ $or: [{ 'createdBy.id': user.id }, { 'authors.account.id': user.id }] }),
    },
    {
      displayName: 'Thuộc chuyên mục mình phụ trách',
      name: 'assigned-category',
      async handler(user: { id: number }) {
        const categories: { documentId: string }[] = await strapi.db
          .query('api::category.category')
          .findMany({ select: ['documentId'], where: { editors: { id: user.id } } });
        return { 'category.documentId': { $in: categories.map((c) => c.documentId) } };
      },
    },
  ]);
}

/** Article fields nobody sets by hand (the scheduler records who scheduled). */
const SYSTEM_FIELDS = new Set(['scheduledBy']);
/** Article fields that put a story live on their own: a schedule is an editor's call, not a reporter's. */
const EDITORS_FIELDS = new Set(['publishAt', 'unpublishAt']);

interface PermissionSpec {
  action: string;
  subject: string;
  properties: { fields?: string[] };
  conditions: string[];
}

/** Each role's permissions, over every field of the newsroom's types as the schema now stands. */
function permissionsFor(strapi: Core.Strapi, role: DeskRole): PermissionSpec[] {
  const actions = strapi
    .service('admin::permission')
    .actionProvider.values()
    .filter((a: { section: string; actionId: string }) => a.section === 'contentTypes');
  const contentTypes = strapi.service('admin::content-type') as unknown as {
    getPermissionsWithNestedFields(actions: unknown[]): PermissionSpec[];
  };
  const all = contentTypes
    .getPermissionsWithNestedFields(actions)
    .filter((p: PermissionSpec) => NEWSROOM_TYPES.includes(p.subject)) as PermissionSpec[];

  const grant = (subject: string, action: Action, conditions: string[] = [], omit = new Set<string>()) => {
    const base = all.find((p) => p.subject === subject && p.action === `${EXPLORER}.${action}`);
    if (!base) return [];
    const fields = base.properties.fields?.filter((f) => !SYSTEM_FIELDS.has(f) && !omit.has(f));
    return [{ action: base.action, subject, properties: fields ? { fields } : {}, conditions }];
  };
  const type = (t: string) => `api::${t}.${t}`;

  if (role === 'reporter') {
    return [
      ...grant(ARTICLE, 'create', [], EDITORS_FIELDS),
      ...grant(ARTICLE, 'read', [OWN_OR_CO_AUTHORED]),
      ...grant(ARTICLE, 'update', [OWN_OR_CO_AUTHORED], EDITORS_FIELDS),
      ...['photo', 'poll', 'tag'].flatMap((t) => [...grant(type(t), 'create'), ...grant(type(t), 'read')]),
      ...['photo', 'poll'].flatMap((t) => grant(type(t), 'update', ['admin::is-creator'])),
      ...['author', 'category'].flatMap((t) => grant(type(t), 'read')),
    ];
  }
  if (role === 'sectionEditor') {
    return [
      ...grant(ARTICLE, 'create'),
      ...grant(ARTICLE, 'read'),
      ...(['update', 'delete', 'publish'] as const).flatMap((a) => grant(ARTICLE, a, [ASSIGNED_CATEGORY])),
      ...['photo', 'poll', 'redirect', 'tag'].flatMap((t) =>
        (['create', 'read', 'update', 'delete'] as const).flatMap((a) => grant(type(t), a))
      ),
      ...['author', 'category'].flatMap((t) => grant(type(t), 'read')),
    ];
  }
  return NEWSROOM_TYPES.flatMap((subject) =>
    (['create', 'read', 'update', 'delete', 'publish'] as const).flatMap((a) => grant(subject, a))
  );
}

/** The media library: everyone uploads; a reporter edits only their own files. */
function mediaPermissions(role: DeskRole): PermissionSpec[] {
  const own = role === 'reporter' ? ['admin::is-creator'] : [];
  return [
    { action: 'plugin::upload.read', conditions: own },
    { action: 'plugin::upload.configure-view', conditions: [] },
    { action: 'plugin::upload.assets.create', conditions: [] },
    { action: 'plugin::upload.assets.update', conditions: own },
    { action: 'plugin::upload.assets.download', conditions: [] },
    { action: 'plugin::upload.assets.copy-link', conditions: [] },
  ].map((p) => ({ ...p, subject: null as unknown as string, properties: {} }));
}

/** A permission set as a comparable value (order-independent). */
function fingerprint(
  permissions: {
    action: string;
    subject?: string | null;
    properties?: { fields?: string[] | null };
    conditions?: string[];
  }[]
) {
  const rows = permissions
    .map((p) =>
      JSON.stringify([
        p.action,
        p.subject ?? null,
        [...(p.properties?.fields ?? [])].sort(),
        [...(p.conditions ?? [])].sort(),
      ])
    )
    .sort();
  return createHash('sha256').update(rows.join('\n')).digest('hex');
}

/**
 * Keeps the desk's roles (Phóng viên, Biên tập viên, Tổng biên tập) at every start: created when
 * missing, and brought to the current declaration (say, a field added to articles) as long as their
 * permissions are still the ones this code set last time. A role an admin has changed on purpose in
 * Settings is left as the admin made it (and logged).
 */
export async function ensureDeskRoles(strapi: Core.Strapi): Promise<Record<DeskRole, number>> {
  const store = strapi.store({ type: 'core', name: 'newsroom' });
  // Per role: the declaration last applied, and the permissions it left in the database.
  const applied =
    ((await store.get({ key: 'desk-roles' })) as Record<string, { declared: string; stored: string }> | null) ?? {};
  const ids = {} as Record<DeskRole, number>;
  const roles = strapi.service('admin::role');
  const stored = async (roleId: number) =>
    fingerprint(await strapi.db.query('admin::permission').findMany({ where: { role: { id: roleId } } }));
  for (const [key, spec] of Object.entries(DESK_ROLES) as [DeskRole, (typeof DESK_ROLES)[DeskRole]][]) {
    const wanted = [...permissionsFor(strapi, key), ...mediaPermissions(key)];
    const declared = fingerprint(wanted);
    let role = await strapi.db.query('admin::role').findOne({ where: { code: spec.code } });
    const last = applied[spec.code];
    if (!role) {
      role = await roles.create({ name: spec.name, code: spec.code, description: spec.description });
    } else if (!last || (await stored(role.id)) !== last.stored) {
      if (last) strapi.log.warn(`Desk role "${spec.name}" was changed in Settings: kept as it is.`);
      else strapi.log.warn(`Desk role "${spec.name}" exists but was not set up by this CMS: kept as it is.`);
      ids[key] = role.id;
      continue;
    } else if (last.declared === declared) {
      ids[key] = role.id;
      continue;
    }
    await roles.assignPermissions(role.id, wanted);
    applied[spec.code] = { declared, stored: await stored(role.id) };
    ids[key] = role.id;
  }
  await store.set({ key: 'desk-roles', value: applied });
  return ids;
}

/**
 * The demo desk (one account per role, contracts/desk.ts), for the demo newsroom: each account
 * whose password `npm run setup` generated (DEMO_PASSWORD_* in cms/.env) and that does not exist
 * yet is created, in Vietnamese, linked to its author profile and sections.
 */
export async function ensureDemoDesk(strapi: Core.Strapi, roleIds: Record<DeskRole, number>) {
  const users = strapi.service('admin::user');
  for (const person of DEMO_DESK) {
    const password = process.env[person.passwordEnv];
    if (!password) continue;
    if (await strapi.db.query('admin::user').findOne({ select: ['id'], where: { email: person.email } })) continue;
    const user = await users.create({
      email: person.email,
      firstname: person.firstname,
      lastname: person.lastname,
      password,
      isActive: true,
      registrationToken: null,
      preferedLanguage: 'vi',
      roles: [roleIds[person.role]],
    });
    if (person.author) {
      await strapi.db
        .query('api::author.author')
        .update({ where: { name: person.author }, data: { account: user.id } });
    }
    for (const name of person.categories ?? []) {
      const category = await strapi.db
        .query('api::category.category')
        .findOne({ where: { name }, populate: { editors: { select: ['id'] } } });
      if (!category) continue;
      await strapi.db.query('api::category.category').update({
        where: { id: category.id },
        data: { editors: [...category.editors.map((e: { id: number }) => e.id), user.id] },
      });
    }
    strapi.log.info(`Demo desk: ${DESK_ROLES[person.role].name} ${person.email} created.`);
  }
}

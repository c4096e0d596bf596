import type { Core } from '@strapi/strapi';

/** What anyone on the internet may do: read published content. Nothing else. */
export const PUBLIC_TYPES = ['article', 'author', 'category', 'tag', 'photo', 'poll'] as const;
export const PUBLIC_ACTIONS = PUBLIC_TYPES.flatMap((t) => [`api::${t}.${t}.find`, `api::${t}.${t}.findOne`]);

const PERMISSION = 'plugin::users-permissions.permission';

/**
 * Brings the public role to exactly PUBLIC_ACTIONS on every start (idempotent): a permission an
 * admin ticked by mistake is removed again, and self-registration of public users stays off.
 */
export async function applyPublicPermissions(strapi: Core.Strapi, extraActions: string[] = []) {
  const wanted = new Set([...PUBLIC_ACTIONS, ...extraActions]);
  const role = await strapi.db.query('plugin::users-permissions.role').findOne({ where: { type: 'public' } });
  if (!role) throw new Error('The users-permissions public role is missing: is the plugin installed?');

  const current: { id: number; action: string }[] = await strapi.db
    .query(PERMISSION)
    .findMany({ select: ['id', 'action'], where: { role: role.id } });
  const stale = current.filter((p) => !wanted.has(p.action));
  if (stale.length) {
    await strapi.db.query(PERMISSION).deleteMany({ where: { id: { $in: stale.map((p) => p.id) } } });
    strapi.log.info(`Public role: removed ${stale.map((p) => p.action).join(', ')}`);
  }
  const have = new Set(current.map((p) => p.action));
  for (const action of wanted) {
    if (!have.has(action)) await strapi.db.query(PERMISSION).create({ data: { action, role: role.id } });
  }

  const store = strapi.store({ type: 'plugin', name: 'users-permissions' });
  const advanced = (await store.get({ key: 'advanced' })) as Record<string, unknown> | null;
  if (advanced && advanced.allow_register !== false) {
    await store.set({ key: 'advanced', value: { ...advanced, allow_register: false } });
  }
}

import type { Core } from '@strapi/strapi';

interface ComponentsService {
  findComponent(uid: string): { uid: string } | undefined;
  findConfiguration(component: {
    uid: string;
  }): Promise<{ metadatas: Record<string, { edit: Record<string, unknown> }> } & Record<string, unknown>>;
  updateConfiguration(component: { uid: string }, configuration: Record<string, unknown>): Promise<unknown>;
}

/**
 * Vote counts are counted by the CMS, never typed in: editors see them read-only in the admin's
 * poll form. (Content-manager layouts live in the database, so this is re-applied on every start.)
 */
export async function lockVoteCounts(strapi: Core.Strapi) {
  const components = strapi.plugin('content-manager').service('components') as unknown as ComponentsService;
  const component = components.findComponent('poll.option');
  if (!component) return;
  const {
    uid: _uid,
    category: _category,
    isComponent: _isComponent,
    ...configuration
  } = (await components.findConfiguration(component)) as Record<string, unknown> & {
    metadatas: Record<string, { edit: Record<string, unknown> }>;
  };
  const votes = configuration.metadatas.votes;
  if (!votes || votes.edit.editable === false) return;
  votes.edit = { ...votes.edit, editable: false, description: 'Số phiếu do hệ thống đếm, không sửa tay.' };
  await components.updateConfiguration(component, configuration);
}

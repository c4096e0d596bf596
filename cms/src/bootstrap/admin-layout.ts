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

interface ContentTypesService {
  findContentType(uid: string): { uid: string } | undefined;
  findConfiguration(contentType: { uid: string }): Promise<Configuration>;
  updateConfiguration(contentType: { uid: string }, configuration: Omit<Configuration, 'uid'>): Promise<unknown>;
}
type Metadata = { edit: Record<string, unknown>; list: Record<string, unknown> };
type Configuration = { uid?: string; metadatas: Record<string, Metadata> } & Record<string, unknown>;

/** The schedule's fields, as editors read them in the article form and list (and its filters). */
const SCHEDULE_LABELS: Record<string, { label: string; description: string }> = {
  publishAt: {
    label: 'Hẹn giờ xuất bản',
    description:
      'Giờ Việt Nam. Đến giờ, hệ thống tự xuất bản bản nháp này (như khi bấm Xuất bản). Để trống: không hẹn giờ.',
  },
  unpublishAt: {
    label: 'Hẹn giờ gỡ bài',
    description: 'Giờ Việt Nam. Đến giờ, hệ thống tự gỡ bài khỏi trang báo. Để trống: không hẹn giờ.',
  },
};

/**
 * Names the schedule's fields in Vietnamese in the article form and list. A label an admin has
 * changed on purpose (no longer the field's API name) is left as it is.
 */
export async function labelScheduleFields(strapi: Core.Strapi) {
  const types = strapi.plugin('content-manager').service('content-types') as unknown as ContentTypesService;
  const article = types.findContentType('api::article.article');
  if (!article) return;
  const { uid: _uid, ...configuration } = await types.findConfiguration(article);
  let changed = false;
  for (const [field, { label, description }] of Object.entries(SCHEDULE_LABELS)) {
    const metadata = configuration.metadatas[field];
    if (!metadata) continue;
    if (metadata.edit.label === field) {
      metadata.edit = { ...metadata.edit, label, description };
      changed = true;
    }
    if (metadata.list.label === field) {
      metadata.list = { ...metadata.list, label };
      changed = true;
    }
  }
  if (changed) await types.updateConfiguration(article, configuration);
}

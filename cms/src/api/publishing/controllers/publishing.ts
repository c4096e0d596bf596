import type { Core } from '@strapi/strapi';
import { publishState } from '../lib/state';

export default ({ strapi }: { strapi: Core.Strapi }) => ({
  /** GET /api/publishing/state: what is published, per document (see services/state.ts). */
  async find(ctx: { body: unknown; set(name: string, value: string): void }) {
    ctx.set('Cache-Control', 'no-store');
    ctx.body = { data: await publishState(strapi) };
  },
});

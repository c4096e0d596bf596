import type { Core } from '@strapi/strapi';
import { PUBLISH_SECRET_HEADER } from '../../../contracts/publish-webhook';
import { documentVersion } from './state';
import { PUBLISHED_TYPES } from '../../../contracts/publish-webhook';

interface StatusContext {
  params: { uid: string; documentId: string };
  status: number;
  body: unknown;
  set(name: string, value: string): void;
}

/**
 * GET /newsroom/publishing/:uid/:documentId (admin session): where the document's published
 * version stands on the site — live, pending or failed — as the publisher sees it. Drives the
 * panel in the article edit view (src/admin/app.tsx).
 */
export function registerDocumentStatusRoute(strapi: Core.Strapi) {
  strapi.server.routes({
    type: 'admin',
    prefix: '/newsroom',
    routes: [
      {
        method: 'GET',
        path: '/publishing/:uid/:documentId',
        handler: async (context) => {
          const ctx = context as unknown as StatusContext;
          ctx.set('Cache-Control', 'no-store');
          const { uid, documentId } = ctx.params;
          if (!(PUBLISHED_TYPES as readonly string[]).includes(uid)) {
            ctx.status = 400;
            ctx.body = { error: { message: `Loại nội dung "${uid}" không được xuất bản lên trang.` } };
            return;
          }
          const version = await documentVersion(strapi, uid, documentId);
          const hook = process.env.PUBLISH_WEBHOOK_URL;
          const secret = process.env.PUBLISH_WEBHOOK_SECRET;
          if (!hook || !secret) {
            ctx.body = { data: { state: 'no-publisher', version } };
            return;
          }
          const url = new URL('/status/document', hook);
          url.search = new URLSearchParams({ uid, documentId, version: version ?? '' }).toString();
          try {
            const res = await fetch(url, {
              headers: { [PUBLISH_SECRET_HEADER]: secret, Accept: 'application/json' },
              signal: AbortSignal.timeout(5000),
            });
            if (!res.ok) throw new Error(`the publisher answered ${res.status}`);
            ctx.body = { data: await res.json() };
          } catch (error) {
            ctx.body = { data: { state: 'unreachable', version, error: (error as Error).message } };
          }
        },
        config: { policies: ['admin::isAuthenticatedAdmin'] },
        info: { apiName: 'publishing', type: 'admin' },
      },
    ],
  });
}

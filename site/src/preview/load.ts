import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import type { PreviewGrant } from '@newsroom/contracts/preview';
import { CmsError, createStrapiClient } from '@newsroom/content/strapi';
import { article as articleSchema, type Article } from '@newsroom/content/schema';
import { readReleaseContent, type ReleaseContent } from '@newsroom/content/release-content';
import { toContent, type SiteContent, type Snapshot } from '@newsroom/content/snapshot';
import { CMS_URL } from './content';

/**
 * What a preview shows: the previewed version of one article, read from the CMS with the preview
 * token (the only token that reads drafts, which lives here and nowhere else), placed among the
 * content of the live release (PUBLISH_DIR: the publisher's snapshot of it) so that its related
 * box, menu and footer are those readers would see if it were published now.
 */

/** A setting from the environment, or as the CMS last wrote it to PREVIEW_ENV_FILE. */
export function fromCms(name: 'PREVIEW_API_TOKEN' | 'MEDIA_URL'): string | undefined {
  if (process.env[name]) return process.env[name];
  const file = process.env.PREVIEW_ENV_FILE;
  return (file && fs.existsSync(file) ? parse(fs.readFileSync(file))[name] : undefined) || undefined;
}
const token = () => fromCms('PREVIEW_API_TOKEN');

const EMPTY: Snapshot = { version: 1, fetchedAt: '', articles: [], categories: [], authors: [], tags: [], polls: [] };

/**
 * The live release's content, re-read when another release goes live: in the background, every
 * 2 s, so that no preview waits for a 10k-article snapshot to parse (previews meanwhile use the
 * previous one). A publish leaves its content as a journal entry, the change from an earlier
 * release's whole snapshot: that one is kept, and only the few kilobytes of the change are read.
 */
class LiveContent {
  private loaded: ({ id: string } & ReleaseContent) | null = null;
  private failed: string | null = null;

  constructor(private readonly dir: string | undefined) {
    if (dir) setInterval(() => this.refresh(), 2000).unref();
    this.refresh();
  }

  private liveId() {
    try {
      return path.basename(fs.readlinkSync(path.join(this.dir!, 'current')));
    } catch {
      return null;
    }
  }

  refresh() {
    const id = this.dir && this.liveId();
    if (!id || this.loaded?.id === id) return;
    try {
      // A release's content is written just after it goes live: until then, the previous one.
      const content = readReleaseContent(path.join(this.dir!, 'snapshots'), id, this.loaded?.whole);
      if (content) this.loaded = { id, ...content };
      this.failed = null;
    } catch (error) {
      // Said once per release, not every 2 s; previews keep the content they had.
      if (this.failed === id) return;
      this.failed = id;
      console.error(`[preview] could not read the content of the live release ${id}: ${(error as Error).message}`);
    }
  }

  /**
   * The live content. Until some is loaded (the service started before the first release went
   * live), each preview looks for it at once: never an empty related box beside a live site.
   */
  get snapshot() {
    if (!this.loaded) this.refresh();
    return this.loaded?.snapshot ?? EMPTY;
  }
}

const live = new LiveContent(process.env.PUBLISH_DIR);

export type Loaded = { article: Article; content: SiteContent } | { status: number; message: string };

/** A draft may lack what publishing requires; the preview shows what there is, as a page would. */
function asArticle(row: Record<string, unknown>, now: Date) {
  return articleSchema.safeParse({
    ...row,
    title: row.title || '(Chưa có tiêu đề)',
    slug: row.slug || row.documentId,
    lead: row.lead ?? '',
    publishedAt: row.publishedAt ?? now.toISOString(),
    authors: row.authors ?? [],
    tags: row.tags ?? [],
    photos: row.photos ?? [],
    featured: row.featured ?? false,
  });
}

export async function loadPreview(grant: PreviewGrant, now = new Date()): Promise<Loaded> {
  const cms = createStrapiClient({ baseUrl: CMS_URL, token: token(), tokenName: 'PREVIEW_API_TOKEN', retries: 1 });
  let row: Record<string, unknown>;
  try {
    row = (
      await cms.get<{ data: Record<string, unknown> }>(`preview/articles/${grant.documentId}`, { status: grant.status })
    ).data;
  } catch (error) {
    if (error instanceof CmsError && error.status === 404) {
      return { status: 404, message: 'Không tìm thấy bài viết này (có thể đã bị xóa).' };
    }
    console.error(`[preview] ${(error as Error).message}`);
    return { status: 502, message: 'Không đọc được bài viết từ hệ thống quản trị. Hãy thử lại sau ít phút.' };
  }
  const parsed = asArticle(row, now);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      status: 422,
      message: `Bản nháp chưa thể xem trước: trường "${issue.path.join('.')}" chưa hợp lệ (${issue.message}).`,
    };
  }
  const article = parsed.data;
  const base = live.snapshot;
  const content = toContent({
    ...base,
    articles: [article, ...base.articles.filter((a) => a.documentId !== article.documentId)],
    renderedAt: now.toISOString(),
  });
  return { article, content };
}

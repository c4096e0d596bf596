import { useEffect, useState } from 'react';
import { unstable_useContentManagerContext as useContentManagerContext, useFetchClient } from '@strapi/strapi/admin';
import { Box, Flex, Link, Typography } from '@strapi/design-system';
import { newspaperDateTime } from '../../contracts/dates';

/** What the CMS's /newsroom/publishing route answers (src/api/publishing/lib/document-status.ts). */
interface DocumentStatus {
  state: 'live' | 'pending' | 'failed' | 'not-published' | 'no-publisher' | 'unreachable';
  url?: string | null;
  releaseSince?: string | null;
  error?: string;
  failedAt?: string;
  retryAt?: string;
  building?: boolean;
}

const PUBLISHED_TYPES = new Set(['api::article.article']);

const time = (iso: string | null | undefined) => (iso ? newspaperDateTime(iso, { seconds: true }) : '');

const TEXT: Record<DocumentStatus['state'], { title: string; color: string }> = {
  live: { title: 'Đã lên trang', color: 'success600' },
  pending: { title: 'Đang chờ lên trang', color: 'warning600' },
  failed: { title: 'Chưa lên trang được', color: 'danger600' },
  'not-published': { title: 'Chưa xuất bản', color: 'neutral600' },
  'no-publisher': { title: 'Chưa nối với máy xuất bản', color: 'neutral600' },
  unreachable: { title: 'Không liên lạc được với máy xuất bản', color: 'danger600' },
};

/** How often the panel asks again, by what it last heard: often while a story is on its way. */
const AGAIN_MS: Record<DocumentStatus['state'], number> = {
  pending: 2000,
  unreachable: 2000,
  failed: 10_000,
  // An unpublish reloads the document without changing the form: noticed here.
  live: 10_000,
  'not-published': 30_000,
  'no-publisher': 30_000,
};

/**
 * The edit view's panel "Trên trang báo": whether the version of this story the CMS has published
 * is live on the site (with its address), still on its way, or held back (with the cause). Asked
 * at once after every save or publish (each reloads the document, so the form's initial values
 * are new), every 2 s while the story is on its way, and now and then otherwise (an unpublish,
 * another editor's publish).
 */
export function PublishingPanel() {
  const { model, id, form } = useContentManagerContext();
  const loadedDocument = (form as { initialValues?: unknown }).initialValues;
  const { get } = useFetchClient();
  const [status, setStatus] = useState<DocumentStatus | null>(null);

  useEffect(() => {
    if (!PUBLISHED_TYPES.has(model) || !id || id === 'create') return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const { data } = await get<{ data: DocumentStatus }>(
          `/newsroom/publishing/${encodeURIComponent(model)}/${encodeURIComponent(id)}`
        );
        if (stopped) return;
        setStatus(data.data);
        timer = setTimeout(load, AGAIN_MS[data.data.state] ?? 10_000);
      } catch {
        if (!stopped) timer = setTimeout(load, 10000);
      }
    };
    void load();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [model, id, get, loadedDocument]);

  if (!status) return null;
  const { title, color } = TEXT[status.state] ?? TEXT.unreachable;
  return (
    <Box
      aria-live="polite"
      data-testid="newsroom-publishing"
      background="neutral0"
      hasRadius
      shadow="tableShadow"
      paddingTop={4}
      paddingBottom={4}
      paddingLeft={4}
      paddingRight={4}
      width="100%"
    >
      <Flex direction="column" alignItems="flex-start" gap={2}>
        <Typography variant="sigma" textColor="neutral600" tag="h2">
          Trên trang báo
        </Typography>
        <Typography fontWeight="bold" textColor={color}>
          {title}
        </Typography>
        {status.state === 'live' && status.url && (
          <Link href={status.url} isExternal>
            Xem bài trên trang
          </Link>
        )}
        {status.state === 'live' && status.releaseSince && (
          <Typography variant="pi" textColor="neutral600">
            Bản phát hành hiện tại từ {time(status.releaseSince)}
          </Typography>
        )}
        {status.state === 'pending' && (
          <Typography variant="pi" textColor="neutral600">
            {status.building ? 'Đang dựng trang…' : 'Đã vào hàng đợi, sẽ lên trang trong giây lát.'}
          </Typography>
        )}
        {status.state === 'failed' && (
          <>
            <Typography variant="pi">Bản trước đó vẫn hiển thị trên trang. Nguyên nhân: {status.error}</Typography>
            <Typography variant="pi" textColor="neutral600">
              Hệ thống thử lại lúc {time(status.retryAt)}, hoặc ngay khi bài được sửa và xuất bản lại.
            </Typography>
          </>
        )}
        {status.state === 'unreachable' && (
          <Typography variant="pi" textColor="neutral600">
            Bài đã xuất bản vẫn sẽ lên trang khi máy xuất bản chạy lại.
          </Typography>
        )}
      </Flex>
    </Box>
  );
}

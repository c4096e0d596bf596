import { RELATED_COUNT } from '@newsroom/content/related';
import { LISTING_PAGE_SIZE } from '@newsroom/content/listing-pages';

/**
 * Site-wide constants in one place: the news organisation, locale and time zone, and page sizes.
 * Edit this file (or set SITE_URL) to run the stack for another newsroom.
 */
export const SITE = {
  name: 'Báo Điện tử Thiệu Hóa',
  shortName: 'Thiệu Hóa',
  description: 'Tin tức thời sự, an ninh trật tự, kinh tế, xã hội của huyện Thiệu Hóa, tỉnh Thanh Hóa.',
  url: (process.env.SITE_URL || import.meta.env?.SITE || 'http://127.0.0.1:4321').replace(/\/+$/, ''),
  lang: 'vi',
  locale: 'vi-VN',
  ogLocale: 'vi_VN',
  timeZone: 'Asia/Ho_Chi_Minh',
  /** The organisation that publishes the paper (its masthead, in the footer). */
  organization: {
    name: 'Trung tâm Văn hóa, Thông tin, Thể thao và Du lịch huyện Thiệu Hóa',
    editor: 'Tổng biên tập: Nguyễn Văn A',
    license: 'Giấy phép số 123/GP-STTTT do Sở Thông tin và Truyền thông Thanh Hóa cấp.',
    address: 'Thị trấn Thiệu Hóa, huyện Thiệu Hóa, tỉnh Thanh Hóa',
    phone: '0237 3 000 000',
    email: 'toasoan@thieuhoa.example',
  },
  /** Articles per page on category, author and tag pages (pages numbered from the oldest: listing-pages.ts). */
  pageSize: LISTING_PAGE_SIZE,
  /** Latest articles on the home page, and per category block. */
  homeLatest: 10,
  homePerCategory: 4,
  relatedCount: RELATED_COUNT,
} as const;

import { describe, expect, it } from 'vitest';
import { MAX_SLUG_LENGTH, toSlug } from './vietnamese-slug';

describe('toSlug turns Vietnamese titles into readable URLs', () => {
  it.each([
    [
      'Tiếp tục sáng tạo nhiều mô hình mới với phương châm “Dân cần, dân làm, dân hưởng thụ”',
      'tiep-tuc-sang-tao-nhieu-mo-hinh-moi-voi-phuong-cham-dan-can-dan-lam-dan-huong-thu',
    ],
    ['Đại tá Nguyễn Quang Huy dự Ngày hội ở Đông Sơn', 'dai-ta-nguyen-quang-huy-du-ngay-hoi-o-dong-son'],
    ['Thiệu Hóa: người dân đón Tết Nguyên đán', 'thieu-hoa-nguoi-dan-don-tet-nguyen-dan'],
    [
      'Ưu tiên vốn cho đường giao thông, “điểm nghẽn” ở Mường Lát',
      'uu-tien-von-cho-duong-giao-thong-diem-nghen-o-muong-lat',
    ],
    ['Sơ kết 6 tháng: 112 nghị quyết, 100% dân tham gia', 'so-ket-6-thang-112-nghi-quyet-100-dan-tham-gia'],
    ['  Khai mạc  Hội thao   quốc phòng – an ninh  ', 'khai-mac-hoi-thao-quoc-phong-an-ninh'],
    ['ĐƯỜNG HỒ CHÍ MINH QUA XỨ THANH', 'duong-ho-chi-minh-qua-xu-thanh'],
    // Numbers separated by punctuation stay apart: dates, decimals, times, thousands.
    ['Kỷ niệm Ngày 2/9/1945', 'ky-niem-ngay-2-9-1945'],
    ['Hỗ trợ 1,5 triệu đồng mỗi hộ', 'ho-tro-1-5-trieu-dong-moi-ho'],
    ['Khai mạc lúc 10:30 sáng 15-8', 'khai-mac-luc-10-30-sang-15-8'],
    ['Giải ngân 2.000 tỷ đồng', 'giai-ngan-2-000-ty-dong'],
    ['U23 Việt Nam/Thái Lan', 'u23-viet-nam-thai-lan'],
    ['Phòng chống COVID-19', 'phong-chong-covid-19'],
    ['Quyết định số 123/QĐ-UBND', 'quyet-dinh-so-123-qd-ubnd'],
    ['Tăng 3%–5% so với cùng kỳ', 'tang-3-5-so-voi-cung-ky'],
  ])('%s', (title, slug) => {
    expect(toSlug(title)).toBe(slug);
  });

  it('gives the same slug for decomposed (NFD) input as for composed text', () => {
    const title = 'Thiệu Hóa đón nhận Huân chương Lao động';
    expect(toSlug(title.normalize('NFD'))).toBe(toSlug(title));
    expect(toSlug(title.normalize('NFD'))).toBe('thieu-hoa-don-nhan-huan-chuong-lao-dong');
  });

  it('cuts a very long title at a word boundary', () => {
    const title = 'Hội nghị tổng kết công tác phòng cháy chữa cháy '.repeat(10);
    const slug = toSlug(title);
    expect(slug.length).toBeLessThanOrEqual(MAX_SLUG_LENGTH);
    expect(slug).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(toSlug(title, 10_000).startsWith(`${slug}-`)).toBe(true);
  });

  it('is empty for text with no letters or digits', () => {
    expect(toSlug('“—”')).toBe('');
  });
});

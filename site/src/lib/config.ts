/** Site-wide constants: the publisher, locale and time zone, in one place. */
export const SITE = {
  name: 'Báo Điện tử Thiệu Hóa',
  description: 'Tin tức thời sự, an ninh trật tự, kinh tế, xã hội của huyện Thiệu Hóa.',
  locale: 'vi-VN',
  lang: 'vi',
  timeZone: 'Asia/Ho_Chi_Minh',
};

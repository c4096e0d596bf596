/**
 * What editors read in the admin's forms and lists: a Vietnamese label and help text for every
 * field of every type, the columns and order of each list, and the arrangement of each form.
 * Applied by admin-layout.ts at every start; tests/cms/admin-screens.test.ts checks that every
 * field of every schema is named here.
 */

export interface FieldText {
  label: string;
  description: string;
  /** Not shown in the form (set by the system). */
  hidden?: boolean;
  /** Shown, never typed in (counted by the system). */
  readOnly?: boolean;
}

export interface Screen {
  fields: Record<string, FieldText>;
  /** The list's columns (the content manager adds the status column to draft & publish types). */
  list?: string[];
  sort?: { by: string; order: 'ASC' | 'DESC' };
  /** The field a relation to this type shows. */
  mainField?: string;
  /** The form, row by row: [field, width out of 12]. */
  edit?: [string, number][][];
}

/** The fields Strapi adds to every type (shown in lists, filters and sort menus). */
export const SYSTEM_FIELDS: Record<string, string> = {
  id: 'ID',
  documentId: 'Mã tài liệu',
  createdAt: 'Ngày tạo',
  updatedAt: 'Cập nhật lần cuối',
  publishedAt: 'Ngày xuất bản',
  createdBy: 'Người tạo',
  updatedBy: 'Người sửa cuối',
};

const SLUG_HELP = 'Phần cuối của địa chỉ trên trang, tự tạo từ tên; chỉ chữ thường không dấu, số và dấu gạch ngang.';

export const SCREENS: Record<string, Screen> = {
  'api::article.article': {
    fields: {
      title: {
        label: 'Tiêu đề',
        description: 'Tiêu đề bài, hiện trên trang, trong danh sách và khi chia sẻ (tối đa 250 ký tự).',
      },
      slug: {
        label: 'Đường dẫn',
        description:
          'Phần cuối địa chỉ bài (/bai-viet/…), tự tạo từ tiêu đề. Đổi đường dẫn của bài đã đăng: địa chỉ cũ tự chuyển sang địa chỉ mới.',
      },
      lead: {
        label: 'Sa-pô',
        description: 'Đoạn mở đầu in đậm dưới tiêu đề; cũng là mô tả khi chia sẻ lên mạng xã hội.',
      },
      body: {
        label: 'Nội dung',
        description: 'Nội dung bài viết. Ảnh trong bài lấy từ mục "Ảnh trong bài", kèm chú thích và nguồn ảnh.',
      },
      cover: {
        label: 'Ảnh đại diện',
        description: 'Ảnh hiện ở đầu bài, ở trang chủ, trang chuyên mục và khi chia sẻ.',
      },
      photos: { label: 'Ảnh trong bài', description: 'Các ảnh dùng trong nội dung, theo thứ tự xuất hiện.' },
      category: {
        label: 'Chuyên mục',
        description: 'Chuyên mục của bài; biên tập viên của chuyên mục này duyệt và xuất bản bài.',
      },
      tags: {
        label: 'Thẻ',
        description: 'Các chủ đề, địa danh, sự kiện của bài: bạn đọc theo thẻ để đọc các bài cùng chủ đề.',
      },
      authors: { label: 'Tác giả', description: 'Những người ký tên dưới bài, theo thứ tự in.' },
      poll: { label: 'Thăm dò ý kiến', description: 'Thăm dò ý kiến bạn đọc hiện trong bài (không bắt buộc).' },
      featured: { label: 'Nổi bật', description: 'Đưa bài lên vị trí nổi bật ở đầu trang chủ.' },
      submittedForReview: {
        label: 'Gửi duyệt',
        description: 'Phóng viên bật khi bài đã sẵn sàng để biên tập viên duyệt. Tự tắt khi bài được xuất bản.',
      },
      seo: {
        label: 'SEO và chia sẻ',
        description:
          'Tiêu đề, mô tả và ảnh cho máy tìm kiếm và mạng xã hội. Để trống: lấy tiêu đề, sa-pô và ảnh đại diện.',
      },
      publicationDate: {
        label: 'Ngày đăng',
        description: 'Ngày giờ in trên bài. Để trống: lấy thời điểm xuất bản (hoặc giờ hẹn xuất bản).',
      },
      publishAt: {
        label: 'Hẹn giờ xuất bản',
        description:
          'Giờ Việt Nam. Đến giờ, hệ thống tự xuất bản bản nháp này (như khi bấm Xuất bản). Để trống: không hẹn giờ.',
      },
      unpublishAt: {
        label: 'Hẹn giờ gỡ bài',
        description: 'Giờ Việt Nam. Đến giờ, hệ thống tự gỡ bài khỏi trang báo. Để trống: không hẹn giờ.',
      },
      scheduledBy: { label: 'Người hẹn giờ', description: 'Tài khoản đã đặt giờ hẹn (hệ thống ghi).', hidden: true },
      sourceKey: { label: 'Mã nguồn nhập', description: 'Mã của bài khi được nhập từ hệ thống khác.', hidden: true },
    },
    list: ['title', 'category', 'authors', 'publicationDate'],
    sort: { by: 'publicationDate', order: 'DESC' },
    mainField: 'title',
    edit: [
      [['title', 12]],
      [['lead', 12]],
      [['body', 12]],
      [
        ['category', 6],
        ['authors', 6],
      ],
      [
        ['cover', 6],
        ['photos', 6],
      ],
      [
        ['tags', 6],
        ['poll', 6],
      ],
      [
        ['submittedForReview', 4],
        ['featured', 4],
      ],
      [
        ['publishAt', 6],
        ['unpublishAt', 6],
      ],
      [
        ['publicationDate', 6],
        ['slug', 6],
      ],
      [['seo', 12]],
    ],
  },
  'api::author.author': {
    fields: {
      name: { label: 'Họ tên', description: 'Tên ký dưới bài.' },
      slug: { label: 'Đường dẫn', description: SLUG_HELP },
      role: { label: 'Chức danh', description: 'Ví dụ: Phóng viên, Biên tập viên, Cộng tác viên.' },
      bio: { label: 'Giới thiệu', description: 'Vài dòng giới thiệu, hiện ở trang tác giả.' },
      avatar: { label: 'Ảnh chân dung', description: 'Ảnh hiện ở trang tác giả.' },
      email: { label: 'Email', description: 'Chỉ dùng trong toà soạn, không hiện trên trang.' },
      account: {
        label: 'Tài khoản quản trị',
        description: 'Tài khoản đăng nhập của người này: phóng viên sửa được bản nháp của bài mình đồng tác giả.',
      },
      articles: { label: 'Bài viết', description: 'Các bài người này ký tên.' },
    },
    list: ['name', 'role', 'slug'],
    sort: { by: 'name', order: 'ASC' },
    mainField: 'name',
    edit: [
      [
        ['name', 6],
        ['role', 6],
      ],
      [['bio', 12]],
      [
        ['avatar', 6],
        ['email', 6],
      ],
      [
        ['account', 6],
        ['slug', 6],
      ],
      [['articles', 12]],
    ],
  },
  'api::category.category': {
    fields: {
      name: { label: 'Tên chuyên mục', description: 'Tên hiện trên menu và trang chuyên mục.' },
      slug: { label: 'Đường dẫn', description: SLUG_HELP },
      description: { label: 'Mô tả', description: 'Một câu giới thiệu chuyên mục, hiện ở trang chuyên mục.' },
      menuOrder: { label: 'Thứ tự trên menu', description: 'Số nhỏ đứng trước.' },
      editors: {
        label: 'Biên tập viên phụ trách',
        description: 'Những tài khoản có vai trò Biên tập viên được duyệt và xuất bản bài của chuyên mục này.',
      },
      articles: { label: 'Bài viết', description: 'Các bài thuộc chuyên mục.' },
    },
    list: ['name', 'menuOrder', 'slug'],
    sort: { by: 'menuOrder', order: 'ASC' },
    mainField: 'name',
    edit: [
      [
        ['name', 6],
        ['menuOrder', 4],
      ],
      [['description', 12]],
      [
        ['editors', 6],
        ['slug', 6],
      ],
      [['articles', 12]],
    ],
  },
  'api::photo.photo': {
    fields: {
      image: { label: 'Ảnh', description: 'Tệp ảnh (JPEG, PNG, WebP, AVIF hoặc GIF).' },
      caption: { label: 'Chú thích', description: 'Chú thích in dưới ảnh.' },
      credit: { label: 'Nguồn ảnh', description: 'Tác giả hoặc nguồn của ảnh, in sau chữ "Ảnh:".' },
      alt: {
        label: 'Mô tả ảnh',
        description: 'Tả ngắn những gì trong ảnh, cho người khiếm thị và khi ảnh không tải được.',
      },
      takenOn: { label: 'Ngày chụp', description: 'Không bắt buộc.' },
      sourceKey: { label: 'Mã nguồn nhập', description: 'Mã của ảnh khi được nhập từ hệ thống khác.', hidden: true },
    },
    list: ['image', 'caption', 'credit', 'takenOn'],
    sort: { by: 'id', order: 'DESC' },
    mainField: 'alt',
    edit: [
      [['image', 6]],
      [['caption', 12]],
      [
        ['alt', 6],
        ['credit', 6],
      ],
      [['takenOn', 4]],
    ],
  },
  'api::poll.poll': {
    fields: {
      question: { label: 'Câu hỏi', description: 'Câu hỏi bạn đọc trả lời.' },
      options: { label: 'Phương án', description: 'Các phương án trả lời, theo thứ tự hiện.' },
      opensAt: { label: 'Mở lúc', description: 'Từ lúc này bạn đọc bình chọn được.' },
      closesAt: { label: 'Đóng lúc', description: 'Sau lúc này chỉ còn xem kết quả.' },
      showResultsBeforeClose: {
        label: 'Hiện kết quả khi đang mở',
        description: 'Tắt: bạn đọc chỉ thấy kết quả sau khi thăm dò đóng.',
      },
    },
    list: ['question', 'opensAt', 'closesAt'],
    sort: { by: 'opensAt', order: 'DESC' },
    mainField: 'question',
    edit: [
      [['question', 12]],
      [['options', 12]],
      [
        ['opensAt', 6],
        ['closesAt', 6],
      ],
      [['showResultsBeforeClose', 4]],
    ],
  },
  'api::tag.tag': {
    fields: {
      name: { label: 'Tên thẻ', description: 'Chủ đề, địa danh hay sự kiện, viết như trên trang.' },
      slug: { label: 'Đường dẫn', description: SLUG_HELP },
      articles: { label: 'Bài viết', description: 'Các bài gắn thẻ này.' },
    },
    list: ['name', 'slug'],
    sort: { by: 'name', order: 'ASC' },
    mainField: 'name',
    edit: [
      [
        ['name', 6],
        ['slug', 6],
      ],
      [['articles', 12]],
    ],
  },
  'api::redirect.redirect': {
    fields: {
      from: {
        label: 'Địa chỉ cũ',
        description:
          'Đường dẫn trên trang, bắt đầu bằng "/", ví dụ /bai-viet/ten-cu/. Không dùng được địa chỉ của một trang đang có.',
      },
      to: {
        label: 'Chuyển đến',
        description: 'Đường dẫn mới trên trang, ví dụ /chuyen-muc/thoi-su/. Để trống nếu chọn bài viết.',
      },
      article: {
        label: 'Bài viết',
        description:
          'Chuyển tới bài này, ở địa chỉ hiện tại của bài (đổi đường dẫn bài lần nữa vẫn đúng). Bài chưa đăng: không chuyển.',
      },
      automatic: {
        label: 'Tự động',
        description: 'Hệ thống tạo khi đường dẫn của một bài đã đăng thay đổi.',
        readOnly: true,
      },
      note: { label: 'Ghi chú', description: 'Vì sao có chuyển hướng này (chỉ dùng trong toà soạn).' },
    },
    list: ['from', 'to', 'article', 'automatic'],
    sort: { by: 'id', order: 'DESC' },
    mainField: 'from',
    edit: [
      [['from', 12]],
      [
        ['article', 6],
        ['to', 6],
      ],
      [['note', 12]],
      [['automatic', 4]],
    ],
  },
  'shared.seo': {
    fields: {
      metaTitle: { label: 'Tiêu đề SEO', description: 'Tối đa 70 ký tự. Để trống: lấy tiêu đề bài.' },
      metaDescription: { label: 'Mô tả SEO', description: 'Tối đa 170 ký tự. Để trống: lấy sa-pô.' },
      shareImage: { label: 'Ảnh chia sẻ', description: 'Ảnh khi chia sẻ lên mạng xã hội. Để trống: lấy ảnh đại diện.' },
    },
  },
  'poll.option': {
    fields: {
      label: { label: 'Phương án', description: 'Nội dung phương án trả lời.' },
      votes: { label: 'Số phiếu', description: 'Số phiếu do hệ thống đếm, không sửa tay.', readOnly: true },
    },
  },
};

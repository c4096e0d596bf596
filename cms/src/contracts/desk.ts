/**
 * The newsroom's desk: the three admin roles the CMS keeps (cms/src/bootstrap/desk-roles.ts) and
 * the demo accounts of each role that `npm run setup` gives passwords to and the demo seed creates.
 */

export type DeskRole = 'reporter' | 'sectionEditor' | 'editorInChief';

export const DESK_ROLES: Record<DeskRole, { code: string; name: string; description: string }> = {
  reporter: {
    code: 'newsroom-phong-vien',
    name: 'Phóng viên',
    description: 'Viết và sửa bản nháp của mình (và bài mình đồng tác giả), gửi duyệt. Không xuất bản, không gỡ bài.',
  },
  sectionEditor: {
    code: 'newsroom-bien-tap-vien',
    name: 'Biên tập viên',
    description:
      'Biên tập, xuất bản và gỡ bài trong các chuyên mục được phân công (trường "Biên tập viên phụ trách" của chuyên mục).',
  },
  editorInChief: {
    code: 'newsroom-tong-bien-tap',
    name: 'Tổng biên tập',
    description: 'Biên tập, xuất bản và gỡ mọi bài, quản lý chuyên mục, tác giả, thẻ, ảnh và thăm dò ý kiến.',
  },
};

export interface DemoDeskUser {
  email: string;
  firstname: string;
  lastname: string;
  role: DeskRole;
  /** The cms/.env variable holding the generated password. */
  passwordEnv: string;
  /** The demo author profile (by name) whose bylines are this person's. */
  author?: string;
  /** The categories (by name) a section editor is assigned to. */
  categories?: string[];
}

export const DEMO_DESK: DemoDeskUser[] = [
  {
    email: 'phongvien@toasoan.example',
    firstname: 'Hà',
    lastname: 'Mai',
    role: 'reporter',
    passwordEnv: 'DEMO_PASSWORD_PHONG_VIEN',
    author: 'Mai Hà',
  },
  {
    email: 'btv.thoisu@toasoan.example',
    firstname: 'Hồng',
    lastname: 'Nguyễn Thị',
    role: 'sectionEditor',
    passwordEnv: 'DEMO_PASSWORD_BTV_THOI_SU',
    author: 'Nguyễn Thị Hồng',
    categories: ['Thời sự', 'An ninh trật tự'],
  },
  {
    email: 'btv.kinhte@toasoan.example',
    firstname: 'Bình',
    lastname: 'Vũ Thanh',
    role: 'sectionEditor',
    passwordEnv: 'DEMO_PASSWORD_BTV_KINH_TE',
    categories: ['Kinh tế', 'Nông nghiệp - Nông thôn'],
  },
  {
    email: 'tongbientap@toasoan.example',
    firstname: 'Minh',
    lastname: 'Lê Văn',
    role: 'editorInChief',
    passwordEnv: 'DEMO_PASSWORD_TONG_BIEN_TAP',
  },
];

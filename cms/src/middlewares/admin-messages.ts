/**
 * The admin shows an error's message as the server wrote it. Strapi's own refusals on the admin's
 * routes are in English ("Forbidden", "Policy Failed": a reporter's publish, a section editor
 * outside their section); they reach the desk in Vietnamese. Messages the newsroom's code
 * writes are Vietnamese already and pass as they are. Content API answers are left alone.
 */
const VIETNAMESE: Record<string, string> = {
  Forbidden: 'Bạn không có quyền làm việc này (vai trò của bạn không cho phép, hoặc bài thuộc chuyên mục khác).',
  'Forbidden access':
    'Bạn không có quyền làm việc này (vai trò của bạn không cho phép, hoặc bài thuộc chuyên mục khác).',
  'Policy Failed': 'Bạn không có quyền làm việc này (vai trò của bạn không cho phép).',
  Unauthorized: 'Phiên đăng nhập đã hết hạn: hãy đăng nhập lại.',
  'Invalid credentials': 'Email hoặc mật khẩu không đúng.',
  'Too many requests, please try again later.': 'Thử quá nhiều lần: hãy đợi một lát rồi thử lại.',
};

interface Ctx {
  path: string;
  body?: unknown;
}

export default () => async (ctx: Ctx, next: () => Promise<unknown>) => {
  await next();
  if (ctx.path.startsWith('/api/')) return;
  const error = (ctx.body as { error?: { message?: unknown } } | undefined)?.error;
  if (error && typeof error.message === 'string' && VIETNAMESE[error.message])
    error.message = VIETNAMESE[error.message];
};

/**
 * The desk (Phóng viên, Biên tập viên, Tổng biên tập) against a real CMS, through the admin API
 * the admin's screens call: a reporter writes and submits drafts but cannot publish, schedule or
 * delete; a section editor publishes in their own sections only, on every path (a click, a click
 * that also moves the story, a schedule); the editor-in-chief publishes everywhere. What an admin
 * changes in Settings (a role, a list) survives a restart.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { api, DATABASES, deskJwt, startCms, type RunningCms } from '../helpers/cms';

const ARTICLES = 'api::article.article';
const REPORTER = 'phongvien@toasoan.example';
const THOI_SU_EDITOR = 'btv.thoisu@toasoan.example';
const KINH_TE_EDITOR = 'btv.kinhte@toasoan.example';
const CHIEF = 'tongbientap@toasoan.example';

describe.each(DATABASES)('the desk on %s', (database) => {
  let cms: RunningCms;
  const jwt: Record<string, string> = {};
  let admin: string;
  const category: Record<string, string> = {};
  const author: Record<string, string> = {};

  const cm = (path = '') => `${cms.url}/content-manager/collection-types/${ARTICLES}${path}`;
  const publicArticle = async (documentId: string) => (await api(`${cms.url}/api/articles/${documentId}`)).status;

  beforeAll(async () => {
    cms = await startCms(database, { SCHEDULE_SWEEP_SECONDS: '1' });
    admin = await cms.adminJwt();
    for (const email of [REPORTER, THOI_SU_EDITOR, KINH_TE_EDITOR, CHIEF]) jwt[email] = await deskJwt(cms, email);
    for (const c of (await api(`${cms.url}/api/categories?pagination[pageSize]=100`)).json.data)
      category[c.name] = c.documentId;
    for (const a of (await api(`${cms.url}/api/authors?pagination[pageSize]=100`)).json.data)
      author[a.name] = a.documentId;
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  /** A draft as a person writes it in the admin's form. */
  async function write(as: string, title: string, section: string, extra: Record<string, unknown> = {}) {
    const res = await api(cm(), {
      method: 'POST',
      token: as,
      body: {
        title,
        lead: 'Sa-pô của bài.',
        body: 'Nội dung.',
        category: category[section],
        authors: [author['Mai Hà']],
        ...extra,
      },
    });
    expect(res.status, res.text).toBe(201);
    return res.json.data.documentId as string;
  }
  const publish = (as: string, documentId: string, body: Record<string, unknown> = {}) =>
    api(cm(`/${documentId}/actions/publish`), { method: 'POST', token: as, body });

  it('gives each demo account its Vietnamese role, and the admin in Vietnamese', async () => {
    const names: Record<string, string> = {
      [REPORTER]: 'Phóng viên',
      [THOI_SU_EDITOR]: 'Biên tập viên',
      [KINH_TE_EDITOR]: 'Biên tập viên',
      [CHIEF]: 'Tổng biên tập',
    };
    for (const [email, role] of Object.entries(names)) {
      const me = (await api(`${cms.url}/admin/users/me`, { token: jwt[email] })).json.data;
      expect(me.preferedLanguage).toBe('vi');
      expect(me.roles.map((r: { name: string }) => r.name)).toEqual([role]);
    }
    const first = (await api(`${cms.url}/admin/users/me`, { token: admin })).json.data;
    expect(first.preferedLanguage).toBe('vi');
  });

  it("fills the admin's slug field with the newsroom's Vietnamese slug rules", async () => {
    const res = await api(`${cms.url}/content-manager/uid/generate`, {
      method: 'POST',
      token: jwt[REPORTER],
      body: {
        contentTypeUID: ARTICLES,
        field: 'slug',
        data: { title: 'Ngày 2/9/1945: Đà Nẵng, 1,5 triệu lượt khách' },
      },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.json.data).toBe('ngay-2-9-1945-da-nang-1-5-trieu-luot-khach');
  });

  it('lets a reporter write and submit a draft, never publish, schedule or delete it', async () => {
    const id = await write(jwt[REPORTER], 'Phóng viên viết bài', 'Thời sự', {
      publishAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    // The schedule is an editor's call: the field is not the reporter's to set.
    expect((await api(cm(`/${id}`), { token: admin })).json.data.publishAt).toBeNull();
    const submit = await api(cm(`/${id}`), { method: 'PUT', token: jwt[REPORTER], body: { submittedForReview: true } });
    expect(submit.status, submit.text).toBe(200);
    const refused = await publish(jwt[REPORTER], id);
    expect(refused.status).toBe(403);
    expect(refused.json.error.message).toMatch(/^Bạn không có quyền làm việc này/);
    expect((await api(cm(`/${id}`), { method: 'DELETE', token: jwt[REPORTER] })).status).toBe(403);
    expect(await publicArticle(id)).toBe(404);

    // Editors find it with the list's filter.
    const waiting = await api(cm('?filters[$and][0][submittedForReview][$eq]=true&pageSize=100'), {
      token: jwt[THOI_SU_EDITOR],
    });
    expect(waiting.status).toBe(200);
    expect(waiting.json.results.map((r: { documentId: string }) => r.documentId)).toContain(id);
  });

  it("shows a reporter their own drafts and those they co-author, not a colleague's", async () => {
    const mine = await write(jwt[REPORTER], 'Bài của tôi', 'Xã hội');
    const coAuthored = await write(admin, 'Bài viết chung', 'Xã hội', { authors: [author['Mai Hà']] });
    const colleagues = await write(admin, 'Bài của đồng nghiệp', 'Xã hội', { authors: [author['Lê Minh Tuấn']] });
    const list = await api(cm('?pageSize=100'), { token: jwt[REPORTER] });
    const ids = list.json.results.map((r: { documentId: string }) => r.documentId);
    expect(ids).toEqual(expect.arrayContaining([mine, coAuthored]));
    expect(ids).not.toContain(colleagues);
    expect((await api(cm(`/${colleagues}`), { token: jwt[REPORTER] })).status).toBe(403);
    const edit = await api(cm(`/${coAuthored}`), { method: 'PUT', token: jwt[REPORTER], body: { lead: 'Sửa chung.' } });
    expect(edit.status, edit.text).toBe(200);
    const other = await api(cm(`/${colleagues}`), { method: 'PUT', token: jwt[REPORTER], body: { lead: 'Sửa trộm.' } });
    expect(other.status).toBe(403);
  });

  it('lets a section editor publish in their sections only, and ends the review', async () => {
    const id = await write(jwt[REPORTER], 'Tin thời sự chờ duyệt', 'Thời sự', { submittedForReview: true });
    const refused = await publish(jwt[KINH_TE_EDITOR], id);
    expect(refused.status).toBe(403);
    // The admin shows the server's message: in Vietnamese.
    expect(refused.json.error.message).toMatch(/^Bạn không có quyền làm việc này/);
    expect(await publicArticle(id)).toBe(404);

    const published = await publish(jwt[THOI_SU_EDITOR], id);
    expect(published.status, published.text).toBe(200);
    expect(await publicArticle(id)).toBe(200);
    expect((await api(cm(`/${id}`), { token: admin })).json.data.submittedForReview).toBe(false);

    // Taking it down is the same right.
    expect((await api(cm(`/${id}/actions/unpublish`), { method: 'POST', token: jwt[KINH_TE_EDITOR] })).status).toBe(
      403
    );
    expect(await publicArticle(id)).toBe(200);
  });

  it("refuses a section editor who moves a story into another's section and publishes it in the same click", async () => {
    const id = await write(jwt[THOI_SU_EDITOR], 'Chuyển chuyên mục rồi đăng', 'Thời sự');
    const res = await publish(jwt[THOI_SU_EDITOR], id, { category: category['Kinh tế'] });
    expect(res.status, res.text).toBe(403);
    expect(await publicArticle(id)).toBe(404);
  });

  it('does not let a schedule publish what its author may no longer publish', async () => {
    const id = await write(jwt[THOI_SU_EDITOR], 'Hẹn giờ rồi bị chuyển chuyên mục', 'Thời sự');
    const at = new Date(Date.now() + 3000).toISOString();
    const scheduled = await api(cm(`/${id}`), { method: 'PUT', token: jwt[THOI_SU_EDITOR], body: { publishAt: at } });
    expect(scheduled.status, scheduled.text).toBe(200);
    // The editor-in-chief moves it to Kinh tế before its time.
    const moved = await api(cm(`/${id}`), {
      method: 'PUT',
      token: jwt[CHIEF],
      body: { category: category['Kinh tế'] },
    });
    expect(moved.status, moved.text).toBe(200);
    await vi.waitFor(
      () => expect(cms.log()).toMatch(new RegExp(`could not publish ${id}: .*không có quyền xuất bản`)),
      {
        timeout: 30_000,
        interval: 250,
      }
    );
    expect(await publicArticle(id)).toBe(404);
    // Still scheduled, not dropped: the Kinh tế editor decides.
    expect((await api(cm(`/${id}`), { token: admin })).json.data.publishAt).not.toBeNull();
  });

  it('lets the editor-in-chief publish in every section', async () => {
    const id = await write(jwt[REPORTER], 'Tin kinh tế', 'Kinh tế');
    const res = await publish(jwt[CHIEF], id);
    expect(res.status, res.text).toBe(200);
    expect(await publicArticle(id)).toBe(200);
  });

  it.runIf(database === 'sqlite')('keeps what an admin changed in Settings across a restart', async () => {
    // A role: the editor-in-chief may no longer delete photos.
    const roles = (await api(`${cms.url}/admin/roles`, { token: admin })).json.data as { id: number; code: string }[];
    const chief = roles.find((r) => r.code === 'newsroom-tong-bien-tap')!;
    const permissions = (await api(`${cms.url}/admin/roles/${chief.id}/permissions`, { token: admin })).json.data as {
      id: number;
      action: string;
      subject: string | null;
    }[];
    const kept = permissions.filter((p) => !(p.action.endsWith('.delete') && p.subject === 'api::photo.photo'));
    expect(kept.length).toBe(permissions.length - 1);
    const put = await api(`${cms.url}/admin/roles/${chief.id}/permissions`, {
      method: 'PUT',
      token: admin,
      body: { permissions: kept.map(({ id: _id, ...p }) => p) },
    });
    expect(put.status, put.text).toBe(200);
    // A list: the article list without the author column.
    const configuration = `${cms.url}/content-manager/content-types/${ARTICLES}/configuration`;
    const current = (await api(configuration, { token: admin })).json.data.contentType;
    expect(current.layouts.list).toEqual(['title', 'category', 'authors', 'publicationDate']);
    const changed = await api(configuration, {
      method: 'PUT',
      token: admin,
      body: {
        settings: current.settings,
        // As the admin's form sends them: without the list's computed mainField.
        metadatas: Object.fromEntries(
          Object.entries(current.metadatas as Record<string, { edit: object; list: { mainField?: unknown } }>).map(
            ([
              field,
              {
                edit,
                list: { mainField: _mainField, ...list },
              },
            ]) => [field, { edit, list }]
          )
        ),
        layouts: { ...current.layouts, list: ['title', 'category', 'publicationDate'] },
      },
    });
    expect(changed.status, changed.text).toBe(200);

    await cms.stop();
    await cms.start();
    const after = (await api(`${cms.url}/admin/roles/${chief.id}/permissions`, { token: await cms.adminJwt() })).json
      .data as { action: string; subject: string | null }[];
    expect(after.length).toBe(kept.length);
    expect(after.some((p) => p.action.endsWith('.delete') && p.subject === 'api::photo.photo')).toBe(false);
    expect(cms.log()).toMatch(/Desk role "Tổng biên tập" was changed in Settings: kept as it is/);
    const list = (await api(configuration, { token: await cms.adminJwt() })).json.data.contentType.layouts.list;
    expect(list).toEqual(['title', 'category', 'publicationDate']);
  });
});

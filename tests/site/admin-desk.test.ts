/**
 * The desk in the admin, as its people use it, in Chromium against a real CMS: a reporter whose
 * browser is in English gets the admin in Vietnamese from the login page on, writes a draft in the
 * form (relations picked with the pickers, "Gửi duyệt" on) and cannot publish it, neither with the
 * button nor through the admin API. The section editor of another section is refused when they try;
 * the section editor of the story's section finds it with the list's "Gửi duyệt" filter and
 * publishes it, and readers get it. The screens editors use (home, the article list and form, the
 * media library, the user menu and profile page, Settings), reached as a person does, show no English
 * of Strapi's, neither in their text nor in what the admin itself reports it had no Vietnamese for, to
 * a reporter and to the super admin. A screen showing English is photographed for a person to look
 * at (every screen with ADMIN_SCREENSHOTS set, into that folder), else into a temporary folder kept
 * only when English is found.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@newsroom/scripts/chromium';
import { ADMIN, api, DESK, deskJwt, startCms, type RunningCms } from '../helpers/cms';
import { logInAs, logIntoAdmin } from '../helpers/admin';

const ARTICLE = 'api::article.article';
const REPORTER = 'phongvien@toasoan.example';
const THOI_SU_EDITOR = 'btv.thoisu@toasoan.example';
const KINH_TE_EDITOR = 'btv.kinhte@toasoan.example';

/**
 * English words and phrases of Strapi's `en` messages that the screens below would show if a
 * translation were missing (loanwords Vietnamese software keeps, such as Email, Logo, Plugin,
 * Token, Webhook, Video, are not listed; nor are Strapi, API, ID or URL).
 */
const ENGLISH = [
  'Welcome|Hello|Home|Content Manager|Content-Type Builder|Media Library|Marketplace|Settings',
  'Application|Collection Types|Single Types|Create new entry|Create an entry|Filters|Filter|Search',
  'Sort by|Columns|Configure the view|Entries|Entry|items|Status|Published|Publish|Unpublish|Draft',
  'Modified|Save|Cancel|Confirm|Delete|Edit|Back|Add|Remove|Clear|Close|Select|Select all|More actions',
  'Row actions|Actions|Last update|Last edited|Last published|Recent activity|Project statistics|Upload',
  'Import from URL|Folder|Folders|Assets|Grid view|List view|Add new assets|Add new folder|Bold|Italic',
  'Underline|Strikethrough|Code|Link|Quote|Heading|Bulleted list|Numbered list|Preview|Expand|Relations',
  'Fields|Details|Overview|Documentation|Learn more|Read the blog|Profile|Logout|Log out|Language',
  'Interface language|Password|Experience|Theme|Roles|Users|Components|Locales|Loading|Forbidden|Yes|No',
  'True|False|ago|minutes|hours|the|of|and|your',
]
  .join('|')
  .split('|');

/** Words Vietnamese software keeps as they are: a missing message that is only these is no English. */
const SAME_IN_VIETNAMESE = new Set('API ID URL Email Logo Plugin SEO Strapi Token Webhook'.split(' '));

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const word = (s: string, flags = 'iu') => new RegExp(`(?<![\\p{L}\\p{N}])${escape(s)}(?![\\p{L}\\p{N}])`, flags);

/** The English words of `text`, once the content's own strings (titles, names, files) are taken out. */
function englishIn(text: string, content: string[]) {
  let rest = text;
  for (const own of [...content].sort((a, b) => b.length - a.length)) rest = rest.replace(word(own, 'giu'), '\n');
  const found: string[] = [];
  for (const english of [...ENGLISH].sort((a, b) => b.length - a.length)) {
    if (!word(english).test(rest)) continue;
    found.push(english);
    rest = rest.replace(word(english, 'giu'), '\n');
  }
  return found;
}

/** What a person reads on the page: its title, its text and the placeholders of its visible inputs. */
const visibleText = (page: Page) =>
  page.evaluate(() => {
    const inputs = [...document.querySelectorAll<HTMLInputElement>('input[placeholder], textarea[placeholder]')];
    const placeholders = inputs.filter((i) => i.placeholder && i.checkVisibility()).map((i) => i.placeholder);
    return [document.title, document.body.innerText, ...placeholders].join('\n');
  });

/**
 * Waits until the screen has loaded: nothing says "Đang tải" and its text (but for numbers, such as
 * "42 giây trước") is the same at three looks half a second apart in all.
 */
async function settled(page: Page) {
  const looks: string[] = [];
  let text = '';
  await vi.waitFor(
    async () => {
      text = await visibleText(page);
      looks.push(text.replace(/\d+/g, '#'));
      expect(text).not.toMatch(/Đang tải/);
      expect(looks.length).toBeGreaterThanOrEqual(3);
      expect(new Set(looks.slice(-3)).size).toBe(1);
    },
    { timeout: 30_000, interval: 250 }
  );
  return text;
}

/** The admin's own report of a message it has no Vietnamese for, and the default it shows instead. */
/** The id the content manager asks a field's label for (forms, list headers): content-types.<uid>.<field>. */
const FIELD_LABEL = 'content-manager.content-types.';
const MISSING = /Missing message: "([^"]+)" for locale "vi", using default message \(([\s\S]*)\) as fallback/;
const isEnglish = (message: string) =>
  !/[^\s!-~]/.test(message) &&
  message
    .split(/[^A-Za-z]+/)
    .filter((w) => w.length > 1)
    .some((w) => !SAME_IN_VIETNAMESE.has(w));

describe('the desk in the admin, in Chromium', () => {
  let cms: RunningCms;
  let browser: Browser;
  let adminJwt: string;
  let reporterJwt: string;
  const category: Record<string, string> = {};
  /** The reporter's draft, written in the first test and published in the second. */
  const story = { title: 'Phường Hàm Rồng mở lớp học bơi miễn phí cho trẻ em', documentId: '' };
  const shots = process.env.ADMIN_SCREENSHOTS ?? fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'admin-'));
  let keepShots = Boolean(process.env.ADMIN_SCREENSHOTS);

  const LIST = `/admin/content-manager/collection-types/${ARTICLE}`;
  const cm = (suffix = '') => `${cms.url}/content-manager/collection-types/${ARTICLE}${suffix}`;
  const publicStatus = async (documentId: string) => (await api(`${cms.url}/api/articles/${documentId}`)).status;

  beforeAll(async () => {
    cms = await startCms('sqlite', { SERVE_ADMIN: 'true', SEED_DEMO_ARTICLES: '3' });
    adminJwt = await cms.adminJwt();
    reporterJwt = await deskJwt(cms, REPORTER);
    for (const c of (await api(`${cms.url}/api/categories?pagination[pageSize]=100`)).json.data)
      category[c.name] = c.documentId;
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
  });

  afterAll(async () => {
    await browser?.close();
    await cms?.destroy();
    if (!keepShots) fs.rmSync(shots, { recursive: true, force: true });
  });

  /** A fresh browser, as a person's own: nothing stored, the browser itself in English. */
  async function freshPage(run: (page: Page) => Promise<void>) {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1440, height: 900 } });
    try {
      await run(await context.newPage());
    } finally {
      await context.close();
    }
  }

  /** Waits for the article form to show the story titled `title`, its side panel's buttons loaded. */
  async function storyForm(page: Page, title: string) {
    await vi.waitFor(async () => expect(await page.locator('input[name="title"]').inputValue()).toBe(title), {
      timeout: 30_000,
      interval: 250,
    });
    await page.getByRole('button', { name: 'Lưu', exact: true }).waitFor();
  }

  /** The list of articles, loaded ("Tìm thấy N mục"). */
  const articleList = (page: Page) => page.getByText(/^Tìm thấy \d+ mục$/).waitFor({ timeout: 30_000 });
  const publishButton = (page: Page) => page.getByRole('button', { name: 'Xuất bản', exact: true });

  it('a reporter gets the admin in Vietnamese, writes and submits a draft, and cannot publish it', async () => {
    await freshPage(async (page) => {
      await page.goto(`${cms.url}/admin/auth/login`);
      await page.getByRole('button', { name: 'Đăng nhập', exact: true }).waitFor({ timeout: 30_000 });
      await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe('Chào mừng đến với Strapi!');
      const labels = (await page.locator('label').allInnerTexts()).map((l) => l.replace('*', '').trim());
      expect(labels).toEqual(expect.arrayContaining(['Email', 'Mật khẩu', 'Ghi nhớ tôi']));
      expect(englishIn(await settled(page), [])).toEqual([]);

      await logInAs(page, cms.url, REPORTER, DESK[REPORTER].password);
      await expect(page.getByRole('heading', { level: 1 }).textContent({ timeout: 30_000 })).resolves.toBe(
        'Xin chào Hà'
      );
      await page.getByText('Chào mừng bạn đến với bảng quản trị').waitFor();

      // The content manager from the main menu, its list of articles, then its button for a new one.
      await page.locator('nav a[href="/admin/content-manager"]').click();
      await page.locator(`a[href="${LIST}"]`).click();
      await articleList(page);
      await page.getByRole('link', { name: 'Tạo mục mới' }).click();
      await page.waitForURL(/\/create$/);
      await page.locator('input[name="title"]').fill(story.title);
      await page.locator('textarea[name="lead"]').fill('Hơn 200 em nhỏ được học bơi miễn phí trong hè.');
      for (const [field, name] of [
        ['category', 'Thời sự'],
        ['authors', 'Mai Hà'],
      ]) {
        const picker = page.locator(`input[name="${field}"]`);
        await picker.click();
        await picker.fill(name);
        await page.getByRole('option', { name, exact: true }).click();
      }
      await page.locator('input[name="submittedForReview"]').check();
      await page.getByRole('button', { name: 'Lưu', exact: true }).click();
      await page.waitForURL((url) => /\/api::article\.article\/[a-z0-9]{20,}$/.test(url.pathname), {
        timeout: 30_000,
      });
      story.documentId = new URL(page.url()).pathname.split('/').pop()!;

      // Saved as written, relations and all, as a draft waiting for review.
      await vi.waitFor(
        async () => {
          const saved = await api(cm(`/${story.documentId}?status=draft`), { token: adminJwt });
          expect(saved.status, saved.text).toBe(200);
          expect(saved.json.data).toMatchObject({
            title: story.title,
            lead: 'Hơn 200 em nhỏ được học bơi miễn phí trong hè.',
            submittedForReview: true,
            publishedAt: null,
            createdBy: { email: REPORTER },
          });
        },
        { timeout: 15_000, interval: 250 }
      );
      const related = async (field: string) =>
        (
          await api(`${cms.url}/content-manager/relations/${ARTICLE}/${story.documentId}/${field}?status=draft`, {
            token: adminJwt,
          })
        ).json.results.map((r: { name: string }) => r.name);
      expect(await related('category')).toEqual(['Thời sự']);
      expect(await related('authors')).toEqual(['Mai Hà']);

      // No publishing for a reporter: the story as the CMS has it, and its button is disabled.
      await page.reload();
      await storyForm(page, story.title);
      await expect(page.locator('input[name="submittedForReview"]').isChecked()).resolves.toBe(true);
      const publish = publishButton(page);
      expect((await publish.count()) === 0 || !(await publish.isVisible()) || (await publish.isDisabled())).toBe(true);
    });

    // Nor through the admin API the button would call.
    const refused = await api(cm(`/${story.documentId}/actions/publish`), { method: 'POST', token: reporterJwt });
    expect(refused.status, refused.text).toBe(403);
    expect(await publicStatus(story.documentId)).toBe(404);
  }, 90_000);

  it("the other section's editor is refused; the story's section editor finds it waiting and publishes it", async () => {
    expect(story.documentId, 'the first test writes the draft').not.toBe('');
    const storyPath = `${LIST}/${story.documentId}`;

    // Biên tập viên of Kinh tế, from a link to the story: the admin asks them to log in, then shows
    // it. It offers the button (it cannot tell sections apart); the CMS refuses.
    await freshPage(async (page) => {
      await logInAs(page, cms.url, KINH_TE_EDITOR, DESK[KINH_TE_EDITOR].password, storyPath);
      await storyForm(page, story.title);
      const publish = publishButton(page);
      if ((await publish.count()) > 0 && (await publish.isEnabled())) {
        const answer = page.waitForResponse((r) => r.url().endsWith(`/${story.documentId}/actions/publish`));
        await publish.click();
        expect((await answer).status()).toBe(403);
        await page.getByRole('alert').filter({ hasText: /\S/ }).first().waitFor({ timeout: 15_000 });
      }
    });
    const refused = await api(cm(`/${story.documentId}/actions/publish`), {
      method: 'POST',
      token: await deskJwt(cms, KINH_TE_EDITOR),
    });
    expect(refused.status, refused.text).toBe(403);
    expect(await publicStatus(story.documentId)).toBe(404);

    // Biên tập viên of Thời sự: the list's "Gửi duyệt" filter shows it; they open it and publish.
    await freshPage(async (page) => {
      await logInAs(page, cms.url, THOI_SU_EDITOR, DESK[THOI_SU_EDITOR].password, LIST);
      await articleList(page);
      await page.getByRole('button', { name: 'Bộ lọc', exact: true }).click();
      await page.getByRole('combobox', { name: 'Chọn trường' }).click();
      await page.getByRole('option', { name: 'Gửi duyệt', exact: true }).click();
      await page.getByRole('dialog').getByRole('checkbox', { name: 'Gửi duyệt' }).check();
      await page.getByRole('button', { name: 'Thêm bộ lọc', exact: true }).click();
      await page.waitForURL((url) => url.search.includes('[submittedForReview][$eq]=true'));
      const row = page.getByRole('row').filter({ hasText: story.title });
      await row.waitFor({ timeout: 30_000 });
      const filtered = page.url();
      await row.getByText(story.title).click();
      await page.waitForURL((url) => url.pathname === storyPath);
      await storyForm(page, story.title);

      const answer = page.waitForResponse((r) => r.url().endsWith(`/${story.documentId}/actions/publish`));
      await publishButton(page).click();
      // Strapi asks first when the story links to entries not yet published (none here).
      const confirm = page.getByRole('alertdialog').getByRole('button', { name: /^(Xác nhận|Xuất bản|Có)/ });
      void confirm.click({ timeout: 5_000 }).catch(() => {});
      expect((await answer).status()).toBe(200);
      await vi.waitFor(
        async () => expect(await page.locator('input[name="submittedForReview"]').isChecked()).toBe(false),
        { timeout: 15_000, interval: 250 }
      );

      // Done with: no longer among the stories waiting for review.
      await page.goto(filtered);
      await articleList(page);
      await expect(page.getByText(story.title).count()).resolves.toBe(0);
    });

    // Readers get it, as written in the form; the review is over.
    await vi.waitFor(async () => expect(await publicStatus(story.documentId)).toBe(200), {
      timeout: 15_000,
      interval: 250,
    });
    const live = (await api(`${cms.url}/api/articles/${story.documentId}`)).json.data;
    expect(live.title).toBe(story.title);
    expect(live.category.name).toBe('Thời sự');
    expect(live.authors.map((a: { name: string }) => a.name)).toEqual(['Mai Hà']);
    const admin = await api(cm(`/${story.documentId}`), { token: adminJwt });
    expect(admin.json.data.submittedForReview).toBe(false);
  }, 90_000);

  it('shows the screens editors use without English, to a reporter and to the super admin', async () => {
    // A story of the reporter's own for the form.
    const title = 'Xã Thiệu Giao khánh thành nhà văn hóa thôn';
    const written = await api(cm(), {
      method: 'POST',
      token: reporterJwt,
      body: { title, lead: 'Nhà văn hóa mới rộng 300 mét vuông.', category: category['Thời sự'] },
    });
    expect(written.status, written.text).toBe(201);

    // The content's own words (titles, names, files, role names an admin chose) are not the admin's.
    const users = (await api(`${cms.url}/admin/users?pageSize=100`, { token: adminJwt })).json.data.results as {
      firstname: string;
      lastname: string | null;
      email: string;
    }[];
    const nameOf = (email: string) => {
      const user = users.find((u) => u.email === email)!;
      return `${user.firstname} ${user.lastname ?? ''}`.trim();
    };
    const content = [
      ...(await api(cm('?page=1&pageSize=100'), { token: adminJwt })).json.results.map(
        (a: { title: string }) => a.title
      ),
      ...(await api(`${cms.url}/api/categories?pagination[pageSize]=100`)).json.data.map(
        (c: { name: string }) => c.name
      ),
      ...(await api(`${cms.url}/api/authors?pagination[pageSize]=100`)).json.data.map((a: { name: string }) => a.name),
      ...(await api(`${cms.url}/upload/files?pageSize=100`, { token: adminJwt })).json.results.map(
        (f: { name: string }) => f.name
      ),
      ...(await api(`${cms.url}/admin/roles`, { token: adminJwt })).json.data.map((r: { name: string }) => r.name),
      ...users.flatMap((u) => [nameOf(u.email), u.firstname, u.email]),
    ].filter(Boolean);

    /** A screen, reached as a person does: from the main menu, a list, the user menu. */
    type Screen = { name: string; go: (page: Page) => Promise<unknown>; ready: (page: Page) => Promise<unknown> };
    const screens = (email: string): Screen[] => [
      {
        name: 'home',
        go: (p) => p.locator('nav a[href="/admin"]').click(),
        ready: (p) => p.getByRole('heading', { name: /^Xin chào/ }).waitFor(),
      },
      {
        name: 'article list',
        go: async (p) => {
          await p.locator('nav a[href="/admin/content-manager"]').click();
          await p.locator(`a[href="${LIST}"]`).click();
        },
        ready: articleList,
      },
      {
        name: 'article form',
        go: (p) => p.getByRole('row').filter({ hasText: title }).getByText(title).click(),
        ready: (p) => storyForm(p, title),
      },
      {
        name: 'media library',
        go: (p) => p.locator('nav a[href="/admin/plugins/upload"]').click(),
        ready: (p) =>
          p
            .getByText(/\(\d+ mục\)/)
            .first()
            .waitFor(),
      },
      {
        name: 'user menu',
        go: (p) => p.getByRole('button', { name: nameOf(email) }).click(),
        ready: (p) => p.getByRole('menuitem', { name: 'Đăng xuất' }).waitFor(),
      },
      {
        name: 'profile',
        go: (p) => p.getByRole('menuitem', { name: 'Cài đặt hồ sơ' }).click(),
        ready: (p) =>
          vi.waitFor(async () => expect(await p.locator('input[name="email"]').inputValue()).toBe(email), {
            timeout: 30_000,
            interval: 250,
          }),
      },
    ];
    const settings: Screen = {
      name: 'settings',
      go: (p) => p.locator('nav a[href="/admin/settings"]').click(),
      ready: (p) => p.getByRole('heading', { name: 'Tổng quan', level: 1 }).waitFor(),
    };

    /** English a person reads on a screen, and English the admin reported using for lack of Vietnamese. */
    const shown: { who: string; screen: string; english: string }[] = [];
    const missing: { who: string; screen: string; id: string; english: string }[] = [];
    const walk = async (who: string, page: Page, list: Screen[]) => {
      let screen = 'login';
      page.on('console', (message) => {
        const [, id, english] = MISSING.exec(message.text()) ?? [];
        // A field's label, asked for by its id with the configuration's Vietnamese as the default: given too.
        if (id && (isEnglish(english) || id.startsWith(FIELD_LABEL))) missing.push({ who, screen, id, english });
      });
      for (const { name, go, ready } of list) {
        screen = name;
        const found = shown.length + missing.length;
        await go(page);
        await ready(page);
        const text = await settled(page);
        for (const english of englishIn(text, content)) shown.push({ who, screen: name, english });
        // A screenshot of each screen showing English (of every screen with ADMIN_SCREENSHOTS).
        if (shown.length + missing.length > found || process.env.ADMIN_SCREENSHOTS)
          await page.screenshot({ path: path.join(shots, `${who}-${name}.png`.replace(/ /g, '-')) });
      }
    };
    await freshPage(async (page) => {
      await logInAs(page, cms.url, REPORTER, DESK[REPORTER].password);
      await walk('reporter', page, screens(REPORTER));
    });
    await freshPage(async (page) => {
      await logIntoAdmin(page, cms.url);
      await walk('super admin', page, [...screens(ADMIN.email), settings]);
    });

    // Each piece of English once, with the screens it is on.
    const report = new Map<string, Set<string>>();
    const note = (what: string, where: string) => report.set(what, (report.get(what) ?? new Set()).add(where));
    for (const s of shown) note(`"${s.english}"`, `${s.who}: ${s.screen}`);
    for (const m of missing) note(`${m.id} "${m.english}"`, `${m.who}: ${m.screen}`);
    const unexpected = [...report].map(([what, where]) => `${what} on ${[...where].join(', ')}`);
    if (unexpected.length > 0) keepShots = true;
    expect(unexpected, `English on the admin's screens (screenshots in ${shots})`).toEqual([]);
  }, 120_000);
});

/**
 * Nothing unpublished can be observed from outside. Generated from the content types' schemas:
 * every public route × every path through relations (up to three deep) × every text field, as
 * anyone and with the site's read-only token; then thousands of generated query strings in
 * Strapi's filter/populate/fields/sort/pagination grammar, nested, malformed and oversized.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'dotenv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, DATABASES, ROOT, sql, startCms, type RunningCms } from '../helpers/cms';
import { xoroshiro128plus } from 'pure-rand';
import { storedType } from '@newsroom/contracts/custom-fields';

interface Attribute {
  type: string;
  target?: string;
  component?: string;
  private?: boolean;
  customField?: string;
}
type Schema = Record<string, Attribute>;

/** The content types and components, as the CMS declares them. */
function readSchemas() {
  const types: Record<string, Schema> = {};
  const apiDir = path.join(ROOT, 'cms', 'src', 'api');
  for (const name of fs.readdirSync(apiDir)) {
    const file = path.join(apiDir, name, 'content-types', name, 'schema.json');
    if (!fs.existsSync(file)) continue;
    const attributes: Schema = JSON.parse(fs.readFileSync(file, 'utf8')).attributes;
    for (const attribute of Object.values(attributes)) attribute.type = storedType(attribute);
    types[`api::${name}.${name}`] = attributes;
  }
  const components: Record<string, Schema> = {};
  const componentDir = path.join(ROOT, 'cms', 'src', 'components');
  for (const category of fs.readdirSync(componentDir))
    for (const file of fs.readdirSync(path.join(componentDir, category)))
      components[`${category}.${file.replace(/\.json$/, '')}`] = JSON.parse(
        fs.readFileSync(path.join(componentDir, category, file), 'utf8')
      ).attributes;
  return { types, components };
}

const TEXT = new Set(['string', 'text', 'richtext', 'uid', 'email']);
const ROUTES: Record<string, string> = {
  articles: 'api::article.article',
  authors: 'api::author.author',
  categories: 'api::category.category',
  tags: 'api::tag.tag',
  photos: 'api::photo.photo',
  polls: 'api::poll.poll',
};

/** Every filter path from `uid` to a text field, through relations and components, `depth` relations deep at most. */
function textPaths(uid: string, depth: number) {
  const { types, components } = readSchemas();
  const out: string[][] = [];
  const walk = (schema: Schema, prefix: string[], left: number) => {
    for (const [name, attribute] of Object.entries(schema)) {
      if (TEXT.has(attribute.type)) out.push([...prefix, name]);
      else if (attribute.type === 'component' && components[attribute.component!])
        walk(components[attribute.component!], [...prefix, name], left);
      else if (attribute.type === 'relation' && left > 0 && types[attribute.target!])
        walk(types[attribute.target!], [...prefix, name], left - 1);
      else if (attribute.type === 'media' && left > 0) {
        for (const field of ['name', 'alternativeText', 'caption', 'url']) out.push([...prefix, name, field]);
      }
    }
  };
  walk(types[uid], [], depth);
  return out;
}

const filterQuery = (fieldPath: string[], value: string) =>
  `filters${fieldPath.map((p) => `[${p}]`).join('')}[$containsi]=${encodeURIComponent(value)}`;

/** Numbers in [0, 1) from a seed (pure-rand's xoroshiro128+), so a failing run can be replayed. */
function prng(seed: number) {
  const generator = xoroshiro128plus(seed);
  return () => (generator.unsafeNext() >>> 0) / 2 ** 32;
}

describe.each(DATABASES)('the public surface on %s', (database) => {
  let cms: RunningCms;
  let token: string;
  let siteToken: string;
  /** Text that exists only in unpublished content. */
  const SECRET = 'mậtkhẩuXq';
  /** Text that exists nowhere. */
  const NOTHING = 'khôngcóZq';
  /** Text of a published article: filters that may match it must. */
  const PUBLIC = 'côngkhaiWq';
  const q = (p: string) => `${cms.url}/api/${p}`;
  const MAX_BYTES = 1_000_000;
  let secretFile: number;

  beforeAll(async () => {
    cms = await startCms(database, { SEED_DEMO_ARTICLES: '6' });
    token = await cms.fullAccessToken();
    siteToken = parse(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
    const write = async (p: string, data: Record<string, unknown>, method = 'POST') => {
      const res = await api(q(p), { method, token, body: { data } });
      expect(res.status, `${p}: ${res.text}`).toBeLessThan(300);
      return res.json.data as { documentId: string };
    };
    const [author] = (await api(q('authors'), { token })).json.data;
    const [category] = (await api(q('categories'), { token })).json.data;
    const [tag] = (await api(q('tags'), { token })).json.data;
    // Everything prepared for an embargoed story carries the secret: its tag, author, photo, poll.
    const secretTag = await write('tags', { name: `Thẻ ${SECRET}` });
    const secretAuthor = await write('authors', { name: `Tác giả ${SECRET}`, bio: SECRET, role: SECRET });
    const photos = (await api(q('photos?pagination[pageSize]=2'), { token })).json.data;
    // A file uploaded for the embargoed story only.
    const form = new FormData();
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    form.append('files', new Blob([Buffer.from(png, 'base64')], { type: 'image/png' }), 'anh-bai-mat.png');
    const upload = await fetch(q('upload'), {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}` },
      body: form,
    });
    expect(upload.status).toBe(201);
    secretFile = ((await upload.json()) as { id: number }[])[0].id;
    const secretPhoto = await write('photos', {
      image: secretFile,
      caption: SECRET,
      credit: SECRET,
      alt: SECRET,
    });
    const secretPoll = await write('polls', { question: SECRET, options: [{ label: SECRET }, { label: 'Không' }] });
    await write('articles?status=draft', {
      title: `Bài ${SECRET}`,
      lead: SECRET,
      body: `Nội dung ${SECRET}`,
      authors: [author.documentId, secretAuthor.documentId],
      category: category.documentId,
      tags: [tag.documentId, secretTag.documentId],
      cover: secretPhoto.documentId,
      photos: [photos[0].documentId],
      poll: secretPoll.documentId,
      seo: { metaTitle: SECRET, metaDescription: SECRET },
    });
    // A live story with an unpublished edit: the edit is a secret too.
    const live = await write('articles?status=published', {
      title: `Bài ${PUBLIC}`,
      lead: PUBLIC,
      body: PUBLIC,
      authors: [author.documentId],
      category: category.documentId,
      tags: [tag.documentId],
      cover: photos[1].documentId,
      seo: { metaTitle: PUBLIC },
    });
    await write(`articles/${live.documentId}?status=draft`, { title: `Bài ${SECRET}`, lead: SECRET }, 'PUT');
  });
  afterAll(async () => {
    await cms?.destroy();
  });

  const callers = () => [
    { who: 'anyone', token: undefined },
    { who: 'the site token', token: siteToken },
  ];

  it('a filter matching only unpublished text answers exactly like one matching nothing, on every route and path', async () => {
    let walked = 0;
    let matchedPublic = 0;
    const leaks: string[] = [];
    for (const [route, uid] of Object.entries(ROUTES)) {
      for (const fieldPath of textPaths(uid, 3)) {
        for (const { who, token: t } of callers()) {
          const [secret, nothing, published] = await Promise.all(
            [SECRET, NOTHING, PUBLIC].map((value) => api(q(`${route}?${filterQuery(fieldPath, value)}`), { token: t }))
          );
          walked++;
          expect(secret.status, `${route} ${fieldPath.join('.')}`).toBeLessThan(500);
          if (secret.status !== nothing.status || secret.text !== nothing.text)
            leaks.push(
              `${who}: /api/${route}?${filterQuery(fieldPath, SECRET)} → ${secret.status} ${secret.text.slice(0, 200)}`
            );
          if (published.status === 200 && published.json.data.length > 0) matchedPublic++;
        }
      }
    }
    expect(leaks).toEqual([]);
    // The filters that are allowed do work: published text is found through them.
    expect(walked).toBeGreaterThan(200);
    expect(matchedPublic).toBeGreaterThan(4);
    console.info(
      `[public surface] ${walked} route × path × caller combinations walked; ${matchedPublic} found published text`
    );
    // Some 2,100 requests: a minute on a busy 2-core machine.
  }, 300_000);

  it("the publishing state (the site token's) knows nothing of an unpublished story: not its tag, photo or file", async () => {
    const state = (await api(q('publishing/state'), { token: siteToken })).json.data;
    expect(Object.keys(state.files)).not.toContain(String(secretFile));
    expect(Object.keys(state.files).length).toBeGreaterThan(0); // the published stories' files are there
    const photos = (await api(q('photos?pagination[pageSize]=100'), { token })).json.data as {
      documentId: string;
      caption: string | null;
    }[];
    const secret = photos.find((p) => p.caption === SECRET)!;
    expect(Object.keys(state.types['api::photo.photo'])).not.toContain(secret.documentId);
    expect(JSON.stringify(state)).not.toContain(SECRET);
  });

  it("an unpublished edit's new tag, author and poll stay out of the live story's publishing state (and its digest) until it is published", async () => {
    const ARTICLE = 'api::article.article';
    const visible = async (route: string) =>
      ((await api(q(`${route}?pagination[pageSize]=100`))).json.data as { documentId: string }[]).map(
        (d) => d.documentId
      );
    // Tags, authors and polls readers already see through other stories: only the link is the edit's.
    const [tags, authors, polls, [photo]] = await Promise.all(['tags', 'authors', 'polls', 'photos'].map(visible));
    expect(tags.length).toBeGreaterThan(1);
    expect(authors.length).toBeGreaterThan(1);
    expect(polls.length).toBeGreaterThan(0);
    const [category] = (await api(q('categories'))).json.data;
    const created = await api(q('articles?status=published'), {
      method: 'POST',
      token,
      body: {
        data: {
          title: 'Bài sắp có bản sửa',
          lead: 'Tin đã lên trang.',
          authors: [authors[0]],
          category: category.documentId,
          tags: [tags[0]],
          cover: photo,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const live = created.json.data.documentId as string;
    const state = async () => ({
      some: (await api(q(`publishing/state?documents=${ARTICLE}/${live}`), { token: siteToken })).json.data.types,
      whole: (await api(q('publishing/state'), { token: siteToken })).json.data.types,
      digest: (await api(q('publishing/state?digest'), { token: siteToken })).json.data.digest as string,
    });
    const before = await state();
    expect(Object.keys(before.some['api::tag.tag'])).toEqual([tags[0]]);

    const edit = await api(q(`articles/${live}?status=draft`), {
      method: 'PUT',
      token,
      body: { data: { tags: [tags[0], tags[1]], authors: [authors[0], authors[1]], poll: polls[0] } },
    });
    expect(edit.status, edit.text).toBe(200);
    const drafted = await state();
    expect(Object.keys(drafted.some['api::tag.tag'] ?? {})).toEqual([tags[0]]);
    expect(Object.keys(drafted.some['api::author.author'] ?? {})).toEqual([authors[0]]);
    expect(drafted.some['api::poll.poll'] ?? {}).toEqual({});
    // The whole state: the story's version still describes what is live.
    expect(drafted.whole[ARTICLE][live]).toBe(before.whole[ARTICLE][live]);
    expect(drafted.some[ARTICLE][live]).toBe(before.whole[ARTICLE][live]);
    // Nor its digest (the publisher's probe): a desk saving drafts never sets off a comparison.
    expect(drafted.digest).toBe(before.digest);

    const publish = await api(q(`articles/${live}?status=published`), { method: 'PUT', token, body: { data: {} } });
    expect(publish.status, publish.text).toBe(200);
    const published = await state();
    expect(Object.keys(published.some['api::tag.tag']).sort()).toEqual([tags[0], tags[1]].sort());
    expect(Object.keys(published.some['api::author.author']).sort()).toEqual([authors[0], authors[1]].sort());
    expect(Object.keys(published.some['api::poll.poll'])).toEqual([polls[0]]);
    expect(published.whole[ARTICLE][live]).not.toBe(before.whole[ARTICLE][live]);
    expect(published.some[ARTICLE][live]).toBe(published.whole[ARTICLE][live]);
    expect(published.digest).not.toBe(drafted.digest);
  });

  it('nothing prepared for an unpublished story is listed: tags, authors, photos, polls', async () => {
    for (const route of Object.keys(ROUTES)) {
      for (const { token: t } of callers()) {
        let page = 1;
        for (;;) {
          const res = await api(q(`${route}?pagination[pageSize]=100&pagination[page]=${page}`), { token: t });
          expect(res.status).toBe(200);
          expect(res.text, route).not.toContain(SECRET);
          if (page >= res.json.meta.pagination.pageCount) break;
          page++;
        }
      }
    }
  });

  it('an entry no published story uses is not found at its own URL nor counted; full-access tokens and the desk see it', async () => {
    const jwt = await cms.adminJwt();
    for (const [route, uid] of Object.entries(ROUTES).filter(([, uid]) =>
      ['api::tag.tag', 'api::author.author', 'api::photo.photo', 'api::poll.poll'].includes(uid)
    )) {
      const ids = (res: Awaited<ReturnType<typeof api>>) =>
        (res.json.data as { documentId: string }[]).map((d) => d.documentId);
      const all = await api(q(`${route}?pagination[pageSize]=100`), { token });
      expect(all.json.meta.pagination.total).toBe(all.json.data.length);
      for (const { who, token: t } of callers()) {
        const seen = await api(q(`${route}?pagination[pageSize]=100`), { token: t });
        const one = await api(q(`${route}?pagination[pageSize]=1`), { token: t });
        // The count behind the pages counts what the pages list.
        expect(seen.json.meta.pagination.total, `${who} ${route}`).toBe(seen.json.data.length);
        expect(one.json.meta.pagination.total, `${who} ${route}`).toBe(seen.json.data.length);
        const unseen = ids(all).filter((id) => !ids(seen).includes(id));
        expect(unseen.length, `${who} ${route}`).toBeGreaterThan(0);
        expect(seen.json.data.length, `${who} ${route}`).toBeGreaterThan(0);
        for (const id of unseen) expect((await api(q(`${route}/${id}`), { token: t })).status, id).toBe(404);
        for (const id of ids(seen).slice(0, 3))
          expect((await api(q(`${route}/${id}`), { token: t })).status, id).toBe(200);
        // The desk lists and opens every entry.
        const desk = await api(`${cms.url}/content-manager/collection-types/${uid}?page=1&pageSize=100`, {
          token: jwt,
        });
        expect(desk.status, desk.text.slice(0, 200)).toBe(200);
        expect(desk.json.pagination.total).toBe(all.json.meta.pagination.total);
        for (const id of unseen.slice(0, 2))
          expect((await api(`${cms.url}/content-manager/collection-types/${uid}/${id}`, { token: jwt })).status).toBe(
            200
          );
      }
    }
  });

  it('refuses what would reach past published content, naming the parameter (400)', async () => {
    const cases: [string, RegExp][] = [
      ['tags?filters[articles][title][$contains]=a', /filters\[articles\]/],
      ['articles?filters[tags][articles][lead][$contains]=a', /filters\[tags\]\[articles\]/],
      ['tags?populate=articles', /populate/],
      ['articles?populate[tags][populate][articles]=true', /populate/],
      ['articles?publicationFilter=never-published', /publicationFilter/],
      ['articles?hasPublishedVersion=false', /hasPublishedVersion/],
      ['authors?filters[email][$contains]=a', /filters\[email\]/],
      ['polls?filters[options][votes][$gt]=0', /filters\[options\]\[votes\]/],
      ['articles?filters[body][$containsi]=a', /filters\[body\]: the body cannot be filtered on/],
      ['articles?sort=tags.name', /sort/],
      ['articles?fields[0]=sourceKey', /fields/],
      ['articles?filters[title][$foo]=a', /\$foo/],
      ['articles?pagination[pageSize]=abc', /pagination\[pageSize\]/],
      // An integer column holds 32 bits (PostgreSQL: 22003 integer out of range); NUL is in no text (22021).
      ['articles?filters[id]=9999999999', /filters\[id\]: an integer/],
      ['articles?filters[id][$in][0]=1&filters[id][$in][1]=2147483648', /filters\[id\]\[\$in\]: an integer/],
      ['categories?filters[menuOrder][$gt]=3000000000', /filters\[menuOrder\]\[\$gt\]: an integer/],
      ['categories?filters[menuOrder][$lt]=-2147483649', /filters\[menuOrder\]\[\$lt\]: an integer/],
      ['tags?filters[name]=%00', /filters\[name\]: .*U\+0000/],
      ['tags?filters[name][$containsi]=a%00b', /filters\[name\]\[\$containsi\]: .*U\+0000/],
      [
        'authors?filters[$or][0][name][$in][0]=a&filters[$or][0][name][$in][1]=%00',
        /filters\[\$or\]\[0\]\[name\]\[\$in\]\[1\]: .*U\+0000/,
      ],
      ['tags?sort=name%00', /sort: .*U\+0000/],
      ['tags?fields[0]=name%00', /fields\[0\]: .*U\+0000/],
      ['tags?pagination[page]=1%00', /pagination\[page\]: .*U\+0000/],
      ['tags?status=published%00', /status: .*U\+0000/],
      ['tags?filters[name%00]=a', /U\+0000/],
      // A deep page costs the database a walk over every row before it: past 10,000 rows, read on by id.
      ['articles?pagination[page]=101&pagination[pageSize]=100', /pagination\[page\]: .*10,000.*filters\[id\]\[\$gt\]/],
      ['photos?pagination[page]=401', /pagination\[page\]: .*10,000/],
      ['tags?pagination[start]=10000&pagination[limit]=1', /pagination\[start\]: .*10,000/],
    ];
    for (const [query, parameter] of cases) {
      for (const { who, token: t } of callers()) {
        const res = await api(q(query), { token: t });
        expect(res.status, `${who}: ${query}`).toBe(400);
        expect(res.json.error.message, `${who}: ${query}`).toMatch(parameter);
      }
    }
    expect((await api(q('articles?status=draft'))).status).toBe(403);
    // The bounds themselves are values like any other.
    for (const query of [
      'articles?filters[id]=2147483647',
      'categories?filters[menuOrder][$gt]=-2147483648',
      'categories?filters[menuOrder][$between][0]=-2147483648&filters[menuOrder][$between][1]=2147483647',
      'articles?pagination[page]=100&pagination[pageSize]=100',
      'tags?pagination[start]=9900&pagination[limit]=100',
    ]) {
      const res = await api(q(query));
      expect(res.status, `${query}: ${res.text.slice(0, 200)}`).toBe(200);
    }
    // A full-access token (an import or migration tool) is not bound to the window.
    const deep = await api(q('articles?pagination[page]=101&pagination[pageSize]=100'), { token });
    expect(deep.status, deep.text.slice(0, 200)).toBe(200);
    expect(deep.json.meta.pagination.page).toBe(101);
  });

  it("refuses a NUL in a URL's path on every route that takes an id, naming it (400), never a database error", async () => {
    const paths = [
      ...Object.keys(ROUTES).flatMap((route) => [`${route}/%00`, `${route}/a%00b`]),
      'polls/%00/results',
      'preview/articles/%00',
      'redirects/%00',
    ];
    for (const p of paths) {
      for (const { who, token: t } of callers()) {
        const res = await api(q(p), { token: t });
        expect(res.status, `${who}: ${p}: ${res.text.slice(0, 200)}`).toBe(400);
        expect(res.json.error.message, `${who}: ${p}`).toMatch(/U\+0000/);
      }
    }
    const vote = await api(q('polls/%00/votes'), { method: 'POST', body: { option: 'a' } });
    expect(vote.status, vote.text.slice(0, 200)).toBe(400);
  });

  it("the redirects (the site token's) are asked for by from, to and id only: an editor's note or flag cannot be probed", async () => {
    const jwt = await cms.adminJwt();
    const REDIRECTS = `${cms.url}/content-manager/collection-types/api::redirect.redirect`;
    const NOTE = 'ghichúZq của biên tập';
    const made = await api(REDIRECTS, {
      method: 'POST',
      token: jwt,
      body: { from: '/tin-cu-zq/', to: '/chuyen-muc/thoi-su/', note: NOTE },
    });
    expect(made.status, made.text).toBe(201);
    const { documentId } = made.json.data;
    for (const [query, parameter] of [
      ['redirects?filters[note][$containsi]=ghi', /filters\[note\]/],
      ['redirects?filters[$or][0][note][$null]=true', /filters\[\$or\]\[0\]\[note\]/],
      ['redirects?filters[automatic]=true', /filters\[automatic\]/],
      ['redirects?filters[createdAt][$gt]=2020-01-01', /filters\[createdAt\]/],
      ['redirects?sort=note', /sort/],
      ['redirects?sort[0]=automatic:desc', /sort/],
      ['redirects?sort[updatedAt]=desc', /sort\[updatedAt\]/],
      ['redirects?fields[0]=note', /fields\[0\]/],
    ] as const) {
      const res = await api(q(query), { token: siteToken });
      expect(res.status, query).toBe(400);
      expect(res.json.error.message, query).toMatch(parameter);
      expect(res.json.error.message, query).toMatch(/from, to/);
    }
    // What the build asks, and lookups by address, are answered.
    const listed = await api(q('redirects?sort=id:asc&pagination[page]=1&pagination[pageSize]=100'), {
      token: siteToken,
    });
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.data.map((r: { from: string }) => r.from)).toContain('/tin-cu-zq/');
    expect(listed.text).not.toContain('ghich');
    for (const query of [
      'redirects?filters[from][$eq]=/tin-cu-zq/',
      'redirects?filters[to][$containsi]=thoi-su&filters[from][$startsWith]=/tin-cu',
      `redirects?filters[documentId]=${documentId}`,
      'redirects?filters[id][$gt]=0&sort=from:desc',
    ]) {
      const res = await api(q(query), { token: siteToken });
      expect(res.status, `${query}: ${res.text.slice(0, 200)}`).toBe(200);
      expect(
        res.json.data.map((r: { from: string }) => r.from),
        query
      ).toContain('/tin-cu-zq/');
    }
    // The desk still reads and edits the note.
    const edited = await api(`${REDIRECTS}/${documentId}`, { method: 'PUT', token: jwt, body: { note: `${NOTE} 2` } });
    expect(edited.status, edited.text).toBe(200);
    const opened = await api(`${REDIRECTS}/${documentId}`, { token: jwt });
    expect(opened.json.data).toMatchObject({ note: `${NOTE} 2`, automatic: false });
  });

  it('answers thousands of generated queries without a 5xx, a secret or an oversized body', async () => {
    const rand = prng(20261129);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
    const { types, components } = readSchemas();
    const names = [
      ...new Set([
        ...Object.values(types).flatMap(Object.keys),
        ...Object.values(components).flatMap(Object.keys),
        'id',
        'documentId',
        'publishedAt',
        'url',
        'related',
        'folder',
        'createdBy',
        '__proto__',
        'constructor',
        '',
      ]),
    ];
    const operators = [
      '$eq',
      '$ne',
      '$in',
      '$contains',
      '$containsi',
      '$null',
      '$between',
      '$or',
      '$and',
      '$not',
      '$foo',
      '$',
      '$gt',
    ];
    const values = [
      SECRET,
      NOTHING,
      'a',
      '',
      '%',
      '%E0%A4%A',
      '%ZZ',
      'x'.repeat(5000),
      '1',
      '-1',
      'true',
      'null',
      '[]',
      '{}',
      '\u0000',
      '%00',
      `a\u0000${SECRET}`,
      '2147483647',
      '2147483648',
      '-2147483649',
      '9999999999',
    ];
    const key = (depth: number): string =>
      depth === 0 || rand() < 0.3
        ? `[${pick(operators)}]`
        : `[${rand() < 0.2 ? pick(operators) : pick(names)}]${rand() < 0.15 ? `[${Math.floor(rand() * 3)}]` : ''}${key(depth - 1)}`;
    const param = (): string => {
      switch (Math.floor(rand() * 8)) {
        case 0:
        case 1:
        case 2:
          return `filters${key(1 + Math.floor(rand() * 5))}=${rand() < 0.8 ? encodeURIComponent(pick(values)) : pick(values)}`;
        case 3:
          return pick([
            `populate=${pick(names)}`,
            `populate[${pick(names)}][populate]=*`,
            'populate=*',
            `populate[0]=${pick(names)}`,
          ]);
        case 4:
          return pick([`fields[0]=${pick(names)}`, `fields=${pick(names)},${pick(names)}`, `fields[a][b]=c`]);
        case 5:
          return pick([
            `sort=${pick(names)}:${pick(['asc', 'desc', 'up', ''])}`,
            `sort[0]=${pick(names)}`,
            `sort[${pick(names)}]=desc`,
          ]);
        case 6:
          return `pagination[${pick(['page', 'pageSize', 'start', 'limit', 'withCount', 'x'])}]=${pick(['1', '100', '101', '-1', '99999999999', 'abc', '1e3', ''])}`;
        default:
          return pick([
            `status=${pick(['draft', 'published', 'DRAFT', ''])}`,
            `locale=${pick(['vi', 'all', '*'])}`,
            'publicationFilter=never-published',
            `${pick(names)}=1`,
            '[=1',
            'filters=1',
            'filters[=1',
            '%=%',
          ]);
      }
    };
    /** A query the API should answer: a text path of the route (through allowed relations or not) and a real operator. */
    const plausible = (route: string) => {
      const paths = textPaths(ROUTES[route], 2);
      const own = Object.entries(types[ROUTES[route]])
        .filter(
          ([, a]) => !a.private && ['string', 'text', 'uid', 'integer', 'boolean', 'datetime', 'date'].includes(a.type)
        )
        .map(([name]) => name);
      const parts = [
        `${filterQuery(pick(paths), pick([SECRET, NOTHING, PUBLIC, 'a', 'ti']))}`,
        `sort=${pick(own)}:${pick(['asc', 'desc'])}`,
        `pagination[page]=${1 + Math.floor(rand() * 3)}&pagination[pageSize]=${pick(['1', '10', '100'])}`,
        `filters[$or][0][${pick(own)}][$null]=${pick(['true', 'false'])}&filters[$or][1][documentId][$in][0]=x`,
        // Integers at and past the 32 bits of an integer column, and text with a NUL in it.
        `filters[id][${pick(['$eq', '$gt', '$lte', '$in', '$ne'])}]=${pick(['2147483647', '-2147483648', '2147483648', '-2147483649', '9999999999'])}`,
        `${pick([`sort=${pick(own)}`, `fields[0]=${pick(own)}`, `filters[${pick(own)}][$eq]=a`])}${pick(['%00', '', 'x%00'])}`,
      ];
      return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => pick(parts)).join('&');
    };
    const routes = Object.keys(ROUTES);
    const queries: string[] = [];
    for (let i = 0; i < 2400; i++) {
      const route = pick(routes);
      const path = rand() < 0.1 ? `${route}/does-not-exist` : route;
      queries.push(
        rand() < 0.5
          ? `${path}?${plausible(route)}`
          : `${path}?${Array.from({ length: 1 + Math.floor(rand() * 4) }, param).join('&')}`
      );
    }
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < queries.length; i += 8) {
      await Promise.all(
        queries.slice(i, i + 8).map(async (query) => {
          const t = rand() < 0.5 ? undefined : siteToken;
          const res = await fetch(q(query), { headers: t ? { Authorization: `Bearer ${t}` } : {} });
          const body = await res.text();
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          if (res.status >= 500) problems.push(`${res.status} ${query}`);
          if (body.includes(SECRET)) problems.push(`secret in ${query}`);
          if (body.length > MAX_BYTES) problems.push(`${body.length} bytes for ${query}`);
        })
      );
    }
    expect(problems).toEqual([]);
    console.info(
      `[public surface] ${queries.length} generated queries: ${JSON.stringify(Object.fromEntries(statuses))}`
    );
  }, 300_000);

  // Last: it makes the archive large, and puts it back as it was.
  it('lists, counts and opens the photos of an archive with more visible photos than one statement can bind', async () => {
    // PostgreSQL binds at most 65,535 values to a statement, SQLite 32,766.
    const MANY = 66_000;
    const CAPTION = 'Ảnh của kho lớn';
    const before = (await api(q('photos?pagination[pageSize]=1'))).json.meta.pagination.total as number;
    const [author] = (await api(q('authors'))).json.data;
    const [category] = (await api(q('categories'))).json.data;
    const created = await api(q('articles?status=published'), {
      method: 'POST',
      token,
      body: {
        data: {
          title: 'Bài của kho ảnh lớn',
          lead: 'Nhiều ảnh.',
          authors: [author.documentId],
          category: category.documentId,
        },
      },
    });
    expect(created.status, created.text).toBe(201);
    const [{ id: articleId }] = await sql(
      cms,
      'SELECT id FROM articles WHERE document_id = ? AND published_at IS NOT NULL',
      [created.json.data.documentId]
    );
    const [{ id: template }] = await sql(cms, 'SELECT MIN(id) AS id FROM photos');
    try {
      // As the bulk import writes them: rows straight into the tables, used by a published story.
      await sql(
        cms,
        `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
         INSERT INTO photos (document_id, caption, credit, alt, created_at, updated_at, published_at, locale)
         SELECT 'khoanhlon' || i, ?, p.credit, p.alt, p.created_at, p.updated_at, p.published_at, p.locale
         FROM n CROSS JOIN photos p WHERE p.id = ?`,
        [MANY, CAPTION, template]
      );
      await sql(
        cms,
        'INSERT INTO articles_photos_lnk (article_id, photo_id, photo_ord) SELECT ?, id, id FROM photos WHERE caption = ?',
        [articleId, CAPTION]
      );
      for (const { who, token: t } of callers()) {
        const started = performance.now();
        const page = await api(q('photos?pagination[pageSize]=10&pagination[page]=2'), { token: t });
        const took = performance.now() - started;
        expect(page.status, `${who}: ${page.text.slice(0, 300)}`).toBe(200);
        expect(page.json.meta.pagination.total).toBe(before + MANY);
        expect(page.json.data).toHaveLength(10);
        const one = await api(q('photos/khoanhlon12345'), { token: t });
        expect(one.status, one.text.slice(0, 300)).toBe(200);
        expect(one.json.data.caption).toBe(CAPTION);
        console.info(`[public surface] ${who}: a page of ${before + MANY} visible photos in ${Math.round(took)} ms`);
      }
    } finally {
      await sql(cms, 'DELETE FROM articles_photos_lnk WHERE article_id = ?', [articleId]);
      await sql(cms, 'DELETE FROM photos WHERE caption = ?', [CAPTION]);
    }
    expect((await api(q('photos?pagination[pageSize]=1'))).json.meta.pagination.total).toBe(before);
  }, 300_000);
});

import { describe, expect, it } from 'vitest';
import { planChange } from './plan';
import { related, RELATED_COUNT, RELATED_WINDOW } from './related';
import type { Article, Author, Category, Tag } from './schema';
import { articleDiff, indexAheadInSteps, toContent, type SiteContent, type Snapshot } from './snapshot';
import { listingKey } from './build-protocol';
import { listingPages } from './listing-pages';
import { SITEMAP_FILE_SIZE, sitemapFiles, sitemapPath } from './sitemaps';
import { xoroshiro128plus } from 'pure-rand';

/**
 * The planner against the definition of a correct plan, on randomly generated newsrooms and
 * changes: every page whose content differs between the site built from the old content and the
 * site built from the new one must be rebuilt (or removed). No CMS, no Astro: what a page shows is
 * modelled from the same functions the pages call (toContent, related).
 */

/** Numbers in [0, 1) from a seed (pure-rand's xoroshiro128+), so a failing run can be replayed. */
function prng(seed: number) {
  const generator = xoroshiro128plus(seed);
  return () => (generator.unsafeNext() >>> 0) / 2 ** 32;
}

function newsroom(random: () => number, articles: number, categories = 3): Snapshot {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const cats: Category[] = Array.from({ length: categories }, (_, i) => ({
    documentId: `cat${i}`,
    name: `Chuyên mục ${i}`,
    slug: `chuyen-muc-${i}`,
    menuOrder: i,
  }));
  const tags: Tag[] = Array.from({ length: 6 }, (_, i) => ({
    documentId: `tag${i}`,
    name: `Thẻ ${i}`,
    slug: `the-${i}`,
  }));
  const authors: Author[] = Array.from({ length: 4 }, (_, i) => ({
    documentId: `au${i}`,
    name: `Tác giả ${i}`,
    slug: `tac-gia-${i}`,
    role: 'Phóng viên',
  }));
  const list = Array.from({ length: articles }, (_, i) =>
    article(
      i,
      pick(cats),
      tags.filter(() => random() < 0.3),
      [pick(authors)],
      random
    )
  );
  return { version: 1, fetchedAt: '', articles: list, categories: cats, authors, tags, polls: [] };
}

function article(i: number, category: Category, tags: Tag[], authors: Author[], random: () => number): Article {
  // Dates on a few days only, so that ties (ordered by documentId) happen.
  const date = new Date(Date.UTC(2026, 10, 1 + Math.floor(random() * 20), 8)).toISOString();
  return {
    documentId: `doc${String(i).padStart(4, '0')}`,
    title: `Tin số ${i}`,
    slug: `tin-so-${i}`,
    lead: `Sa-pô ${i}`,
    body: `Nội dung ${i}`,
    featured: false,
    publicationDate: date,
    publishedAt: date,
    updatedAt: date,
    cover: null,
    photos: [],
    category,
    tags,
    authors,
    poll: null,
    seo: null,
  };
}

/** One random editor action on `s`, as the CMS would return the content afterwards. */
function mutate(s: Snapshot, random: () => number, counter: { n: number }): Snapshot {
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const articles = [...s.articles];
  const at = Math.floor(random() * articles.length);
  const a = articles[at];
  const r = random();
  if (r < 0.2 && a) articles[at] = { ...a, title: `${a.title} (sửa ${++counter.n})`, updatedAt: `${a.updatedAt}x` };
  else if (r < 0.35 && a) {
    const date = new Date(Date.UTC(2026, 10, 1 + Math.floor(random() * 25), 9)).toISOString();
    articles[at] = { ...a, publicationDate: date };
  } else if (r < 0.5 && a) articles[at] = { ...a, category: pick(s.categories) };
  else if (r < 0.62 && a) articles[at] = { ...a, tags: s.tags.filter(() => random() < 0.3) };
  else if (r < 0.74 && a)
    articles.splice(at, 1); // unpublished or deleted
  else if (r < 0.86) {
    const i = 5000 + ++counter.n;
    articles.push(
      article(
        i,
        pick(s.categories),
        s.tags.filter(() => random() < 0.3),
        [pick(s.authors)],
        random
      )
    );
  } else if (r < 0.93) {
    // A tag renamed: its listing and every article that shows it.
    const tag = pick(s.tags);
    const renamed = { ...tag, name: `${tag.name} mới ${++counter.n}` };
    return {
      ...s,
      tags: s.tags.map((t) => (t.documentId === tag.documentId ? renamed : t)),
      articles: articles.map((x) => ({
        ...x,
        tags: x.tags.map((t) => (t.documentId === tag.documentId ? renamed : t)),
      })),
    };
  } else {
    const author = pick(s.authors);
    const renamed = { ...author, bio: `Tiểu sử ${++counter.n}` };
    return {
      ...s,
      authors: s.authors.map((x) => (x.documentId === author.documentId ? renamed : x)),
      articles: articles.map((x) => ({
        ...x,
        authors: x.authors.map((y) => (y.documentId === author.documentId ? renamed : y)),
      })),
    };
  }
  return { ...s, articles };
}

/**
 * What each page shows, by page: an article with its related box; each page of a listing (its
 * entry, its stories, its neighbours), as the site splits them (listing-pages.ts).
 */
function pages(content: SiteContent) {
  const out = new Map<string, string>();
  for (const a of content.articles)
    out.set(`article:${a.slug}:`, JSON.stringify([a, related(content, a, RELATED_COUNT)]));
  const listing = (kind: string, entry: { slug: string }, stories: SiteContent['articles'] = []) => {
    for (const page of listingPages(stories))
      out.set(`${kind}:${entry.slug}:${page.number}`, JSON.stringify([entry, page]));
  };
  for (const c of content.categories) listing('category', c, content.byCategory.get(c.slug));
  for (const x of content.authors) listing('author', x, content.byAuthor.get(x.slug));
  for (const t of content.tags) listing('tag', t, content.byTag.get(t.slug));
  sitemapFiles(content).forEach((entries, n) => out.set(`sitemap:${n}:`, JSON.stringify(entries)));
  return out;
}

/** Pages that differ between the two sites and that the plan neither rebuilds nor removes. */
function missed(before: Snapshot, after: Snapshot) {
  const plan = planChange(before, after);
  const old = pages(toContent(before));
  const now = pages(toContent(after));
  const differing = [...new Set([...old.keys(), ...now.keys()])].filter((k) => old.get(k) !== now.get(k));
  if (plan.kind === 'full') return { plan, missed: [] };
  if (plan.kind === 'none') return { plan, missed: differing };
  const kinds = { article: 'articles', category: 'categories', author: 'authors', tag: 'tags' } as const;
  const routes = { article: 'bai-viet', category: 'chuyen-muc', author: 'tac-gia', tag: 'the' } as const;
  return {
    plan,
    missed: differing.filter((key) => {
      const [kind, slug, page] = key.split(':') as [keyof typeof kinds | 'sitemap', string, string];
      if (kind === 'sitemap') {
        const n = Number(slug);
        if (!now.has(key)) return !plan.removed.includes(sitemapPath(n));
        return !!plan.scope.sitemaps && !plan.scope.sitemaps.includes(n);
      }
      const named = kind === 'article' ? undefined : plan.scope.pages?.[listingKey(kinds[kind], slug)];
      const rebuilt =
        plan.scope[kinds[kind]].includes(slug) && (!named || named.includes(Number(page))) && now.has(key);
      const path = `/${routes[kind]}/${slug}/`;
      const removed =
        !now.has(key) && (plan.removed.includes(path) || (page !== '0' && plan.removed.includes(`${path}${page}/`)));
      return !rebuilt && !removed;
    }),
  };
}

describe('the publish planner rebuilds every page a change reaches', () => {
  it('on 300 random newsrooms of 40 stories, after one to three editor actions', () => {
    const random = prng(20261129);
    const counter = { n: 0 };
    for (let run = 0; run < 300; run++) {
      const before = newsroom(random, 40);
      let after = before;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) after = mutate(after, random, counter);
      const { plan, missed: pagesMissed } = missed(before, after);
      expect(pagesMissed, `run ${run}: ${plan.kind}`).toEqual([]);
    }
  });

  it(`past the related window: one section of ${RELATED_WINDOW + 60} stories`, () => {
    const random = prng(7);
    const counter = { n: 0 };
    for (let run = 0; run < 25; run++) {
      const before = newsroom(random, RELATED_WINDOW + 60, 1);
      const after = mutate(before, random, counter);
      expect(missed(before, after).missed, `run ${run}`).toEqual([]);
    }
  });

  it('on 60 random sections of 45 to 130 stories: listings of several pages', () => {
    const random = prng(45130);
    const counter = { n: 0 };
    for (let run = 0; run < 60; run++) {
      const before = newsroom(random, 45 + Math.floor(random() * 85), 1);
      let after = before;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) after = mutate(after, random, counter);
      const { plan, missed: pagesMissed } = missed(before, after);
      expect(pagesMissed, `run ${run}: ${plan.kind}`).toEqual([]);
    }
  });

  it('rebuilds nothing when nothing published changed, and everything when the menu changes', () => {
    const random = prng(3);
    const before = newsroom(random, 20);
    expect(planChange(before, before).kind).toBe('none');
    const renamed = { ...before, categories: before.categories.map((c, i) => (i ? c : { ...c, name: 'Thời sự' })) };
    expect(planChange(before, renamed).kind).toBe('full');
  });

  it('makes a release, rendering no page, when only the redirects changed', () => {
    const before = newsroom(prng(4), 10);
    const redirect = { documentId: 'r1', from: '/tin-cu/', to: '/chuyen-muc/thoi-su/', article: null };
    const plan = planChange(before, { ...before, redirects: [redirect] });
    expect(plan).toMatchObject({
      kind: 'scoped',
      scope: { articles: [], categories: [], authors: [], tags: [], sitemaps: [] },
      removed: [],
      summary: '1 redirect(s) changed',
    });
  });

  it('a scoped plan stays small: one edited story rebuilds its page, its listings and a few related pages', () => {
    const random = prng(11);
    const before = newsroom(random, 200);
    const a = before.articles[100];
    const after = { ...before, articles: before.articles.map((x) => (x === a ? { ...x, title: 'Tiêu đề mới' } : x)) };
    const plan = planChange(before, after);
    expect(plan.kind).toBe('scoped');
    if (plan.kind !== 'scoped') return;
    expect(plan.scope.articles).toContain(a.slug);
    expect(plan.scope.articles.length).toBeLessThan(40);
    expect(plan.scope.categories).toEqual([a.category!.slug]);
  });

  it('a new story costs the same at 500 and at 5,000 stories: the front page and the newest numbered page of each listing', () => {
    for (const size of [500, 5000]) {
      const random = prng(size);
      const before = newsroom(random, size, 2);
      const newest = before.articles.reduce((a, b) => (a.publicationDate! > b.publicationDate! ? a : b));
      const story = {
        ...article(99_999, before.categories[0], [before.tags[0]], [before.authors[0]], random),
        publicationDate: new Date(Date.parse(newest.publicationDate!) + 60_000).toISOString(),
      };
      const plan = planChange(before, { ...before, articles: [...before.articles, story] });
      if (plan.kind !== 'scoped') throw new Error(`expected a scoped plan, got ${plan.kind}`);
      const listings = Object.values(plan.scope.pages ?? {});
      expect(listings).toHaveLength(3); // its category, its author, its tag
      for (const numbers of listings) {
        expect(numbers[0]).toBe(0);
        expect(numbers.length).toBeLessThanOrEqual(3); // the front, the newest page, and the one before it when a page is added
      }
      expect(plan.removed).toEqual([]);
    }
  });

  it(`the sitemap keeps its files: at ${3 * SITEMAP_FILE_SIZE} stories, a publish rewrites the file that lists the story`, () => {
    const random = prng(3);
    const before = newsroom(random, 3 * SITEMAP_FILE_SIZE - 10, 2);
    const files = sitemapFiles(toContent(before)).length;
    const newest = before.articles.reduce((a, b) => (a.publicationDate! > b.publicationDate! ? a : b));
    const story = {
      ...article(99_999, before.categories[0], [], [before.authors[0]], random),
      publicationDate: new Date(Date.parse(newest.publicationDate!) + 60_000).toISOString(),
    };
    const added = planChange(before, { ...before, articles: [...before.articles, story] });
    if (added.kind !== 'scoped') throw new Error(`expected a scoped plan, got ${added.kind}`);
    // The last file of articles, and the listings' file only if a listing gained a page.
    expect(added.scope.sitemaps?.[0]).toBe(2);
    expect(added.scope.sitemaps!.every((n) => n === 2 || n >= 3)).toBe(true);

    // An edit to an old story: the file that lists it, alone.
    const oldest = toContent(before).articles.at(-1)!;
    const edited = before.articles.map((a) => (a === oldest ? { ...a, updatedAt: '2026-11-30T00:00:00.000Z' } : a));
    const plan = planChange(before, { ...before, articles: edited });
    if (plan.kind !== 'scoped') throw new Error(`expected a scoped plan, got ${plan.kind}`);
    expect(plan.scope.sitemaps).toEqual([0]);

    // Unpublished stories shift the later files; a file no longer needed is removed.
    const fewer = planChange(before, { ...before, articles: before.articles.slice(SITEMAP_FILE_SIZE) });
    if (fewer.kind !== 'scoped') throw new Error(`expected a scoped plan, got ${fewer.kind}`);
    expect(fewer.removed).toContain(sitemapPath(files - 1));
  });

  it("indexes the new content, its related boxes and sitemaps from the live content's, exactly as from scratch", () => {
    const random = prng(2611);
    const counter = { n: 0 };
    const shape = (c: SiteContent) => ({
      articles: c.articles.map((a) => a.documentId),
      ...Object.fromEntries(
        (['byCategory', 'byAuthor', 'byTag'] as const).map((k) => [
          k,
          [...c[k]].map(([key, list]) => [key, list.map((a) => a.documentId)]),
        ])
      ),
      bySlug: [...c.bySlug.keys()],
      byId: [...c.byId.keys()],
    });
    const boxes = (c: SiteContent) => c.articles.map((a) => related(c, a, RELATED_COUNT).map((x) => x.documentId));
    for (let run = 0; run < 200; run++) {
      const before = newsroom(random, 20 + Math.floor(random() * 200), 1 + Math.floor(random() * 3));
      // The related boxes' index and sitemap entries of the live content, which the new one's are derived from.
      boxes(toContent(before));
      sitemapFiles(toContent(before), 7);
      let after = before;
      for (let k = 1 + Math.floor(random() * 3); k > 0; k--) after = mutate(after, random, counter);
      const derived = toContent(after, before);
      const scratch = toContent({ ...after, articles: [...after.articles] });
      expect(shape(derived), `run ${run}`).toEqual(shape(scratch));
      expect(boxes(derived), `run ${run}`).toEqual(boxes(scratch));
      expect(sitemapFiles(derived, 7), `run ${run}`).toEqual(sitemapFiles(scratch, 7));
    }
  });

  it('indexes the live content ahead in steps, pausing between them, to the maps a plan reads', async () => {
    const live = newsroom(prng(7), 12_345);
    const content = toContent(live);
    let pauses = 0;
    await indexAheadInSteps(content, async () => {
      pauses++;
    });
    // The map by id and the set of articles, 5,000 articles a step each.
    expect(pauses).toBe(2 * Math.ceil(12_345 / 5000));
    expect([...content.byId]).toEqual(content.articles.map((a) => [a.documentId, a]));
    const added = newsroom(prng(8), 1).articles.map((a) => ({ ...a, documentId: 'moi', slug: 'moi' }));
    expect(articleDiff(content, [...live.articles, ...added])).toMatchObject({ added, gone: [] });

    // A plan that reads the map meanwhile makes it at once; the steps stop and keep that one.
    const other = toContent(newsroom(prng(9), 12_345));
    let read: Map<string, unknown> | undefined;
    pauses = 0;
    await indexAheadInSteps(other, async () => {
      pauses++;
      read ??= other.byId;
    });
    expect(pauses).toBe(1 + Math.ceil(12_345 / 5000));
    expect(other.byId).toBe(read);
  });
});

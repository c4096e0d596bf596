import { describe, expect, it } from 'vitest';
import type { Snapshot } from '@newsroom/content/snapshot';
import { madeByFullBuild, withLiveCategories } from './beside.js';

type Article = Snapshot['articles'][number];
const category = (documentId: string, name: string) => ({ documentId, name, slug: documentId, description: null });
const article = (documentId: string, cat: ReturnType<typeof category> | null) =>
  ({ documentId, slug: documentId, title: documentId, category: cat }) as unknown as Article;
const snapshot = (categories: ReturnType<typeof category>[], articles: Article[]) =>
  ({ version: 1, fetchedAt: '', articles, categories, authors: [], tags: [], polls: [] }) as unknown as Snapshot;

describe('a publish beside a full build', () => {
  const news = category('thoi-su', 'Thời sự');
  const sport = category('the-thao', 'Thể thao');
  const kept = article('giu-nguyen', news);
  const live = snapshot([news, sport], [kept]);

  it('shows the categories as they are live: the list, and in the articles fetched anew', () => {
    const renamed = category('thoi-su', 'Thời sự – Chính trị');
    const fetched = article('bai-moi', renamed);
    const now = snapshot([renamed, sport], [kept, fetched]);
    const shown = withLiveCategories(now, live)!;
    expect(shown.categories).toEqual([news, sport]);
    expect(shown.articles.find((a) => a.documentId === 'bai-moi')!.category).toEqual(news);
    // The live release's own articles are the same objects: no page of theirs looks changed.
    expect(shown.articles[0]).toBe(kept);
  });

  it('leaves an article whose category is as live, or which has none, as it was fetched', () => {
    const same = article('cung-chuyen-muc', category('the-thao', 'Thể thao'));
    const none = article('khong-chuyen-muc', null);
    const shown = withLiveCategories(snapshot([news, sport], [kept, same, none]), live)!;
    expect(shown.articles[1]).toBe(same);
    expect(shown.articles[2]).toBe(none);
  });

  it('cannot show a story in a category the live release does not have: only a full build can', () => {
    const created = category('moi', 'Chuyên mục mới');
    expect(withLiveCategories(snapshot([news, sport, created], [kept, article('bai', created)]), live)).toBeNull();
  });

  it('leaves a full build asked for, and the categories, to the full build', () => {
    expect(madeByFullBuild('full')).toBe(true);
    expect(madeByFullBuild('doc:api::category.category:abc')).toBe(true);
    expect(madeByFullBuild('doc:api::article.article:abc')).toBe(false);
    expect(madeByFullBuild('doc:api::tag.tag:abc')).toBe(false);
    expect(madeByFullBuild('clock')).toBe(false);
  });
});

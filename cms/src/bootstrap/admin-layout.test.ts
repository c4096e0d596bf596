import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyScreen } from './admin-layout';
import { SCREENS } from './admin-screens';

const SRC = path.resolve(import.meta.dirname, '..');

/** Every schema of the project: content types and components, by uid. */
function schemas(): Record<string, { attributes: Record<string, { type: string }> }> {
  const found: Record<string, { attributes: Record<string, { type: string }> }> = {};
  for (const api of fs.readdirSync(path.join(SRC, 'api'))) {
    const dir = path.join(SRC, 'api', api, 'content-types');
    if (!fs.existsSync(dir)) continue;
    for (const type of fs.readdirSync(dir)) {
      found[`api::${api}.${type}`] = JSON.parse(fs.readFileSync(path.join(dir, type, 'schema.json'), 'utf8'));
    }
  }
  for (const category of fs.readdirSync(path.join(SRC, 'components'))) {
    for (const file of fs.readdirSync(path.join(SRC, 'components', category))) {
      found[`${category}.${path.basename(file, '.json')}`] = JSON.parse(
        fs.readFileSync(path.join(SRC, 'components', category, file), 'utf8')
      );
    }
  }
  return found;
}

/** The internal vote ledger is not an editor's screen (hidden from the content manager). */
const NOT_SCREENS = new Set(['api::poll-vote.poll-vote']);

describe('the admin screens name every field in Vietnamese', () => {
  const all = schemas();

  it.each(Object.keys(all).filter((uid) => !NOT_SCREENS.has(uid)))('%s', (uid) => {
    const screen = SCREENS[uid];
    expect(screen, `${uid} has no screen in admin-screens.ts`).toBeDefined();
    const fields = Object.keys(all[uid].attributes);
    expect(fields.filter((f) => !screen.fields[f])).toEqual([]);
    expect(Object.keys(screen.fields).filter((f) => !fields.includes(f))).toEqual([]);
    for (const [name, text] of Object.entries(screen.fields)) {
      expect(text.label, name).toMatch(/\S/);
      expect(text.description, name).toMatch(/\S/);
      expect(text.label, `${name}: the label is the API name`).not.toBe(name);
    }
    if (screen.edit) {
      const placed = screen.edit.flat().map(([name]) => name);
      const shown = fields.filter((f) => !screen.fields[f].hidden);
      expect([...placed].sort()).toEqual([...shown].sort());
      for (const row of screen.edit) expect(row.reduce((sum, [, size]) => sum + size, 0)).toBeLessThanOrEqual(12);
    }
    for (const column of screen.list ?? []) expect(fields).toContain(column);
  });
});

/** A type's configuration as Strapi first creates it: labels are the API names, one field per row. */
function strapiDefault(fields: string[]) {
  return {
    settings: { defaultSortBy: 'id', defaultSortOrder: 'ASC', mainField: 'id' } as Record<string, unknown>,
    metadatas: Object.fromEntries(
      fields.map((f) => [f, { edit: { label: f, description: '', visible: true, editable: true }, list: { label: f } }])
    ),
    layouts: { list: ['id', ...fields.slice(0, 3)], edit: fields.map((f) => [{ name: f, size: 6 }]) },
  };
}

describe('applying a screen keeps what an admin changed on purpose', () => {
  const screen = SCREENS['api::tag.tag'];
  const fields = ['name', 'slug', 'articles'];

  it("takes over Strapi's defaults", () => {
    const configuration = strapiDefault(fields);
    applyScreen(configuration, screen, undefined);
    expect(configuration.metadatas.name.edit.label).toBe('Tên thẻ');
    expect(configuration.metadatas.name.list.label).toBe('Tên thẻ');
    expect(configuration.layouts.list).toEqual(['name', 'slug']);
    expect(configuration.settings).toMatchObject({ defaultSortBy: 'name', defaultSortOrder: 'ASC', mainField: 'name' });
    expect(configuration.layouts.edit).toEqual([
      [
        { name: 'name', size: 6 },
        { name: 'slug', size: 6 },
      ],
      [{ name: 'articles', size: 12 }],
    ]);
  });

  it("leaves an admin's label, list, order and form, and brings its own labels up to date", () => {
    const configuration = strapiDefault(fields);
    const first = applyScreen(configuration, screen, undefined);
    configuration.metadatas.name.edit.label = 'Từ khóa';
    configuration.layouts.list = ['name'];
    configuration.settings.defaultSortOrder = 'DESC';
    configuration.layouts.edit = [
      [{ name: 'slug', size: 6 }],
      [{ name: 'name', size: 6 }],
      [{ name: 'articles', size: 12 }],
    ];
    const changedForm = structuredClone(configuration.layouts.edit);
    // A later version of the code words the slug's help differently.
    const next = structuredClone(screen);
    next.fields.slug = { ...next.fields.slug, description: 'Mô tả mới.' };
    applyScreen(configuration, next, first);
    expect(configuration.metadatas.name.edit.label).toBe('Từ khóa');
    expect(configuration.metadatas.slug.edit.description).toBe('Mô tả mới.');
    expect(configuration.layouts.list).toEqual(['name']);
    expect(configuration.settings.defaultSortOrder).toBe('DESC');
    expect(configuration.layouts.edit).toEqual(changedForm);
  });

  it("does not mistake Strapi's own upkeep (a new field appended) for an admin's change", () => {
    const configuration = strapiDefault(fields);
    const first = applyScreen(configuration, screen, undefined);
    configuration.metadatas.color = {
      edit: { label: 'color', description: '', visible: true, editable: true },
      list: { label: 'color' },
    };
    configuration.layouts.edit.push([{ name: 'color', size: 6 }]);
    const next = structuredClone(screen);
    next.fields.color = { label: 'Màu', description: 'Màu của thẻ.' };
    next.edit = [
      [
        ['name', 6],
        ['color', 6],
      ],
      [['slug', 6]],
      [['articles', 12]],
    ];
    applyScreen(configuration, next, first);
    expect(configuration.metadatas.color.edit.label).toBe('Màu');
    expect(configuration.layouts.edit).toEqual([
      [
        { name: 'name', size: 6 },
        { name: 'color', size: 6 },
      ],
      [{ name: 'slug', size: 6 }],
      [{ name: 'articles', size: 12 }],
    ]);
  });

  it("names Strapi's own fields (lists, filters) in Vietnamese", () => {
    const configuration = strapiDefault(fields);
    configuration.metadatas.createdAt = {
      edit: { label: 'createdAt', description: '', visible: false, editable: true },
      list: { label: 'createdAt' },
    };
    applyScreen(configuration, screen, undefined);
    expect(configuration.metadatas.createdAt.list.label).toBe('Ngày tạo');
  });

  it('hides the fields the system sets and locks the counts', () => {
    const article = strapiDefault(Object.keys(SCREENS['api::article.article'].fields));
    applyScreen(article, SCREENS['api::article.article'], undefined);
    expect(article.metadatas.scheduledBy.edit.visible).toBe(false);
    expect(article.layouts.edit.flat().map((el) => el.name)).not.toContain('scheduledBy');
    const option = strapiDefault(['label', 'votes']);
    applyScreen(option, SCREENS['poll.option'], undefined);
    expect(option.metadatas.votes.edit.editable).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { createQueryGuard } from './public-query';

/** A type with one field of each kind the public API filters on. */
const schema = {
  uid: 'api::thing.thing',
  attributes: {
    title: { type: 'string' },
    kind: { type: 'enumeration' },
    open: { type: 'boolean' },
    count: { type: 'integer' },
    big: { type: 'biginteger' },
    ratio: { type: 'decimal' },
    at: { type: 'datetime' },
    day: { type: 'date' },
  },
};
const guard = createQueryGuard((uid) => (uid === schema.uid ? schema : undefined));
const check = (filters: Record<string, unknown>) => guard({ filters }, schema.uid);

describe('the query guard compares each field only with what the database can compare it with', () => {
  it('text operators apply to text fields only (PostgreSQL has no LIKE on booleans, numbers or dates)', () => {
    for (const op of ['$contains', '$containsi', '$notContains', '$startsWith', '$endsWithi', '$eqi']) {
      expect(() => check({ title: { [op]: 'a' } })).not.toThrow();
      expect(() => check({ kind: { [op]: 'a' } })).not.toThrow();
      for (const field of ['open', 'count', 'ratio', 'at', 'day', 'id', 'createdAt'])
        expect(() => check({ [field]: { [op]: '{}' } }), `${field} ${op}`).toThrow(/compares text/);
    }
  });

  it.each([
    ['open', ['true', 'false', '1', '0'], ['{}', 'yes', '', 'null', '2']],
    [
      'count',
      ['1', '-1', '0', '123456', '2147483647', '-2147483648'],
      ['1.5', '{}', '', 'x', '1e9', '9'.repeat(20), '2147483648', '-2147483649', '9999999999'],
    ],
    ['big', ['2147483648', '-9999999999', '999999999999999'], ['1.5', 'x', '9'.repeat(16)]],
    ['ratio', ['1', '1.5', '-0.25'], ['1,5', '{}', '', 'NaN', 'Infinity']],
    [
      'at',
      ['2026-11-29', '2026-11-29T10:00:00Z', '2026-11-29T10:00:00.000+07:00'],
      ['{}', 'hôm qua', '', '1', '2026-13-45'],
    ],
    ['id', ['1', '42'], ['abc', '', '[]']],
  ])('%s takes %j, and refuses %j naming the field (400)', (field, good, bad) => {
    for (const v of good) {
      for (const filter of [v, { $eq: v }, { $ne: v }, { $in: [v, v] }, { $between: [v, v] }, { $not: { $eq: v } }])
        expect(() => check({ [field]: filter }), JSON.stringify(filter)).not.toThrow();
    }
    for (const v of bad) {
      for (const filter of [v, { $eq: v }, { $gt: v }, { $in: [good[0], v] }, { $between: [good[0], v] }]) {
        expect(() => check({ [field]: filter }), JSON.stringify(filter)).toThrow(new RegExp(`filters\\[${field}\\]`));
      }
    }
  });

  it('an integer field takes the 32 bits of its column (PostgreSQL fails the query past them), and says so', () => {
    expect(() => check({ count: { $gt: '2147483648' } })).toThrow(
      'filters[count][$gt]: an integer from -2147483648 to 2147483647 is expected, not "2147483648"'
    );
    expect(() => check({ ratio: 'x' })).toThrow('filters[ratio]: a decimal value is expected');
  });

  it('anything may be tested for null', () => {
    for (const field of ['title', 'open', 'count', 'at'])
      expect(() => check({ [field]: { $null: 'true' } })).not.toThrow();
  });
});

describe('the query guard refuses U+0000 anywhere in the query (no text holds it: PostgreSQL fails with 22021)', () => {
  it.each([
    [{ filters: { title: '\0' } }, 'filters[title]'],
    [{ filters: { $or: [{ title: { $in: ['a', 'b\0'] } }] } }, 'filters[$or][0][title][$in][1]'],
    [{ filters: { ['ti\0tle']: 'a' } }, 'filters'],
    [{ sort: 'title\0' }, 'sort'],
    [{ sort: ['title', 'at:desc\0'] }, 'sort[1]'],
    [{ fields: ['title\0'] }, 'fields[0]'],
    [{ pagination: { page: '1\0' } }, 'pagination[page]'],
    [{ status: 'published\0' }, 'status'],
    [{ populate: '\0' }, 'populate'],
  ])('%j is refused, naming %s', (query, parameter) => {
    expect(() => guard(query, schema.uid)).toThrow(`${parameter}: U+0000`);
  });
});

describe('a route that names its fields lets clients use those and the ids only', () => {
  const only = (query: Record<string, unknown>) => guard(query, schema.uid, ['title']);
  it.each([
    { filters: { title: 'a' } },
    { filters: { id: 1, documentId: 'x' } },
    { sort: 'title:desc,id' },
    { fields: ['title'] },
  ])('%j is answered', (query) => expect(() => only(query)).not.toThrow());
  it.each([
    [{ filters: { count: 1 } }, 'filters[count]'],
    [{ filters: { $not: { kind: { $null: true } } } }, 'filters[$not][kind]'],
    [{ filters: { createdAt: { $gt: '2026-01-01' } } }, 'filters[createdAt]'],
    [{ sort: 'kind' }, 'sort[0]'],
    [{ sort: { open: 'asc' } }, 'sort[open]'],
    [{ fields: ['title', 'at'] }, 'fields[1]'],
  ])('%j is refused, naming %s', (query, parameter) => {
    expect(() => only(query)).toThrow(`${parameter}: only title, id, documentId can be used here`);
  });
});

describe('a listing is read at most MAX_WINDOW rows deep (a deep page walks every row before it)', () => {
  const paging = (pagination: Record<string, unknown>) => guard({ pagination }, schema.uid);
  it.each([
    { page: '100', pageSize: '100' },
    { page: '400' },
    { page: '10000', pageSize: '1' },
    { pageSize: '100' },
    { start: '9900', limit: '100' },
    { start: '9975' },
    { start: '0', limit: '100' },
    { page: '0', pageSize: '100' },
  ])('%j is answered (at most 10,000 rows from the first)', (pagination) => {
    expect(() => paging(pagination)).not.toThrow();
  });
  it.each([
    [{ page: '101', pageSize: '100' }, 'pagination[page]'],
    [{ page: '401' }, 'pagination[page]'],
    // Strapi reads at most 100 a page however many are asked for: page 101 of "1,000" is rows 10,000–10,100.
    [{ page: '101', pageSize: '1000' }, 'pagination[page]'],
    [{ page: '10001', pageSize: '0' }, 'pagination[page]'],
    [{ start: '9901', limit: '100' }, 'pagination[start]'],
    [{ start: '9976' }, 'pagination[start]'],
    [{ start: '999999999', limit: '1' }, 'pagination[start]'],
  ])('%j is refused, naming %s and the way on (by id)', (pagination, parameter) => {
    expect(() => paging(pagination)).toThrow(
      `${parameter}: a listing is read at most 10,000 entries deep; read further by id: sort=id:asc&filters[id][$gt]=`
    );
  });
});

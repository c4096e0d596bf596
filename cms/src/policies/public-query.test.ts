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
    ratio: { type: 'decimal' },
    at: { type: 'datetime' },
    day: { type: 'date' },
  },
};
const check = (filters: Record<string, unknown>) =>
  createQueryGuard((uid) => (uid === schema.uid ? schema : undefined))({ filters }, schema.uid);

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
    ['count', ['1', '-1', '0', '123456'], ['1.5', '{}', '', 'x', '1e9', '9'.repeat(20)]],
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

  it('anything may be tested for null', () => {
    for (const field of ['title', 'open', 'count', 'at'])
      expect(() => check({ [field]: { $null: 'true' } })).not.toThrow();
  });
});

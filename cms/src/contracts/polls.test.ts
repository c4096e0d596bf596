import { describe, expect, it } from 'vitest';
import { isPollOpen, percentages, pollPhase, resultsVisible } from './polls';

const at = (iso: string) => new Date(iso);
const poll = { opensAt: '2026-11-01T00:00:00.000Z', closesAt: '2026-12-01T00:00:00.000Z' };

describe('the poll rules the CMS enforces and the site shows', () => {
  it('opens at opensAt and closes at closesAt, both inclusive of the instant', () => {
    expect(pollPhase(poll, at('2026-10-31T23:59:59.999Z'))).toBe('upcoming');
    expect(pollPhase(poll, at('2026-11-01T00:00:00.000Z'))).toBe('open');
    expect(pollPhase(poll, at('2026-11-30T23:59:59.999Z'))).toBe('open');
    expect(pollPhase(poll, at('2026-12-01T00:00:00.000Z'))).toBe('closed');
    expect(isPollOpen({ opensAt: null, closesAt: null }, at('2000-01-01T00:00:00Z'))).toBe(true);
    expect(isPollOpen({}, at('2100-01-01T00:00:00Z'))).toBe(true);
  });

  it('shows results before the close only when the editor allows it (the default)', () => {
    const before = at('2026-11-15T00:00:00Z');
    const after = at('2026-12-02T00:00:00Z');
    expect(resultsVisible({ ...poll, showResultsBeforeClose: false }, before)).toBe(false);
    expect(resultsVisible({ ...poll, showResultsBeforeClose: false }, after)).toBe(true);
    expect(resultsVisible({ ...poll, showResultsBeforeClose: null }, before)).toBe(true);
    expect(resultsVisible({ ...poll, showResultsBeforeClose: true }, before)).toBe(true);
  });

  it('gives each option its share with one decimal, 0 when nobody voted', () => {
    expect(percentages([1, 2])).toEqual([33.3, 66.7]);
    expect(percentages([0, 0, 0])).toEqual([0, 0, 0]);
    expect(percentages([5])).toEqual([100]);
    expect(percentages([])).toEqual([]);
  });
});

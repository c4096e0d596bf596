import { describe, expect, it } from 'vitest';
import { WEEKDAYS } from '@newsroom/contracts/dates';
import { formatDate, formatDateTime } from './formatDate';

describe('dates print as Vietnamese newspapers print them, in Vietnam time', () => {
  it('the seed article: Thứ ba, 16/08/2022 09:30 (a weekday is a common noun: "ba", not CLDR\'s "Ba")', () => {
    expect(formatDateTime('2022-08-16T02:30:00.000Z')).toBe('Thứ ba, 16/08/2022 09:30');
  });

  it('uses Asia/Ho_Chi_Minh whatever the machine time zone: 23:30 UTC is the next morning', () => {
    expect(formatDateTime('2024-02-10T23:30:00Z')).toBe('Chủ nhật, 11/02/2024 06:30');
    expect(formatDate('2024-02-10T23:30:00Z')).toBe('11/02/2024');
  });

  it('midnight prints as 00:00, not 24:00', () => {
    expect(formatDateTime('2023-12-31T17:00:00Z')).toBe('Thứ hai, 01/01/2024 00:00');
  });

  it("names every day of a week, Sunday to Saturday, the newspapers' way", () => {
    // 2024-03-03 was a Sunday; noon in Vietnam.
    const week = Array.from(
      { length: 7 },
      (_, i) => formatDateTime(new Date(Date.UTC(2024, 2, 3 + i, 5))).split(',')[0]
    );
    expect(week).toEqual([...WEEKDAYS]);
    expect(week).toEqual(['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy']);
  });

  it('refuses what is not a date, naming it', () => {
    expect(() => formatDate('ngày mai')).toThrow(/Not a date: "ngày mai"/);
  });
});

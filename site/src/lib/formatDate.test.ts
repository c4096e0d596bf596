import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime } from './formatDate';

describe('dates print as Vietnamese news sites print them, in Vietnam time', () => {
  it('the seed article: Thứ Ba, 16/08/2022 09:30', () => {
    expect(formatDateTime('2022-08-16T02:30:00.000Z')).toBe('Thứ Ba, 16/08/2022 09:30');
  });

  it('uses Asia/Ho_Chi_Minh whatever the machine time zone: 23:30 UTC is the next morning', () => {
    expect(formatDateTime('2024-02-10T23:30:00Z')).toBe('Chủ Nhật, 11/02/2024 06:30');
    expect(formatDate('2024-02-10T23:30:00Z')).toBe('11/02/2024');
  });

  it('midnight prints as 00:00, not 24:00', () => {
    expect(formatDateTime('2023-12-31T17:00:00Z')).toBe('Thứ Hai, 01/01/2024 00:00');
  });
});

import { describe, expect, it } from 'vitest';
import { dateParts, wallClock } from './dates';

/** What `Intl` prints for the instant: the reference the fast path must match. */
const reference = (ms: number, timeZone: string) => wallClock(new Date(ms), timeZone);

describe('dateParts', () => {
  // Vietnam (UTC+7 since 1975; +8 before), and zones whose offset moves twice a year, at
  // different hours, by half hours (Adelaide), south of the equator (Santiago).
  const zones = [
    'Asia/Ho_Chi_Minh',
    'Europe/Berlin',
    'America/New_York',
    'Australia/Adelaide',
    'America/Santiago',
    'UTC',
  ];

  it('reads the same wall clock as Intl at 20,000 instants from 1970 to 2040, DST switches included', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const from = Date.UTC(1970, 0, 1);
    const to = Date.UTC(2040, 0, 1);
    for (const timeZone of zones) {
      for (let i = 0; i < 20_000 / zones.length; i++) {
        const ms = Math.floor(from + random() * (to - from));
        expect(dateParts(ms, timeZone), `${new Date(ms).toISOString()} in ${timeZone}`).toEqual(
          reference(ms, timeZone)
        );
      }
    }
  });

  it('reads the same wall clock as Intl on every minute around a daylight-saving switch', () => {
    // Berlin: 2024-03-31 02:00 → 03:00 (01:00 UTC); New York: 2024-11-03 02:00 → 01:00 (06:00 UTC).
    for (const [timeZone, at] of [
      ['Europe/Berlin', Date.UTC(2024, 2, 31, 1)],
      ['America/New_York', Date.UTC(2024, 10, 3, 6)],
    ] as const) {
      for (let ms = at - 3 * 3_600_000; ms <= at + 3 * 3_600_000; ms += 60_000) {
        expect(dateParts(ms, timeZone), `${new Date(ms).toISOString()} in ${timeZone}`).toEqual(
          reference(ms, timeZone)
        );
      }
    }
  });

  it('keeps the milliseconds out of the seconds, before 1970 too', () => {
    expect(dateParts('2022-08-16T02:30:59.999Z')).toMatchObject({ hour: '09', minute: '30', second: '59' });
    expect(dateParts(Date.UTC(1969, 11, 31, 23, 59, 59, 500), 'UTC')).toEqual(
      reference(Date.UTC(1969, 11, 31, 23, 59, 59, 500), 'UTC')
    );
  });
});

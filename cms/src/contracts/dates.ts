/**
 * Dates as Vietnamese newspapers print them, in Vietnam's time, for the site and the admin alike.
 *
 * CLDR's Vietnamese (what `Intl` gives for `vi`) capitalises every word of a weekday: "Thứ Ba",
 * "Chủ Nhật". The major papers (VnExpress, Dân trí, Tuổi Trẻ's bylines among them) print a
 * weekday as a common noun, capitalised only at the start: "Thứ ba", "Chủ nhật", as Vietnamese
 * spelling rules have it. Day, month, hour and minute keep two digits (16/08/2022 09:30), so
 * bylines and lists line up.
 */

export const VIETNAM_TIME_ZONE = 'Asia/Ho_Chi_Minh';

/** Sunday first, as `Date#getDay` counts. */
export const WEEKDAYS = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'] as const;

const ENGLISH_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

export interface DateParts {
  weekday: (typeof WEEKDAYS)[number];
  day: string;
  month: string;
  year: string;
  hour: string;
  minute: string;
  second: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string) {
  let f = formatters.get(timeZone);
  if (!f) {
    // en-US only for the machine-readable weekday; the digits are the same in every locale used here.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's wall clock at `date`, as `Intl` reads it (what dateParts computes faster; its tests' reference). */
export function wallClock(date: Date, timeZone: string): DateParts {
  const raw = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(date)
      .map((p) => [p.type, p.value])
  );
  return {
    weekday: WEEKDAYS[ENGLISH_WEEKDAYS.indexOf(raw.weekday)],
    day: raw.day,
    month: raw.month,
    year: raw.year,
    hour: raw.hour,
    minute: raw.minute,
    second: raw.second,
  };
}

const DAY_MS = 86_400_000;

/** The zone's offset from UTC (ms) at `ms`: its wall clock read as if it were UTC, less the instant. */
function offsetAt(ms: number, timeZone: string) {
  const p = wallClock(new Date(ms), timeZone);
  return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The zone's offset through one UTC day, or null when it changes within it (a daylight-saving
 * switch): the same at the day's first and last second means the same all day (no zone switches
 * twice in a day). formatToParts takes tens of microseconds, and a 10,000-article build prints
 * some 10,000 different instants on each of its two parts: this asks it twice a day of them.
 */
const offsets = new Map<string, number | null>();
function dayOffset(ms: number, timeZone: string) {
  const day = Math.floor(ms / DAY_MS);
  const key = `${timeZone} ${day}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const first = offsetAt(day * DAY_MS, timeZone);
    offset = first === offsetAt((day + 1) * DAY_MS - 1000, timeZone) ? first : null;
    if (offsets.size > 50_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const two = (n: number) => String(n).padStart(2, '0');

export function dateParts(value: string | Date | number, timeZone = VIETNAM_TIME_ZONE): DateParts {
  const date = new Date(value);
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError(`Not a date: ${JSON.stringify(value)}`);
  const offset = dayOffset(ms, timeZone);
  if (offset === null) return wallClock(date, timeZone);
  const wall = new Date(ms + offset);
  return {
    weekday: WEEKDAYS[wall.getUTCDay()],
    day: two(wall.getUTCDate()),
    month: two(wall.getUTCMonth() + 1),
    year: String(wall.getUTCFullYear()),
    hour: two(wall.getUTCHours()),
    minute: two(wall.getUTCMinutes()),
    second: two(wall.getUTCSeconds()),
  };
}

/** "Thứ ba, 16/08/2022 09:30" (with `seconds`: "09:30:05"). */
export function newspaperDateTime(
  value: string | Date | number,
  options: { seconds?: boolean; timeZone?: string } = {}
) {
  const p = dateParts(value, options.timeZone);
  const time = options.seconds ? `${p.hour}:${p.minute}:${p.second}` : `${p.hour}:${p.minute}`;
  return `${p.weekday}, ${p.day}/${p.month}/${p.year} ${time}`;
}

/** "16/08/2022". */
export function newspaperDate(value: string | Date | number, timeZone?: string) {
  const p = dateParts(value, timeZone);
  return `${p.day}/${p.month}/${p.year}`;
}

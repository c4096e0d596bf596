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

/** formatToParts is slow, and a build prints each article's date on many pages: remembered per value. */
const seen = new Map<string, DateParts>();

export function dateParts(value: string | Date | number, timeZone = VIETNAM_TIME_ZONE): DateParts {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new RangeError(`Not a date: ${JSON.stringify(value)}`);
  const key = `${timeZone} ${date.getTime()}`;
  let parts = seen.get(key);
  if (!parts) {
    const raw = Object.fromEntries(
      formatter(timeZone)
        .formatToParts(date)
        .map((p) => [p.type, p.value])
    );
    parts = {
      weekday: WEEKDAYS[ENGLISH_WEEKDAYS.indexOf(raw.weekday)],
      day: raw.day,
      month: raw.month,
      year: raw.year,
      hour: raw.hour,
      minute: raw.minute,
      second: raw.second,
    };
    if (seen.size > 50_000) seen.clear();
    seen.set(key, parts);
  }
  return parts;
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

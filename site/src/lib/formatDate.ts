import { SITE } from './config';

const formatter = new Intl.DateTimeFormat(SITE.locale, {
  timeZone: SITE.timeZone,
  weekday: 'long',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

type Parts = Record<'weekday' | 'day' | 'month' | 'year' | 'hour' | 'minute', string>;

/** formatToParts is slow, and a build prints each article's date on many pages: remembered per value. */
const seen = new Map<string, Parts>();

function pick(value: string | Date): Parts {
  const key = typeof value === 'string' ? value : value.toISOString();
  let parts = seen.get(key);
  if (!parts) {
    parts = Object.fromEntries(formatter.formatToParts(new Date(value)).map((p) => [p.type, p.value])) as Parts;
    seen.set(key, parts);
  }
  return parts;
}

/** "Thứ Ba, 16/08/2022 09:30" — as Vietnamese news sites print it, in Vietnam's time zone. */
export function formatDateTime(value: string | Date): string {
  const p = pick(value);
  return `${p.weekday}, ${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "16/08/2022" in Vietnam's time zone. */
export function formatDate(value: string | Date): string {
  const p = pick(value);
  return `${p.day}/${p.month}/${p.year}`;
}

import { SITE } from './config';

const parts = new Intl.DateTimeFormat(SITE.locale, {
  timeZone: SITE.timeZone,
  weekday: 'long',
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function pick(date: Date) {
  const map = Object.fromEntries(parts.formatToParts(date).map((p) => [p.type, p.value]));
  return map as Record<'weekday' | 'day' | 'month' | 'year' | 'hour' | 'minute', string>;
}

/** "Thứ Ba, 16/08/2022 09:30" — as Vietnamese news sites print it, in Vietnam's time zone. */
export function formatDateTime(value: string | Date): string {
  const p = pick(new Date(value));
  return `${p.weekday}, ${p.day}/${p.month}/${p.year} ${p.hour}:${p.minute}`;
}

/** "16/08/2022" in Vietnam's time zone. */
export function formatDate(value: string | Date): string {
  const p = pick(new Date(value));
  return `${p.day}/${p.month}/${p.year}`;
}

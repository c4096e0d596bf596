import { newspaperDate, newspaperDateTime } from '@newsroom/contracts/dates';
import { SITE } from './config';

/** "Thứ ba, 16/08/2022 09:30": as Vietnamese newspapers print it, in the site's (Vietnam's) time. */
export function formatDateTime(value: string | Date): string {
  return newspaperDateTime(value, { timeZone: SITE.timeZone });
}

/** "16/08/2022" in the site's (Vietnam's) time. */
export function formatDate(value: string | Date): string {
  return newspaperDate(value, SITE.timeZone);
}

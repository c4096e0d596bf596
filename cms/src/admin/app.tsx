import type { StrapiApp } from '@strapi/strapi/admin';
import { PublishingPanel } from './components/PublishingPanel';
import { vi } from './translations';
import { NewspaperDate } from './components/NewspaperDate';

/** A column of the content manager's list, as its `inject-column-in-table` hook hands it over. */
interface ListHeader {
  name: string;
  attribute?: { type?: string; customField?: string };
  cellFormatter?: unknown;
}

/** Strapi keeps the admin's language (and its guided tour) per browser, in localStorage. */
const LANGUAGE_KEY = 'strapi-admin-language';
const GUIDED_TOUR_KEY = 'STRAPI_GUIDED_TOUR';

export default {
  config: {
    locales: ['vi'],
    translations: { vi },
    // Strapi's own tutorials and "new version" notices are for developers, not the desk.
    tutorials: false,
    notifications: { releases: false },
  },
  register(app: StrapiApp) {
    // Vietnamese unless this browser chose otherwise (the profile page's language setting), from
    // the login page on: Strapi reads it before the first screen, defaulting to English.
    if (!window.localStorage.getItem(LANGUAGE_KEY)) window.localStorage.setItem(LANGUAGE_KEY, 'vi');
    // The guided tour teaches building content types: not a newsroom's job. Off unless a person
    // turns it back on (Strapi keeps that choice in the same place).
    if (!window.localStorage.getItem(GUIDED_TOUR_KEY)) {
      window.localStorage.setItem(
        GUIDED_TOUR_KEY,
        JSON.stringify({ enabled: false, hidden: false, completedActions: [] })
      );
    }

    // "Hẹn giờ xuất bản", "Hẹn giờ gỡ bài": entered and shown in Vietnam's time (see the server's
    // registration in src/index.ts).
    app.customFields.register({
      name: 'vietnam-datetime',
      type: 'datetime',
      intlLabel: { id: 'newsroom.vietnam-datetime.label', defaultMessage: 'Ngày giờ (giờ Việt Nam)' },
      intlDescription: {
        id: 'newsroom.vietnam-datetime.description',
        defaultMessage: 'Ngày và giờ theo giờ Việt Nam (GMT+7), dù trình duyệt ở múi giờ nào.',
      },
      components: {
        // Strapi hands every custom input the field's props (name, value, onChange, label…).
        Input: async () =>
          import('./components/VietnamDateTime').then((m) => ({
            default: m.VietnamDateTime as unknown as React.ComponentType,
          })),
      },
    });
  },
  bootstrap(app: StrapiApp) {
    // Dates in lists as the newsroom writes them, in Vietnam's time ("Thứ ba, 16/08/2022 09:30"),
    // not CLDR's "lúc 09:30 Thứ Ba, 16 tháng 8, 2022" in the browser's time zone.
    app.registerHook(
      'Admin/CM/pages/ListView/inject-column-in-table',
      ({ displayedHeaders, layout }: { displayedHeaders: ListHeader[]; layout: unknown }) => ({
        layout,
        displayedHeaders: displayedHeaders.map((header) =>
          header.attribute?.type === 'datetime' || header.attribute?.customField === 'global::vietnam-datetime'
            ? { ...header, cellFormatter: (row: Record<string, unknown>) => <NewspaperDate value={row[header.name]} /> }
            : header
        ),
      })
    );
    // The edit view's side column: where this story stands on the site (live, pending, failed).
    app.getPlugin('content-manager').injectComponent('editView', 'right-links', {
      name: 'newsroom-publishing',
      Component: PublishingPanel,
    });
  },
};

import type { StrapiApp } from '@strapi/strapi/admin';
import { PublishingPanel } from './components/PublishingPanel';

export default {
  config: {},
  register(app: StrapiApp) {
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
    // The edit view's side column: where this story stands on the site (live, pending, failed).
    app.getPlugin('content-manager').injectComponent('editView', 'right-links', {
      name: 'newsroom-publishing',
      Component: PublishingPanel,
    });
  },
};

import type { StrapiApp } from '@strapi/strapi/admin';
import { PublishingPanel } from './components/PublishingPanel';

export default {
  config: {},
  bootstrap(app: StrapiApp) {
    // The edit view's side column: where this story stands on the site (live, pending, failed).
    app.getPlugin('content-manager').injectComponent('editView', 'right-links', {
      name: 'newsroom-publishing',
      Component: PublishingPanel,
    });
  },
};

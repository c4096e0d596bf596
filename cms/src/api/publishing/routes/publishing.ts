/**
 * The publisher's reconciliation reads what is published here. Authenticated: an API token (the
 * site builder's read-only token passes, the action being a `find`); the public role has no
 * permission for it (bootstrap/permissions.ts), so anonymous callers get 403.
 */
export default {
  routes: [
    {
      method: 'GET',
      path: '/publishing/state',
      handler: 'api::publishing.publishing.find',
      config: { policies: [] },
    },
  ],
};

/** Public poll routes: readers vote and read results without an account. */
export default {
  routes: [
    {
      method: 'POST',
      path: '/polls/:documentId/votes',
      handler: 'api::poll.voting.vote',
      config: { auth: false, middlewares: ['api::poll.rate-limit'] },
    },
    {
      method: 'GET',
      path: '/polls/:documentId/results',
      handler: 'api::poll.voting.results',
      config: { auth: false },
    },
  ],
};

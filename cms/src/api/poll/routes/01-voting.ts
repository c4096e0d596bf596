/**
 * Public poll routes: readers read results without an account. Votes (POST
 * /api/polls/:documentId/votes) are answered by the global::poll-votes middleware, ahead of the
 * router: see src/middlewares/poll-votes.ts.
 */
export default {
  routes: [
    {
      method: 'GET',
      path: '/polls/:documentId/results',
      handler: 'api::poll.voting.results',
      config: { auth: false },
    },
  ],
};

import { randomUUID } from 'node:crypto';
import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { VoteOutcome } from '../services/voting';
import { resultsVisible } from '../../../contracts/polls';
import { siteOrigins } from '../../../utils/site-origins';
import { clientAddress, trustedProxies } from '../../../utils/client-address';

const COOKIE = 'nr_voter';
const ONE_YEAR = 365 * 24 * 3600 * 1000;

interface Ctx {
  params: { documentId: string };
  request: { body?: unknown; header: Record<string, string | undefined> };
  is(type: string): string | false | null;
  redirect(url: string): void;
  ip: string;
  req: import('node:http').IncomingMessage;
  secure: boolean;
  status: number;
  body: unknown;
  cookies: {
    get(name: string, opts: { signed: boolean }): string | undefined;
    set(name: string, value: string, opts: Record<string, unknown>): void;
  };
}

const conflict = (ctx: Ctx, name: string, message: string, details: Record<string, unknown>) => {
  ctx.status = 409;
  ctx.body = { data: null, error: { status: 409, name, message, details } };
};

/** The body must be exactly `{ "option": <integer> }`. */
function parseOption(body: unknown): number {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new errors.ValidationError('The body must be a JSON object: { "option": <option id> }.');
  }
  const keys = Object.keys(body);
  if (keys.length !== 1 || keys[0] !== 'option') {
    throw new errors.ValidationError(
      `The body must hold only "option", got: ${keys.slice(0, 5).join(', ') || 'nothing'}.`
    );
  }
  const option = (body as { option: unknown }).option;
  if (typeof option !== 'number' || !Number.isSafeInteger(option) || option <= 0) {
    throw new errors.ValidationError('"option" must be the id (a positive integer) of one of the poll\'s options.');
  }
  return option;
}

/** What a no-JavaScript form post lands on: the article, with the outcome as a fragment the page styles. */
const FRAGMENT: Record<VoteOutcome['kind'], string> = {
  counted: 'da-ghi-nhan',
  duplicate: 'da-binh-chon',
  closed: 'da-ket-thuc',
  'not-open': 'chua-mo',
  'not-found': 'loi',
  'unknown-option': 'loi',
};

/** The page a form post returns to must be on the site itself (no open redirect). */
function safeReturn(value: unknown): string {
  const origins = siteOrigins();
  try {
    const url = new URL(String(value));
    if (origins.includes(url.origin)) return `${url.origin}${url.pathname}`;
  } catch {
    // not a URL
  }
  throw new errors.ValidationError(`"return" must be a page of the site (${origins.join(', ')}).`);
}

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const trusted = trustedProxies();
  const voting = () =>
    strapi.service('api::poll.voting') as unknown as ReturnType<typeof import('../services/voting').default>;

  return {
    async vote(ctx: Ctx) {
      // A plain HTML form (no JavaScript) posts `option` and `return`, and is sent back to the page.
      const form = ctx.is('application/x-www-form-urlencoded') ? (ctx.request.body as Record<string, string>) : null;
      const returnTo = form ? safeReturn(form.return) : null;
      const option = parseOption(
        form ? { option: /^\d{1,12}$/.test(form.option ?? '') ? Number(form.option) : form.option } : ctx.request.body
      );
      let voterId = ctx.cookies.get(COOKIE, { signed: true });
      if (!voterId) {
        voterId = randomUUID();
        ctx.cookies.set(COOKIE, voterId, {
          signed: true,
          httpOnly: true,
          sameSite: 'lax',
          secure: ctx.secure,
          maxAge: ONE_YEAR,
          overwrite: true,
        });
      }
      const clientHash = voting().clientHash(
        clientAddress(ctx.req.socket.remoteAddress, ctx.request.header['x-forwarded-for'], trusted),
        voterId
      );
      const outcome: VoteOutcome = await voting().vote(ctx.params.documentId, option, { voterId, clientHash });
      if (returnTo) {
        ctx.status = 303;
        return ctx.redirect(`${returnTo}#binh-chon-${FRAGMENT[outcome.kind]}`);
      }
      switch (outcome.kind) {
        case 'not-found':
          throw new errors.NotFoundError(`No poll ${ctx.params.documentId}.`);
        case 'unknown-option':
          throw new errors.ValidationError(`Option ${option} is not an option of this poll.`);
        case 'not-open':
          return conflict(ctx, 'PollNotOpen', 'This poll is not open yet.', { opensAt: outcome.opensAt });
        case 'closed':
          return conflict(ctx, 'PollClosed', 'This poll is closed.', { closedAt: outcome.closedAt });
        case 'duplicate':
          return conflict(ctx, 'AlreadyVoted', 'You have already voted in this poll.', { option: outcome.option });
        case 'counted': {
          const poll = await voting().pollSettings(ctx.params.documentId);
          ctx.status = 201;
          ctx.body = { data: { option: outcome.option, results: resultsVisible(poll!) ? outcome.results : null } };
        }
      }
    },

    async results(ctx: Ctx) {
      const poll = await voting().findPoll(ctx.params.documentId);
      if (!poll) throw new errors.NotFoundError(`No poll ${ctx.params.documentId}.`);
      if (!resultsVisible(poll)) {
        throw new errors.PolicyError('Results are hidden until the poll closes.', { closesAt: poll.closesAt });
      }
      ctx.body = { data: voting().results(poll) };
    },
  };
};

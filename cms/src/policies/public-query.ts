import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import { isEmbargoed } from '../utils/visibility';

/**
 * The only queries the public Content API answers. Stock Strapi 5 applies `status` to the type
 * asked for, but not to the relations a filter walks through: `/api/tags?filters[articles][title]
 * [$contains]=…` tells whether a *draft* article has that text, and reads embargoed stories a
 * character at a time. It also lets a client populate any depth (megabytes per request).
 *
 * So, for every caller but a full-access API token (a trusted preview or import tool):
 * - `status` is `published` or absent; nothing else selects versions (`publicationFilter`,
 *   `hasPublishedVersion`, `locale`, … are refused).
 * - `populate` is the server's (each API's populate middleware): a client's is refused.
 * - `filters` name fields of the type, of its components, and of the types its relations lead to
 *   (at most MAX_DEPTH relations deep), with the operators below; never a private field, never
 *   a field that is hidden (poll counts), never a body (a scan of every story: the site has
 *   search), and never through a relation into a type with drafts (articles): those rows include
 *   unpublished versions.
 * - `sort` and `fields` name the type's own fields; `pagination` takes integers (≤ 100 per page,
 *   config/api.ts) and reads within the first MAX_WINDOW rows of a listing: the database answers
 *   `pagination[page]=N` by walking every row before the page (0.2–0.4 s of the CMS's one thread at
 *   100,000 stories), so deep pages would let anyone keep the CMS busy. Past the window a client
 *   reads on by id (`sort=id:asc&filters[id][$gt]=<the last id read>`, a primary-key seek), as the
 *   site's own build does. A route may name the only fields clients use there (`RouteConfig.fields`).
 * - Values are ones the database can compare with the field (an `integer` within 32 bits), and no
 *   name or value anywhere holds U+0000: PostgreSQL would fail the query with a 500.
 * A refusal is a 400 naming the parameter, so a developer sees at once what to change.
 *
 * A policy rather than a middleware: Strapi hides the message of any other error raised after
 * authorisation, and a policy's error keeps its explanation for the caller.
 */

interface PolicyContext {
  request: { query: Record<string, unknown> };
  state: { auth?: { strategy?: { name?: string }; credentials?: { type?: string } | null } };
}

/** Strategy names Strapi has used for API tokens (`content-api-token` since 5.x admin tokens). */
const TOKEN_STRATEGIES = new Set(['api-token', 'content-api-token']);

const TOP_LEVEL = new Set(['filters', 'sort', 'pagination', 'fields', 'status']);
const PAGINATION = new Set(['page', 'pageSize', 'start', 'limit', 'withCount']);
const LOGICAL = new Set(['$and', '$or']);
/** Operators that compare text: on any other type PostgreSQL has no such comparison. */
const TEXT_OPERATORS = new Set([
  '$eqi',
  '$nei',
  '$contains',
  '$notContains',
  '$containsi',
  '$notContainsi',
  '$startsWith',
  '$startsWithi',
  '$endsWith',
  '$endsWithi',
]);
const OPERATORS = new Set([
  '$eq',
  '$ne',
  '$lt',
  '$lte',
  '$gt',
  '$gte',
  '$in',
  '$notIn',
  '$null',
  '$notNull',
  '$between',
  ...TEXT_OPERATORS,
]);
/**
 * Rows a listing may be read into, as `start + limit` or `page × pageSize`: Elasticsearch's
 * `max_result_window` for the same reason (a deep offset costs a walk over every row before it).
 */
export const MAX_WINDOW = 10_000;
/** Relations deep a filter may go (`filters[category][name]` is one). */
export const MAX_DEPTH = 2;
const MAX_NODES = 200;
/** Fields every type has, with their types. */
const SYSTEM_TYPES: Record<string, string> = {
  id: 'integer',
  documentId: 'string',
  createdAt: 'datetime',
  updatedAt: 'datetime',
  publishedAt: 'datetime',
};
const SYSTEM_FIELDS = new Set(Object.keys(SYSTEM_TYPES));
/** Fields never filtered or sorted on: a poll's counts are hidden until it closes when its editor says so. */
const HIDDEN: Record<string, ReadonlySet<string>> = { 'poll.option': new Set(['votes']) };
const SCALAR = new Set([
  'string',
  'text',
  'richtext',
  'blocks',
  'email',
  'uid',
  'enumeration',
  'integer',
  'biginteger',
  'float',
  'decimal',
  'boolean',
  'date',
  'time',
  'datetime',
  'timestamp',
]);
/** Files: what a page shows of them (with their types). Their other relations (folder, related entries) are not walked. */
const FILE_FIELDS: Record<string, string> = {
  name: 'string',
  alternativeText: 'string',
  caption: 'string',
  width: 'integer',
  height: 'integer',
  url: 'string',
  mime: 'string',
  ext: 'string',
  size: 'decimal',
};
const TEXT_TYPES = new Set(['string', 'text', 'richtext', 'blocks', 'email', 'uid', 'enumeration']);
/** An `integer` column holds 32 bits on PostgreSQL: a value past them fails the query (22003), not the filter. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/;
/** Whether `value` is one the database can compare with a field of `type` (else PostgreSQL fails the query). */
function fits(type: string, value: string | number | boolean): boolean {
  const text = String(value);
  switch (type) {
    case 'boolean':
      return ['true', 'false', '1', '0'].includes(text);
    case 'integer':
      return /^-?\d{1,10}$/.test(text) && Number(text) >= INT32.min && Number(text) <= INT32.max;
    case 'biginteger':
      return /^-?\d{1,15}$/.test(text);
    case 'float':
    case 'decimal':
      return /^-?\d{1,15}(\.\d{1,15})?$/.test(text);
    case 'date':
    case 'datetime':
    case 'timestamp':
      return ISO_DATE.test(text) && !Number.isNaN(Date.parse(text));
    case 'time':
      return /^\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text);
    default:
      return true;
  }
}
/** What `fits` takes for `type`, as a refusal says it. */
const expected = (type: string) =>
  type === 'integer'
    ? `an integer from ${INT32.min} to ${INT32.max}`
    : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type} value`;
const FILE = 'plugin::upload.file';

interface Attribute {
  type: string;
  private?: boolean;
  target?: string;
  component?: string;
  relation?: string;
}
interface Schema {
  uid: string;
  attributes: Record<string, Attribute>;
  options?: { draftAndPublish?: boolean };
}

const refuse = (parameter: string, problem: string): never => {
  throw new errors.ValidationError(`${parameter}: ${problem}`, { parameter });
};

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** qs turns long arrays into objects with numeric keys: both are lists here. */
const asList = (v: unknown): unknown[] | null =>
  Array.isArray(v) ? v : isPlainObject(v) && Object.keys(v).every((k) => /^\d+$/.test(k)) ? Object.values(v) : null;

const isPrimitive = (v: unknown) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * Refuses U+0000 in any name or value of the query, wherever it stands: no text column holds it
 * (PostgreSQL fails the query with 22021), so it can match nothing and is never what a client meant.
 */
function refuseNul(value: unknown, path: string) {
  if (typeof value === 'string') {
    if (value.includes('\0')) refuse(path, 'U+0000 (a NUL character) is not allowed in a value');
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [key, v] of Object.entries(value)) {
    if (key.includes('\0')) refuse(path, 'U+0000 (a NUL character) is not allowed in a parameter name');
    refuseNul(v, `${path}[${key}]`);
  }
}

/** The REST limits of config/api.ts, as Strapi applies them to `pagination`. */
interface Limits {
  defaultLimit: number;
  maxLimit: number;
}

/**
 * Refuses a `pagination` that reads past the first MAX_WINDOW rows, computing the rows read as
 * Strapi does (`withDefaultPagination` in @strapi/utils: a page size of at least 1, at most
 * `maxLimit`, `defaultLimit` when absent).
 */
function withinWindow(pagination: Record<string, unknown>, { defaultLimit, maxLimit }: Limits) {
  const n = (name: string) => (pagination[name] === undefined ? undefined : Number(pagination[name]));
  const size = (v: number | undefined) => Math.min(Math.max(v ?? defaultLimit, 1), maxLimit);
  const [parameter, end] =
    n('page') !== undefined || n('pageSize') !== undefined
      ? ['pagination[page]', Math.max(n('page') ?? 1, 1) * size(n('pageSize'))]
      : ['pagination[start]', (n('start') ?? 0) + size(n('limit'))];
  if (end > MAX_WINDOW)
    refuse(
      parameter,
      `a listing is read at most ${MAX_WINDOW.toLocaleString('en')} entries deep; read further by id: ` +
        'sort=id:asc&filters[id][$gt]=<the last id read>'
    );
}

export function createQueryGuard(
  getSchema: (uid: string) => Schema | undefined,
  limits: Limits = { defaultLimit: 25, maxLimit: 100 }
) {
  let nodes = 0;
  /** The type the route serves, and the only fields of it a client may name there (all, when unset). */
  let root = '';
  let named: ReadonlySet<string> | undefined;

  /** Refuses a field of the route's type that the route does not let clients name (see `RouteConfig.fields`). */
  function mayName(schema: Schema, name: string, parameter: string) {
    if (!named || schema.uid !== root || named.has(name)) return;
    refuse(parameter, `only ${[...named].join(', ')} can be used here`);
  }

  /** Values compared with a field of `type`: each must be one the database can compare. */
  function values(type: string, path: string, ...items: unknown[]) {
    for (const v of items) {
      if (!isPrimitive(v)) refuse(path, 'a single value is expected');
      if (!fits(type, v as string))
        refuse(path, `${expected(type)} is expected, not ${JSON.stringify(v).slice(0, 40)}`);
    }
  }

  function operand(value: unknown, path: string, type: string) {
    if (++nodes > MAX_NODES) refuse('filters', `more than ${MAX_NODES} conditions`);
    if (isPrimitive(value)) return values(type, path, value);
    const list = asList(value);
    if (list) {
      if (!list.every(isPrimitive)) refuse(path, 'a list of plain values is expected');
      return values(type, path, ...list);
    }
    if (!isPlainObject(value)) refuse(path, 'a value or an operator is expected');
    for (const [op, v] of Object.entries(value as Record<string, unknown>)) {
      const at = `${path}[${op}]`;
      if (op === '$not') operand(v, at, type);
      else if (LOGICAL.has(op)) {
        const items = asList(v);
        if (!items) refuse(at, 'a list is expected');
        items!.forEach((item, i) => operand(item, `${at}[${i}]`, type));
      } else if (!OPERATORS.has(op)) refuse(at, `unknown operator (use one of ${[...OPERATORS].join(', ')})`);
      else if (TEXT_OPERATORS.has(op) && !TEXT_TYPES.has(type))
        refuse(at, `${op} compares text; this field is a ${type}`);
      else if (op === '$between') {
        const pair = asList(v);
        if (!pair || pair.length !== 2 || !pair.every(isPrimitive)) refuse(at, 'two values are expected');
        values(type, at, ...pair!);
      } else if (op === '$in' || op === '$notIn') {
        if (!isPrimitive(v) && !asList(v)?.every(isPrimitive)) refuse(at, 'a value or a list of values is expected');
        values(type, at, ...(isPrimitive(v) ? [v] : asList(v)!));
      } else if (op === '$null' || op === '$notNull') {
        if (!['true', 'false', true, false].includes(v as string | boolean)) refuse(at, 'true or false is expected');
      } else values(type, at, v);
    }
  }

  function filters(value: unknown, schema: Schema, path: string, depth: number) {
    if (++nodes > MAX_NODES) refuse('filters', `more than ${MAX_NODES} conditions`);
    if (!isPlainObject(value)) refuse(path, 'conditions on fields are expected');
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      const at = `${path}[${key}]`;
      if (LOGICAL.has(key)) {
        const items = asList(v);
        if (!items) refuse(at, 'a list of conditions is expected');
        items!.forEach((item, i) => filters(item, schema, `${at}[${i}]`, depth));
        continue;
      }
      if (key === '$not') {
        filters(v, schema, at, depth);
        continue;
      }
      field(key, v, schema, at, depth);
    }
  }

  function field(key: string, value: unknown, schema: Schema, at: string, depth: number) {
    mayName(schema, key, at);
    if (schema.uid === FILE) {
      const type = FILE_FIELDS[key] ?? SYSTEM_TYPES[key];
      if (!type) refuse(at, 'not a field that can be filtered on');
      return operand(value, at, type);
    }
    if (SYSTEM_FIELDS.has(key)) return operand(value, at, SYSTEM_TYPES[key]);
    const attribute = schema.attributes[key];
    if (!attribute) return refuse(at, `${schema.uid} has no field "${key}"`);
    if (attribute.private || HIDDEN[schema.uid]?.has(key)) return refuse(at, 'not a field that can be filtered on');
    // A story's body is searched on the site (Pagefind), not by scanning every body in the database.
    if (attribute.type === 'richtext' || attribute.type === 'blocks')
      return refuse(at, 'the body cannot be filtered on: search the site instead');
    if (SCALAR.has(attribute.type)) return operand(value, at, attribute.type);
    if (attribute.type === 'component') {
      const component = getSchema(attribute.component!);
      if (!component) return refuse(at, 'unknown component');
      return filters(value, component, at, depth);
    }
    if (attribute.type === 'media' || attribute.type === 'relation') {
      const target = attribute.type === 'media' ? FILE : attribute.target;
      const related = target && getSchema(target);
      if (!related || (target !== FILE && !target!.startsWith('api::')))
        return refuse(at, 'not a relation that can be filtered on');
      if (related.options?.draftAndPublish)
        return refuse(at, `${target} has unpublished versions: it cannot be filtered through a relation`);
      if (depth >= MAX_DEPTH) return refuse(at, `filters go at most ${MAX_DEPTH} relations deep`);
      return filters(value, related, at, depth + 1);
    }
    return refuse(at, 'not a field that can be filtered on');
  }

  /** A field of the type itself that may be sorted on or selected. */
  function ownField(schema: Schema, name: string, parameter: string) {
    mayName(schema, name, parameter);
    if (SYSTEM_FIELDS.has(name)) return;
    const attribute = schema.attributes[name];
    if (!attribute || !SCALAR.has(attribute.type) || attribute.private)
      refuse(parameter, `"${name}" is not a field of ${schema.uid} that can be used here`);
  }

  function sort(value: unknown, schema: Schema) {
    const items = typeof value === 'string' ? value.split(',') : asList(value);
    if (!items) {
      if (!isPlainObject(value)) return refuse('sort', 'a field or a list of fields is expected');
      for (const [name, order] of Object.entries(value as Record<string, unknown>)) {
        ownField(schema, name, `sort[${name}]`);
        if (order !== 'asc' && order !== 'desc') refuse(`sort[${name}]`, 'asc or desc is expected');
      }
      return;
    }
    items.forEach((item, i) => {
      if (typeof item !== 'string') return sort(item, schema);
      const [name, order, ...rest] = item.trim().split(':');
      if (rest.length || (order !== undefined && !/^(asc|desc)$/i.test(order)))
        refuse(`sort[${i}]`, `"${item}" is not "field" or "field:asc|desc"`);
      ownField(schema, name, `sort[${i}]`);
    });
  }

  /** `fields`: the only fields of `uid` a client may filter, sort or select on (besides id and documentId). */
  return function check(query: Record<string, unknown>, uid: string, fields?: readonly string[]) {
    nodes = 0;
    root = uid;
    named = fields && new Set([...fields, 'id', 'documentId']);
    const schema = getSchema(uid);
    if (!schema) return;
    for (const [key, value] of Object.entries(query)) {
      if (key.includes('\0')) refuse('query', 'U+0000 (a NUL character) is not allowed in a parameter name');
      refuseNul(value, key);
    }
    for (const [key, value] of Object.entries(query)) {
      if (key === 'populate')
        refuse('populate', 'the server decides what each API returns with its entries; leave populate out');
      if (!TOP_LEVEL.has(key)) refuse(key, 'not a parameter of the public API');
      if (key === 'status' && value !== 'published')
        throw new errors.PolicyError(
          `status=${String(value)} is not available through the public API: only published content is served.`,
          { policy: 'public-query', parameter: 'status' }
        );
      if (key === 'filters') filters(value, schema, 'filters', 0);
      if (key === 'sort') sort(value, schema);
      if (key === 'fields') {
        const items = typeof value === 'string' ? value.split(',') : asList(value);
        if (!items?.every((f) => typeof f === 'string')) refuse('fields', 'a list of field names is expected');
        items!.forEach((f, i) => ownField(schema, (f as string).trim(), `fields[${i}]`));
      }
      if (key === 'pagination') {
        if (!isPlainObject(value)) refuse('pagination', 'pagination[page], pagination[pageSize], … are expected');
        for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
          if (!PAGINATION.has(name)) refuse(`pagination[${name}]`, 'not a pagination parameter');
          const ok =
            name === 'withCount'
              ? v === 'true' || v === 'false' || typeof v === 'boolean'
              : /^\d{1,9}$/.test(String(v));
          if (!ok || !isPrimitive(v)) refuse(`pagination[${name}]`, 'a whole number is expected');
        }
        withinWindow(value as Record<string, unknown>, limits);
      }
    }
  };
}

export const isFullAccessToken = (auth: PolicyContext['state']['auth']) =>
  TOKEN_STRATEGIES.has(auth?.strategy?.name ?? '') && auth?.credentials?.type === 'full-access';

interface RouteConfig {
  /** The type the route serves. */
  uid: string;
  /**
   * The only fields of it clients may filter, sort or select on, besides id and documentId, when
   * its others must not be probed though the response leaves them out (a redirect's editors' note).
   */
  fields?: string[];
}

/** On a route: `{ name: 'global::public-query', config: { uid } }` (see `publicRead`). */
export default (ctx: PolicyContext, config: RouteConfig, { strapi }: { strapi: Core.Strapi }) => {
  if (isFullAccessToken(ctx.state.auth)) return true;
  const check = createQueryGuard((uid) => strapi.getModel(uid as Parameters<Core.Strapi['getModel']>[0]) as never, {
    defaultLimit: strapi.config.get('api.rest.defaultLimit', 25),
    maxLimit: strapi.config.get('api.rest.maxLimit', 100),
  });
  check(ctx.request.query, config.uid, config.fields);
  return true;
};

/**
 * The route config of a public `find` and `findOne`: the query guard, the embargo for types
 * without drafts of their own (utils/visibility.ts), then the API's own middlewares.
 */
export const publicRead = (uid: string, middlewares: string[] = []) => ({
  policies: [{ name: 'global::public-query', config: { uid } }],
  middlewares: [...(isEmbargoed(uid) ? [{ name: 'global::embargo', config: { uid } }] : []), ...middlewares],
});

/**
 * The admin in Vietnamese, string by string: for every namespace of the screens editors use, each
 * key of Strapi's English has a Vietnamese message (Strapi's own `vi`, or the project's in
 * cms/src/admin/translations), with the same placeholders and tags, and none is English left as
 * it was. A Strapi upgrade that adds strings fails here until they are translated.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cms';

/** The project's Vietnamese, one file per namespace (cms/src/admin/translations/index.ts loads them all). */
const OURS_DIR = path.join(ROOT, 'cms', 'src', 'admin', 'translations', 'vi');
const ours = (namespace: string): Record<string, string> =>
  JSON.parse(fs.readFileSync(path.join(OURS_DIR, `${namespace}.json`), 'utf8'));

const require = createRequire(path.join(ROOT, 'cms', 'package.json'));

/** Where each namespace's messages ship in Strapi 5.54's packages. */
const STRAPI: Record<string, { pkg: string; dir: string }> = {
  admin: { pkg: '@strapi/admin', dir: 'dist/admin/admin/src/translations' },
  'content-manager': { pkg: '@strapi/content-manager', dir: 'dist/admin/translations' },
  'content-releases': { pkg: '@strapi/content-releases', dir: 'dist/admin/translations' },
  email: { pkg: '@strapi/email', dir: 'dist/admin/translations' },
  i18n: { pkg: '@strapi/i18n', dir: 'dist/admin/translations' },
  'review-workflows': { pkg: '@strapi/review-workflows', dir: 'dist/admin/translations' },
  upload: { pkg: '@strapi/upload', dir: 'dist/admin/translations' },
  'users-permissions': { pkg: '@strapi/plugin-users-permissions', dir: 'dist/admin/translations' },
};

function strapiMessages(namespace: string, locale: string): Record<string, string> {
  const { pkg, dir } = STRAPI[namespace];
  const root = path.dirname(require.resolve(`${pkg}/package.json`));
  const file = path.join(root, dir, `${locale}.json.js`);
  if (!fs.existsSync(file)) return {};
  const loaded = require(file) as { default?: Record<string, string> } & Record<string, string>;
  return loaded.default ?? loaded;
}

/** The placeholders and tags of a message, as a sorted list (null: the message does not parse). */
function argumentsOf(message: string): string | null {
  let elements: MessageFormatElement[];
  try {
    elements = parse(message);
  } catch {
    return null;
  }
  const names = new Set<string>();
  const walk = (list: MessageFormatElement[]) => {
    for (const element of list) {
      if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
      names.add(element.type === TYPE.tag ? `<${element.value}>` : element.value);
      if (element.type === TYPE.tag) walk(element.children);
      if (element.type === TYPE.plural || element.type === TYPE.select) {
        for (const option of Object.values(element.options)) walk(option.value);
      }
    }
  };
  walk(elements);
  return [...names].sort().join(' ');
}

/** Words that are the same in Vietnamese software (names, acronyms, loanwords). */
const SAME_IN_VIETNAMESE = new Set(
  'API ID URL JSON SSO Email email Logo Blog Strapi Cloud GraphQL Sentry webhook Webhook Markdown GitHub Discord Reddit Twitter CSV UID SVG Token DKIM OAuth Video X Y noopener nofollow noreferrer blank self parent top'.split(
    ' '
  )
);
const untranslated = (en: string, vi: string) =>
  en === vi &&
  en
    .replace(/\{[^}]*\}|<[^>]*>/g, ' ')
    .split(/[^\p{L}]+/u)
    .filter(Boolean)
    .some((word) => !SAME_IN_VIETNAMESE.has(word));

it('covers every namespace the project translates', () => {
  expect(fs.readdirSync(OURS_DIR).sort()).toEqual(
    Object.keys(STRAPI)
      .map((ns) => `${ns}.json`)
      .sort()
  );
  const index = fs.readFileSync(path.join(OURS_DIR, '..', 'index.ts'), 'utf8');
  for (const namespace of Object.keys(STRAPI)) expect(index).toContain(`./vi/${namespace}.json`);
});

it("names in vi-in-code.json only messages Strapi's en files lack (else they belong in vi/<namespace>.json)", () => {
  const inCode: Record<string, string> = JSON.parse(
    fs.readFileSync(path.join(OURS_DIR, '..', 'vi-in-code.json'), 'utf8')
  );
  const known = new Set(
    Object.keys(STRAPI).flatMap((namespace) =>
      Object.keys(strapiMessages(namespace, 'en')).map((key) => (namespace === 'admin' ? key : `${namespace}.${key}`))
    )
  );
  expect(Object.keys(inCode).filter((id) => known.has(id))).toEqual([]);
  for (const [id, message] of Object.entries(inCode)) expect(message, id).toMatch(/[À-ỹĐđ]/u);
});

describe.each(Object.keys(STRAPI))('the admin in Vietnamese: %s', (namespace) => {
  const en = strapiMessages(namespace, 'en');
  const strapiVi = strapiMessages(namespace, 'vi');
  const project = ours(namespace);
  const vi = { ...strapiVi, ...project };

  it("finds Strapi's English messages where the suite expects them", () => {
    expect(Object.keys(en).length).toBeGreaterThan(20);
  });

  it("has a Vietnamese message for every key of Strapi's English", () => {
    expect(Object.keys(en).filter((key) => !(key in vi))).toEqual([]);
  });

  it('keeps no key Strapi no longer has', () => {
    expect(Object.keys(project).filter((key) => !(key in en))).toEqual([]);
  });

  it('keeps every placeholder and tag of the English, in messages that parse', () => {
    const broken = Object.entries(project).flatMap(([key, message]) => {
      const want = argumentsOf(en[key]);
      const have = argumentsOf(message);
      if (have === null) return [`${key}: does not parse`];
      return want !== null && want !== have ? [`${key}: ${have} instead of ${want}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('leaves no English message untranslated', () => {
    expect(Object.keys(en).filter((key) => untranslated(en[key], vi[key]))).toEqual([]);
  });
});

import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { article, author, category, image, photo, poll, tag } from './schema';
import { storedType } from '@newsroom/contracts/custom-fields';

/**
 * The site's schema against the CMS's own: every field the site expects must exist in the content
 * type (or component) with a compatible type, and a field the CMS may leave empty must be nullable
 * here. Fails when either side drifts (a renamed field, a type changed in the admin's builder).
 */
const CMS = path.resolve(import.meta.dirname, '..', '..', '..', 'cms', 'src');
type Attribute = {
  type: string;
  required?: boolean;
  default?: unknown;
  multiple?: boolean;
  repeatable?: boolean;
  component?: string;
  relation?: string;
};
const attributesOf = (file: string) =>
  (JSON.parse(fs.readFileSync(path.join(CMS, file), 'utf8')) as { attributes: Record<string, Attribute> }).attributes;
const contentType = (name: string) => attributesOf(`api/${name}/content-types/${name}/schema.json`);
const component = (uid: string) => attributesOf(`components/${uid.replace('.', '/')}.json`);

/** Fields Strapi adds to every document, not declared in schema.json. */
const SYSTEM = new Set(['id', 'documentId', 'publishedAt', 'updatedAt', 'createdAt']);
const TEXT = new Set(['string', 'text', 'richtext', 'uid', 'email', 'datetime', 'date', 'enumeration']);

/** The zod type under optional/nullable wrappers, and whether null is accepted. */
function unwrap(type: z.ZodTypeAny): { inner: z.ZodTypeAny; nullable: boolean } {
  let nullable = false;
  let inner = type;
  for (;;) {
    if (inner instanceof z.ZodNullable) nullable = true;
    if (inner instanceof z.ZodNullable || inner instanceof z.ZodOptional) inner = inner.unwrap();
    else return { inner, nullable };
  }
}

/** Problems with one zod object against one set of CMS attributes (recursing into components). */
function compare(shape: z.ZodRawShape, attributes: Record<string, Attribute>, where: string): string[] {
  const problems: string[] = [];
  for (const [field, type] of Object.entries(shape)) {
    if (SYSTEM.has(field)) continue;
    const attribute = attributes[field];
    const at = `${where}.${field}`;
    if (!attribute) {
      problems.push(`${at}: the site expects it, the CMS has no such field`);
      continue;
    }
    const { inner, nullable } = unwrap(type as z.ZodTypeAny);
    // (A uid — the slugs — is filled on every write by cms/src/documents/slugs.ts.)
    const mayBeEmpty = !attribute.required && attribute.default === undefined && attribute.type !== 'uid';
    if (mayBeEmpty && !nullable && !(inner instanceof z.ZodArray)) {
      problems.push(`${at}: the CMS may leave it empty, the site's schema refuses null`);
    }
    const kind = storedType(attribute);
    const ok =
      (TEXT.has(kind) && inner instanceof z.ZodString) ||
      ((kind === 'integer' || kind === 'decimal' || kind === 'float') && inner instanceof z.ZodNumber) ||
      (kind === 'boolean' && inner instanceof z.ZodBoolean) ||
      (kind === 'media' && inner === image) ||
      (kind === 'relation' &&
        (attribute.relation?.endsWith('ToMany') ? inner instanceof z.ZodArray : inner instanceof z.ZodObject)) ||
      (kind === 'component' && (attribute.repeatable ? inner instanceof z.ZodArray : inner instanceof z.ZodObject));
    if (!ok) problems.push(`${at}: the CMS has a ${kind}, the site expects ${inner.constructor.name}`);
    if (kind === 'component' && attribute.component) {
      const object = inner instanceof z.ZodArray ? unwrap(inner.element).inner : inner;
      if (object instanceof z.ZodObject) problems.push(...compare(object.shape, component(attribute.component), at));
    }
  }
  return problems;
}

describe("the site's schema matches the CMS's content types", () => {
  it.each([
    ['article', article],
    ['photo', photo],
    ['category', category],
    ['tag', tag],
    ['author', author],
    ['poll', poll],
  ] as const)('%s', (name, schema) => {
    expect(compare(schema.shape, contentType(name), name)).toEqual([]);
  });

  it('notices a field the CMS does not have, and a required field the CMS may leave empty', () => {
    const drifted = z.object({ title: z.string(), subtitle: z.string(), body: z.string() });
    expect(compare(drifted.shape, contentType('article'), 'article')).toEqual([
      'article.subtitle: the site expects it, the CMS has no such field',
      "article.body: the CMS may leave it empty, the site's schema refuses null",
    ]);
  });
});

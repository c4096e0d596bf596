// @ts-check
import fs from 'node:fs';
import path from 'node:path';

/**
 * `workspaces/no-relative-cross-imports`: a relative import may not leave its workspace. Another
 * workspace is imported by its package name (declared in package.json), so every dependency
 * between the rooms of the house shows in their manifests.
 *
 * One exception, named in the target's manifest: a workspace compiled into another one
 * (`"compiledWith": "<host package>"`, e.g. @newsroom/contracts inside the CMS, which Strapi runs as
 * compiled CommonJS and so cannot load a TypeScript package by name) is reached by its host
 * relatively; the host still declares it as a dependency.
 */
const ROOT = path.dirname(new URL(import.meta.url).pathname);
const WORKSPACES = /** @type {string[]} */ (
  JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).workspaces
)
  .map((w) => path.join(ROOT, w))
  .sort((a, b) => b.length - a.length);

/** The workspace directory a file belongs to (the repository root for the root package). */
const workspaceOf = (file) => WORKSPACES.find((w) => file === w || file.startsWith(`${w}${path.sep}`)) ?? ROOT;

/** @type {import('eslint').Rule.RuleModule} */
const noRelativeCrossImports = {
  meta: {
    type: 'problem',
    docs: { description: 'Import another workspace by its package name, not by a relative path' },
    schema: [],
  },
  create(context) {
    const from = workspaceOf(context.filename);
    /** @param {any} node */
    const check = (node) => {
      const source = node.source;
      if (!source || source.type !== 'Literal' || typeof source.value !== 'string' || !source.value.startsWith('.'))
        return;
      const target = path.resolve(path.dirname(context.filename), source.value);
      const to = workspaceOf(target);
      if (to !== from) {
        const manifest = (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
        const { name, compiledWith } = manifest(to);
        const host = manifest(from);
        if (compiledWith && compiledWith === host.name && host.dependencies?.[name]) return;
        context.report({
          node: source,
          message: `"${source.value}" reaches into the ${name} workspace: import it by name ("${name}/…") and declare it in ${path.relative(ROOT, path.join(from, 'package.json')) || 'package.json'}.`,
        });
      }
    };
    return {
      ImportDeclaration: check,
      ExportNamedDeclaration: check,
      ExportAllDeclaration: check,
      ImportExpression: check,
    };
  },
};

export default { rules: { 'no-relative-cross-imports': noRelativeCrossImports } };

import fs from 'node:fs';

/**
 * Which pages a build renders. A full build renders every page; a publish renders only the pages
 * a change touched (computed by plan.ts and handed over in the file named by SITE_SCOPE). Pages
 * that list everything (home, feeds, sitemaps) are always rendered.
 */
export interface Scope {
  articles: string[];
  categories: string[];
  authors: string[];
  tags: string[];
}

export type ScopeKind = keyof Scope;

function readScope(): Record<ScopeKind, Set<string>> | null {
  const file = process.env.SITE_SCOPE;
  if (!file) return null;
  const scope = JSON.parse(fs.readFileSync(file, 'utf8')) as Scope;
  return {
    articles: new Set(scope.articles),
    categories: new Set(scope.categories),
    authors: new Set(scope.authors),
    tags: new Set(scope.tags),
  };
}

const scope = readScope();

/** True when this build is scoped to part of the site. */
export const isScoped = scope !== null;

/** Whether the page(s) of the `kind` entry `slug` are rendered by this build. */
export const inScope = (kind: ScopeKind, slug: string) => !scope || scope[kind].has(slug);

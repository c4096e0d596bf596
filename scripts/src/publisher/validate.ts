import fs from 'node:fs';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import type { Snapshot } from '../../../site/src/lib/snapshot.js';

export interface Validation {
  dir: string;
  snapshot: Snapshot;
  /** Article count of the live release, if any. */
  liveArticles: number | null;
  maxDrop: number;
  /** Titles of drafts seen in recent events that no published article carries. */
  draftTitles: string[];
  /** The HTML files this build wrote (all of them for a full build). */
  written: string[];
}

export const articleCount = (siteDir: string) =>
  fs.existsSync(path.join(siteDir, 'bai-viet'))
    ? fs
        .readdirSync(path.join(siteDir, 'bai-viet'))
        .filter((d) => fs.existsSync(path.join(siteDir, 'bai-viet', d, 'index.html'))).length
    : 0;

/** Every page under `dir` (HTML, and XML: feeds and sitemaps), relative. */
export function pageFiles(dir: string, prefix = ''): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(prefix, e.name);
    if (e.isDirectory()) return pageFiles(dir, rel);
    return e.name.endsWith('.html') || e.name.endsWith('.xml') ? [rel] : [];
  });
}

const HEADLINE = new Set(['title', 'h1', 'h2', 'h3', 'h4']);

/**
 * The text of the page title, headings and feed item titles: where a story's title shows. (Not
 * body text, which may quote a draft's working title without leaking the draft.)
 */
function headlinesOf(html: string, xml: boolean) {
  const headlines: string[] = [];
  let depth = 0;
  const parser = new Parser(
    {
      onopentag: (name) => {
        if (!HEADLINE.has(name)) return;
        if (depth === 0) headlines.push('');
        depth++;
      },
      ontext: (text) => {
        if (depth > 0) headlines[headlines.length - 1] += text;
      },
      onclosetag: (name) => {
        if (HEADLINE.has(name) && depth > 0) depth--;
      },
    },
    { decodeEntities: true, xmlMode: xml }
  );
  parser.end(html);
  return headlines;
}

/**
 * A release goes live only if it looks like the site: home and article pages present, one
 * article page per published article, not most of the site gone at once, and no draft's text.
 * Throws naming what is wrong.
 */
export function validateRelease(v: Validation) {
  const problems: string[] = [];
  if (!fs.existsSync(path.join(v.dir, 'index.html'))) problems.push('the home page (index.html) is missing');
  const pages = articleCount(v.dir);
  const published = v.snapshot.articles.length;
  if (pages === 0) problems.push('there is no article page');
  if (pages !== published) problems.push(`${pages} article pages for ${published} published articles`);
  if (v.liveArticles && pages < v.liveArticles * (1 - v.maxDrop)) {
    problems.push(
      `${pages} article pages where ${v.liveArticles} are live: more than ${Math.round(v.maxDrop * 100)}% would go at once (raise PUBLISH_MAX_DROP to allow it)`
    );
  }
  const titles = v.draftTitles.filter((t) => t.length >= 12);
  if (titles.length) {
    for (const file of v.written) {
      const headlines = headlinesOf(fs.readFileSync(path.join(v.dir, file), 'utf8'), file.endsWith('.xml'));
      const leaked = titles.find((t) => headlines.some((h) => h.includes(t)));
      if (leaked) {
        problems.push(`the draft "${leaked}" appears in ${file}`);
        break;
      }
    }
  }
  if (problems.length) throw new Error(`Release refused: ${problems.join('; ')}.`);
  return { articlePages: pages };
}

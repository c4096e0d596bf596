/**
 * The GitHub Actions workflows, checked by GitHub's own workflow parser (@actions/workflow-parser)
 * rather than read by eye, and the publish workflow's build run here as CI runs it: its `run`
 * command, in its working directory, with exactly the environment its build job declares, each
 * expression evaluated by GitHub's expression engine (@actions/expressions) against a booted CMS.
 * What CI would upload (site/dist) is then checked: the pages, the search index, the redirects.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse as parseEnv } from 'dotenv';
import YAML from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import {
  convertWorkflowTemplate,
  isBasicExpression,
  isMapping,
  isString,
  NoOperationTraceWriter,
  parseWorkflow,
} from '@actions/workflow-parser';
import { data, Evaluator, Lexer, Parser } from '@actions/expressions';
import { withSiteBuildLockSync } from '@newsroom/scripts/build-lock';
import { ROOT, SEED_FIXTURE, startCms, type RunningCms } from '../helpers/cms';

const WORKFLOWS = path.join(ROOT, '.github', 'workflows');

/** A workflow as GitHub reads it: its errors, and its jobs once converted. */
async function read(name: string, content = fs.readFileSync(path.join(WORKFLOWS, name), 'utf8')) {
  const parsed = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  const template = parsed.value ? await convertWorkflowTemplate(parsed.context, parsed.value) : undefined;
  return { errors: [...errors, ...(template?.errors ?? []).map((e) => e.Message)], template };
}

type Token = Parameters<typeof isMapping>[0];
/** A string the converted workflow holds, as a plain string or as the parser's token. */
type Text = string | { value?: string };
const text = (t: Text | undefined) => (typeof t === 'string' ? t : t?.value);
interface Step {
  name?: Text;
  run?: Text;
  uses?: Text;
}
interface Job {
  id: Text;
  env?: Token;
  steps: Step[];
}

/** A token's value: a literal as it is, `${{ … }}` evaluated by GitHub's expression engine in `context`. */
function evaluate(token: Token, context: Record<string, Record<string, string>>): string {
  if (isString(token)) return token.value;
  if (!isBasicExpression(token)) throw new Error(`Not a string or an expression: ${JSON.stringify(token)}`);
  const lexed = new Lexer(token.expression).lex();
  const tree = new Parser(lexed.tokens, Object.keys(context), []).parse();
  const dictionary = new data.Dictionary(
    ...Object.entries(context).map(([key, values]) => ({
      key,
      value: new data.Dictionary(
        ...Object.entries(values).map(([k, v]) => ({ key: k, value: new data.StringData(v) }))
      ),
    }))
  );
  return new Evaluator(tree, dictionary).evaluate().coerceString();
}

/** The entries of a mapping (a job's `env`), each value evaluated in `context`. */
function envOf(token: Token | undefined, context: Record<string, Record<string, string>>) {
  if (!token || !isMapping(token)) throw new Error('The job has no env mapping');
  return Object.fromEntries(
    Array.from({ length: token.count }, (_, i) => token.get(i)).map(({ key, value }) => [
      String((key as unknown as { value: unknown }).value),
      evaluate(value, context),
    ])
  );
}

describe('the GitHub Actions workflows', () => {
  const names = fs.readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it.each(names)("%s is a workflow GitHub's parser accepts", async (name) => {
    const { errors, template } = await read(name);
    expect(errors).toEqual([]);
    expect((template?.jobs as unknown as Job[]).length).toBeGreaterThan(0);
  });

  it('the parser is not a formality: it names what is wrong in a broken copy', async () => {
    const broken = fs.readFileSync(path.join(WORKFLOWS, 'publish.yml'), 'utf8').replace('    steps:', '    step:');
    const { errors } = await read('publish.yml', broken);
    expect(errors.join('\n')).toMatch(/Unexpected value 'step'/);
  });

  describe("the publish workflow's build, run as CI runs it", () => {
    let cms: RunningCms;
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-ci-'));
    const dist = path.join(ROOT, 'site', 'dist');
    afterAll(async () => {
      await cms?.destroy();
      fs.rmSync(cache, { recursive: true, force: true });
    });

    it("builds the site from a booted CMS with the job's own command and environment", async () => {
      const { template } = await read('publish.yml');
      const build = (template!.jobs as unknown as Job[]).find((j) => text(j.id) === 'build')!;
      const runs = build.steps.filter((s) => text(s.run));
      const step = runs.find((s) => /build/i.test(text(s.name) ?? ''))!;
      const command = text(step.run);
      expect(command).toBe('npm run build');
      // The parser's model keeps no `working-directory`: it is read from the same file as YAML.
      const raw = YAML.parse(fs.readFileSync(path.join(WORKFLOWS, 'publish.yml'), 'utf8')) as {
        jobs: { build: { steps: { name?: string; 'working-directory'?: string }[] } };
      };
      const cwd = path.join(
        ROOT,
        raw.jobs.build.steps.find((s) => s.name === text(step.name))?.['working-directory'] ?? '.'
      );
      // The step before it installs the site's workspace only; here the repository's install stands in.
      expect(text(runs[0].run)).toMatch(/^npm ci --workspace site/);

      cms = await startCms('sqlite', { SEED_DEMO_ARTICLES: '3' });
      const siteToken = parseEnv(fs.readFileSync(cms.env.SITE_ENV_FILE)).SITE_API_TOKEN;
      const context = {
        secrets: { CMS_URL: cms.url, SITE_API_TOKEN: siteToken },
        vars: { SITE_URL: 'https://tin.example.vn', PUBLIC_CMS_URL: 'https://cms.tin.example.vn' },
        github: { workspace: cache },
      };
      const env = envOf(build.env, context);
      expect(Object.keys(env).sort()).toEqual(
        ['ASTRO_TELEMETRY_DISABLED', 'CMS_URL', 'PUBLIC_CMS_URL', 'SITE_API_TOKEN', 'SITE_CACHE_DIR', 'SITE_URL'].sort()
      );
      expect(env.SITE_CACHE_DIR).toBe(`${cache}/.astro-cache`);

      // Only what the job declares reaches the build: none of this machine's site settings.
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !/^(SITE_|CMS_|PUBLIC_|PREVIEW_)/.test(k))
      );
      const result = withSiteBuildLockSync(() =>
        spawnSync('sh', ['-c', command!], {
          cwd,
          env: { ...inherited, ...env, CI: 'true' },
          encoding: 'utf8',
          timeout: 300_000,
        })
      );
      expect(
        result.status,
        `${result.error ?? ''} ${result.signal ?? ''}\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`
      ).toBe(0);

      // What the upload step takes (site/dist): the pages, the search index and the redirects.
      const upload = build.steps.find((s) => text(s.uses)?.startsWith('actions/upload-pages-artifact'));
      expect(upload).toBeDefined();
      const seed = fs
        .readdirSync(path.join(dist, 'bai-viet'))
        .map((slug) => fs.readFileSync(path.join(dist, 'bai-viet', slug, 'index.html'), 'utf8'))
        .find((html) => html.includes(SEED_FIXTURE.title));
      expect(seed).toBeDefined();
      expect(fs.existsSync(path.join(dist, 'pagefind', 'pagefind.js'))).toBe(true);
      expect(JSON.parse(fs.readFileSync(path.join(dist, '_redirects', 'redirects.json'), 'utf8'))).toEqual({});
      const home = fs.readFileSync(path.join(dist, 'index.html'), 'utf8');
      expect(home).toContain('https://tin.example.vn/');
      // Pages serves files only: the poll box votes at the CMS's public address, never its build-time one.
      expect(home).toMatch(/action="https:\/\/cms\.tin\.example\.vn\/api\/polls\/\w+\/votes"/);
      expect(seed).not.toContain(new URL(cms.url).host);
      expect(fs.existsSync(path.join(cache, '.astro-cache'))).toBe(true);
    }, 400_000);
  });
});

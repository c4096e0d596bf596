import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { noChanges } from './events';
import { ChangeQueue, docKey } from './queue';

const ARTICLE = 'api::article.article';
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function queueFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'newsroom-queue-'));
  dirs.push(dir);
  return path.join(dir, 'queue.json');
}

const article = (...ids: string[]) => ({ ...noChanges(), documents: { [ARTICLE]: ids } });

/** A clock the test moves by hand. */
function clock(start = '2026-11-29T08:00:00.000Z') {
  let t = new Date(start).getTime();
  return { now: () => new Date(t), advance: (ms: number) => (t += ms) };
}

describe('the queue of pending changes', () => {
  it('keeps what it is given across a restart, and merges repeats of the same change', () => {
    const file = queueFile();
    const q = new ChangeQueue(file);
    expect(q.add(article('a', 'b'), 'webhook')).toBe(2);
    expect(q.add(article('b'), 'reconcile')).toBe(0);
    q.add(
      { ...noChanges(), media: ['/uploads/x.jpg'], full: 'templates', clock: '2026-11-29T10:00:00.000Z' },
      'webhook'
    );
    const again = new ChangeQueue(file);
    expect(again.size).toBe(5);
    expect(again.claim().changes).toEqual({
      documents: { [ARTICLE]: ['a', 'b'] },
      media: ['/uploads/x.jpg'],
      full: 'templates',
      clock: '2026-11-29T10:00:00.000Z',
    });
  });

  it('settles only the changes a live release contained: not those seen again during the build, nor those kept', () => {
    const q = new ChangeQueue(queueFile());
    q.add(article('a', 'b', 'c'), 'webhook');
    const claim = q.claim();
    q.add(article('b'), 'webhook'); // edited again while the build ran: its new version may be missing
    q.add(article('d'), 'webhook'); // arrived during the build: not in it
    q.settle(claim, new Set([docKey(ARTICLE, 'c')])); // held back by the build
    expect(q.claim().changes.documents[ARTICLE].sort()).toEqual(['b', 'c', 'd']);
  });

  it('a failed build settles nothing: its changes wait for the next one', () => {
    const file = queueFile();
    const q = new ChangeQueue(file);
    q.add(article('a'), 'webhook');
    q.claim(); // the build fails: no settle
    expect(new ChangeQueue(file).claim().changes.documents[ARTICLE]).toEqual(['a']);
  });

  it('survives SIGKILL at any moment: the file is always a whole queue', async () => {
    const file = queueFile();
    // A child process adds changes as fast as it can and is killed mid-way.
    const script = path.join(path.dirname(file), 'writer.ts');
    fs.writeFileSync(
      script,
      `import { ChangeQueue } from ${JSON.stringify(path.resolve(import.meta.dirname, 'queue.ts'))};
      const q = new ChangeQueue(${JSON.stringify(file)});
      for (let i = 0; ; i++) q.add({ documents: { 'api::article.article': ['doc' + i] }, media: [], full: null, clock: null }, 'webhook');`
    );
    // Node itself with tsx as a loader (the tsx CLI would run the script in a child of its own,
    // which the SIGKILL would not reach).
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: 'ignore', cwd: import.meta.dirname });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(file) && fs.statSync(file).size > 5000) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const q = new ChangeQueue(file);
    expect(q.recovered).toBeNull();
    const ids = q.claim().changes.documents[ARTICLE];
    expect(ids.length).toBeGreaterThan(50);
    // Every change up to the last one written, none missing in between.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => `doc${i}`));
  });

  it('an unreadable file is kept aside and reported, never silently dropped', () => {
    const file = queueFile();
    fs.writeFileSync(file, '{"version":1,"pending":');
    const q = new ChangeQueue(file);
    expect(q.recovered).toMatch(/could not be read/);
    expect(fs.readdirSync(path.dirname(file)).some((f) => f.startsWith('queue.json.unreadable-'))).toBe(true);
  });

  it('holds a failed version back until it changes or its retry time comes', () => {
    const c = clock();
    const q = new ChangeQueue(queueFile(), c.now);
    q.fail({ uid: ARTICLE, documentId: 'a', version: 'v1', error: 'broken image' }, (n) => 30_000 * n);
    const versions: Record<string, string> = { a: 'v1' };
    const held = () => q.held((_uid, id) => versions[id] ?? null);
    expect([...held()]).toEqual([docKey(ARTICLE, 'a')]);
    versions.a = 'v2'; // the editor fixed it: tried at once
    expect(held().size).toBe(0);
    versions.a = 'v1';
    c.advance(30_001); // due again
    expect(held().size).toBe(0);
    q.fail({ uid: ARTICLE, documentId: 'a', version: 'v1', error: 'broken image' }, (n) => 30_000 * n);
    expect(q.failure(ARTICLE, 'a')).toMatchObject({
      attempts: 2,
      retryAt: new Date(c.now().getTime() + 60_000).toISOString(),
    });
    q.clearFailure(ARTICLE, 'a');
    expect(q.failures()).toEqual([]);
  });
});

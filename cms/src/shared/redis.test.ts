import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connect, type SharedState } from './redis';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const quiet = { warn: vi.fn(), info: vi.fn() };

describe('state shared by the CMS processes', () => {
  const open: SharedState[] = [];
  const state = (env: NodeJS.ProcessEnv, log = quiet) => {
    const s = connect(log, env);
    open.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it("carries one process's message to every other process on the same Redis, and to no other newsroom", async () => {
    const prefix = `newsroom-test-${randomBytes(4).toString('hex')}`;
    const [a, b, other] = [
      state({ REDIS_URL, REDIS_PREFIX: prefix }),
      state({ REDIS_URL, REDIS_PREFIX: prefix }),
      state({ REDIS_URL, REDIS_PREFIX: `${prefix}-other` }),
    ];
    const heard: string[] = [];
    const strays: string[] = [];
    await b.subscribe('poll-settings-changed', (m) => heard.push(m));
    await other.subscribe('poll-settings-changed', (m) => strays.push(m));
    await a.publish('poll-settings-changed', 'abc123');
    await vi.waitFor(() => expect(heard).toEqual(['abc123']), { timeout: 5_000 });
    expect(strays).toEqual([]);
  });

  it('without REDIS_URL (one process), a message reaches its own listeners', async () => {
    const local = state({});
    expect(local.client).toBeNull();
    const heard: string[] = [];
    await local.subscribe('poll-settings-changed', (m) => heard.push(m));
    await local.publish('poll-settings-changed', 'xyz');
    expect(heard).toEqual(['xyz']);
  });

  it('with Redis unreachable, a message fails at once and the outage is logged once per connection, naming Redis without its password', async () => {
    const log = { warn: vi.fn(), info: vi.fn() };
    const down = state({ REDIS_URL: 'redis://newsroom:s3cret@127.0.0.1:1' }, log);
    await expect(down.publish('poll-settings-changed', 'x')).rejects.toThrow();
    await vi.waitFor(() => expect(log.warn).toHaveBeenCalledTimes(2));
    await new Promise((r) => setTimeout(r, 300)); // several reconnection attempts
    // Its two connections (commands, subscriptions) each say so once, however often they retry.
    expect(log.warn).toHaveBeenCalledTimes(2);
    for (const [message] of log.warn.mock.calls) {
      expect(message).toMatch(/redis:\/\/newsroom:\*\*\*@127\.0\.0\.1:1 is unreachable/);
      expect(message).not.toContain('s3cret');
    }
  });

  it('refuses a REDIS_URL that is no URL, naming it', () => {
    expect(() => connect(quiet, { REDIS_URL: 'localhost 6379' })).toThrow('REDIS_URL is not a URL');
  });
});

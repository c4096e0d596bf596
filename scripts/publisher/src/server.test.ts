import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { PUBLISH_SECRET_HEADER } from '@newsroom/contracts/publish-webhook';
import type { Publisher } from './publisher';
import { createHookServer, isLoopback } from './server';

const SECRET = 'a-secret-for-this-test';
const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** The hook server around a stand-in publisher that reports what it is asked. */
async function serve(host: string) {
  const publisher = {
    status: (detail: boolean) => ({ live: { release: 'r1' }, failures: detail ? [{ documentId: 'd1' }] : 1 }),
    releases: { live: () => ({ id: 'r1', since: '2026-11-29T08:00:00.000Z' }) },
  } as unknown as Publisher;
  const server = createHookServer(publisher, SECRET, () => {}, host);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return (path: string, secret?: string) =>
    fetch(`${base}${path}`, { headers: secret ? { [PUBLISH_SECRET_HEADER]: secret } : {} });
}

describe("the publisher's status", () => {
  it('on loopback: a summary for anyone, document ids only with the secret', async () => {
    const get = await serve('127.0.0.1');
    expect(await (await get('/status')).json()).toEqual({ live: { release: 'r1' }, failures: 1 });
    expect(await (await get('/status', SECRET)).json()).toMatchObject({ failures: [{ documentId: 'd1' }] });
  });

  it('beyond loopback: nothing without the secret but health', async () => {
    const get = await serve('0.0.0.0');
    expect((await get('/status')).status).toBe(401);
    expect((await get('/status', `${SECRET}x`)).status).toBe(401);
    expect((await get('/status', SECRET)).status).toBe(200);
    expect(await (await get('/healthz')).json()).toEqual({ ok: true, live: true });
  });

  it('knows which addresses are loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', '::1', 'localhost'].every(isLoopback)).toBe(true);
    expect(['0.0.0.0', '::', '10.0.0.5', 'publisher', '127.0.0.1.example'].some(isLoopback)).toBe(false);
  });
});

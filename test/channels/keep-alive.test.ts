/** The channels' outgoing HTTP client (adapters/shared/keep-alive.ts) against a server on 127.0.0.1. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../adapters/shared/keep-alive.ts';
import { TimeoutError } from '../../adapters/shared/time.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); })));
});

/** A server answering with `answer`; counts the connections it accepted. */
async function serve(answer: (path: string, body: string, res: import('node:http').ServerResponse) => void) {
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => answer(req.url ?? '', Buffer.concat(chunks).toString('utf8'), res));
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

describe('keep-alive calls', () => {
  it('sends one call after another on one connection', async () => {
    const s = await serve((_path, body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    for (let i = 0; i < 5; i++) {
      const answer = await call(`${s.origin}/echo`, { method: 'POST', body: `{"n":${i}}`, timeoutMs: 2000 });
      expect(answer.status).toBe(200);
      expect(answer.body!.toString()).toBe(`{"n":${i}}`);
    }
    expect(s.sockets).toHaveLength(1);
  });

  it('sends a call again on a new connection when a reused one is reset before any answer', async () => {
    let flaky = 0;
    const s = await serve((path, _body, res) => {
      // The first /flaky request meets a connection the server is closing (a reset, no answer).
      if (path === '/flaky' && ++flaky === 1) res.socket!.resetAndDestroy();
      else res.writeHead(200).end('ok');
    });
    expect((await call(`${s.origin}/warm`, { timeoutMs: 2000 })).status).toBe(200);
    const answer = await call(`${s.origin}/flaky`, { method: 'POST', body: '{}', timeoutMs: 2000 });
    expect(answer.status).toBe(200);
    expect(flaky).toBe(2);
    expect(s.sockets).toHaveLength(2);
    // A reset on a new connection is not sent again.
    flaky = 0;
    const fresh = await serve((_path, _body, res) => { res.socket!.resetAndDestroy(); });
    await expect(call(`${fresh.origin}/x`, { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(fresh.sockets).toHaveLength(1);
  });

  it('gives up with a TimeoutError when the answer does not come in time', async () => {
    const s = await serve(() => { /* never answers */ });
    const started = Date.now();
    await expect(call(s.origin, { timeoutMs: 200 })).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('does not read a body over maxBytes', async () => {
    const big = Buffer.alloc(64 * 1024, 1);
    const s = await serve((path, _body, res) => {
      if (path === '/declared') res.writeHead(200, { 'content-length': String(big.length) }).end(big);
      else { res.writeHead(200); res.write(big); res.end(big); } // chunked: no length said
    });
    expect((await call(`${s.origin}/declared`, { timeoutMs: 2000, maxBytes: 1000 })).body).toBeNull();
    expect((await call(`${s.origin}/chunked`, { timeoutMs: 2000, maxBytes: 100_000 })).body).toBeNull();
    expect((await call(`${s.origin}/declared`, { timeoutMs: 2000, maxBytes: 100_000 })).body!.length).toBe(big.length);
  });

  it('rejects on a refused connection', async () => {
    const s = await serve(() => {});
    const origin = s.origin;
    await new Promise<void>((resolve) => { servers.pop()!.close(() => resolve()); });
    await expect(call(origin, { timeoutMs: 2000 })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

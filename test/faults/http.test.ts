/**
 * The HTTP server against greedy, slow and broken clients, over raw sockets on 127.0.0.1: a body
 * over 1 MiB is cut off while it streams, parser errors and timeouts get a short JSON answer, slow
 * headers and bodies are timed out, connections are capped. Every case is bounded by a few seconds.
 */
import net, { type Socket } from 'node:net';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { createApp, MAX_BODY, type App, type HttpLimits } from '../../adapters/http.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import { json } from '../../adapters/shared/http.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWeb } from '../../adapters/web/index.ts';

let bot: Bot;
const apps: App[] = [];

beforeAll(async () => {
  bot = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') });
});
afterAll(async () => {
  for (const app of apps) await app.close(1000);
  await bot.close();
});

/** A service on a free port with these limits (and the web chat, or these channels); `accepted` lists the server's side of each connection. */
async function serve(limits: Partial<HttpLimits> = {}, channels?: Channel[]): Promise<{ app: App; port: number; server: Server; accepted: Socket[] }> {
  const log = pino({ level: 'silent' });
  const app = createApp(bot, channels ?? [register(bot, createWeb(createKit(bot, log)))], log);
  apps.push(app);
  const server = await app.listen(0, '127.0.0.1', limits);
  const accepted: Socket[] = [];
  server.on('connection', (s: Socket) => accepted.push(s));
  return { app, port: (server.address() as AddressInfo).port, server, accepted };
}

interface Exchange { text: string; closed: boolean; ms: number }

/** Writes `data` on a new connection, then collects what comes back until the server closes it or `ms` pass. */
function exchange(port: number, data: string, ms: number, drip?: { every: number; line: string }): Promise<Exchange> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    let dripTimer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      clearInterval(dripTimer);
      socket.destroy();
      resolve({ text, closed, ms: Date.now() - started });
    };
    const timer = setTimeout(() => finish(false), ms);
    socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(true));
    socket.on('connect', () => {
      socket.write(data);
      if (drip) dripTimer = setInterval(() => { if (socket.writable) socket.write(drip.line); }, drip.every);
    });
  });
}

/** The status and the JSON body of a raw response. */
function parse(raw: string): { status: number; headers: string; body: unknown } {
  const end = raw.indexOf('\r\n\r\n');
  expect(end, `a complete response head in ${JSON.stringify(raw.slice(0, 200))}`).toBeGreaterThan(0);
  const head = raw.slice(0, end);
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]), headers: head.toLowerCase(), body: JSON.parse(raw.slice(end + 4)) as unknown };
}

function expectJsonError(raw: string, status: number): void {
  const r = parse(raw);
  expect(r.status).toBe(status);
  expect(r.headers).toContain('content-type: application/json');
  expect(r.headers).toContain('connection: close');
  expect(r.body).toEqual({ error: expect.any(String) });
}

describe('a body over the limit', () => {
  it('is cut off while it streams: the client cannot send 50 MB, the server reads little of it, and says 413 when it can', async () => {
    const { port, accepted } = await serve();
    const total = 50 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const socket = net.connect(port, '127.0.0.1');
    let response = '';
    socket.on('data', (d: Buffer) => { response += d.toString('latin1'); });
    let sent = 0;
    const started = Date.now();
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write('POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
    let open = true;
    void closed.then(() => { open = false; });
    // Sends as fast as the server takes it, until 50 MB or the socket closes; 5 s at most.
    while (open && sent < total && Date.now() - started < 5000) {
      const ok = socket.write(Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
      sent += chunk.length;
      if (!ok) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed, new Promise((resolve) => setTimeout(resolve, 5000 - (Date.now() - started)))]);
    }
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
    socket.destroy();
    expect(open, 'the server closed the connection').toBe(false);
    expect(sent).toBeLessThan(16 * 1024 * 1024);
    const read = accepted[0]!.bytesRead;
    expect(read).toBeGreaterThan(MAX_BODY);
    expect(read).toBeLessThan(MAX_BODY + 4 * 1024 * 1024);
    if (response) expectJsonError(response, 413);
    console.log(`oversize streamed body: client wrote ${(sent / 2 ** 20).toFixed(1)} MiB before the socket closed, server read ${(read / 2 ** 20).toFixed(2)} MiB, ${Date.now() - started} ms, 413 ${response ? 'received' : 'lost to the reset'}`);
  });

  it('is refused with 413 at once when its declared length is over the limit, before any of it is sent', async () => {
    const { port } = await serve();
    const r = await exchange(port, `POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${50 * 1024 * 1024}\r\n\r\n`, 2000);
    expect(r.closed).toBe(true);
    expectJsonError(r.text, 413);
  });

  it('with Expect: 100-continue is refused without a 100 Continue', async () => {
    const { port } = await serve();
    const r = await exchange(port, `POST /api/chat HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: ${MAX_BODY + 1}\r\n\r\n`, 2000);
    expect(r.text).not.toContain('100 Continue');
    expectJsonError(r.text, 413);
  });
});

describe('requests the parser refuses', () => {
  it('a garbage request line gets 400 with a JSON body', async () => {
    const { port } = await serve();
    const r = await exchange(port, '\x16\x03\x01 hello there\r\n\r\n', 2000);
    expect(r.closed).toBe(true);
    expectJsonError(r.text, 400);
  });

  it('a 100 KB header gets 431 with a JSON body', async () => {
    const { port } = await serve();
    const r = await exchange(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(100_000)}\r\n\r\n`, 2000);
    expect(r.closed).toBe(true);
    expectJsonError(r.text, 431);
  });

  it('a request without Host gets 400 with a JSON body', async () => {
    const { port } = await serve();
    const r = await exchange(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n', 2000);
    expectJsonError(r.text, 400);
  });

  it('the server keeps serving after all of them', async () => {
    const { port } = await serve();
    await exchange(port, 'BLAH\r\n\r\n', 1000);
    const r = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', 2000);
    expect(parse(r.text).status).toBe(200);
  });
});

describe('slow clients', () => {
  it('headers dripping in are cut off at headersTimeout with 408 and a JSON body', async () => {
    const { port } = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 1000 });
    const r = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n', 3000, { every: 100, line: 'X-Slow: 1\r\n' });
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(1500);
    expectJsonError(r.text, 408);
  });

  it('a connection that sends nothing is closed at headersTimeout', async () => {
    const { port } = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 1000 });
    const r = await exchange(port, '', 3000);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(1500);
  });

  it('a body dripping in is cut off at requestTimeout with 408', async () => {
    const { port } = await serve({ headersTimeoutMs: 400, requestTimeoutMs: 800 });
    const r = await exchange(port, 'POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{', 3000, { every: 100, line: ' ' });
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(2000);
    expectJsonError(r.text, 408);
  });

  it('connections over maxConnections are closed at once, and those under it are served', async () => {
    const { port } = await serve({ maxConnections: 3, headersTimeoutMs: 2000, requestTimeoutMs: 2000 });
    const held = await Promise.all([0, 1, 2].map(() => new Promise<Socket>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(s));
      s.on('error', () => undefined);
    })));
    await new Promise((resolve) => setTimeout(resolve, 100)); // let the server count them
    const over = await exchange(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n', 1500);
    expect(over.closed).toBe(true);
    expect(over.text).toBe('');
    const answer = await new Promise<string>((resolve) => {
      let text = '';
      held[0]!.on('data', (d: Buffer) => { text += d.toString(); if (text.includes('"ok"')) resolve(text); });
      held[0]!.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    for (const s of held) s.destroy();
  });
});

describe('close(timeout)', () => {
  const slow: Channel = {
    name: 'slow', prefix: 'slow',
    routes: [{ method: 'GET', path: '/slow', handle: async () => { await new Promise((resolve) => setTimeout(resolve, 300)); return json(200, { ok: true }); } }],
  };

  it('answers the request in flight with Connection: close, refuses new connections, and resolves true', async () => {
    const { app, port } = await serve({}, [slow]);
    const inFlight = exchange(port, 'GET /slow HTTP/1.1\r\nHost: x\r\n\r\n', 3000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    const closing = app.close(3000);
    const answer = await inFlight;
    expect(parse(answer.text).status).toBe(200);
    expect(parse(answer.text).headers).toContain('connection: close');
    expect(answer.closed).toBe(true);
    const refused = await new Promise<string>((resolve) => net.connect(port, '127.0.0.1').on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')).on('connect', () => resolve('connected')));
    expect(refused).toBe('ECONNREFUSED');
    expect(await closing).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('gives up at the timeout on a stalled upload and a channel whose stop never ends', async () => {
    const stuck: Channel = { ...slow, name: 'stuck', stop: () => new Promise<void>(() => undefined) };
    const { app, port } = await serve({}, [stuck]);
    const stalled = exchange(port, 'POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{', 3000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    expect(await app.close(600)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(Date.now() - started).toBeLessThan(1000);
    expect((await stalled).closed).toBe(true);
  });
});

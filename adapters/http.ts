/**
 * The HTTP service: health and the routes of every channel (the web chat, webhooks), on
 * node:http. `app.request(raw)` answers a request in memory (tests drive it like Hono's
 * `app.request`); `app.listen(port)` serves it. Bad requests get a status and a short JSON error,
 * never a stack trace: 400 malformed, 401 (channels), 413 over 1 MiB, 404 unknown route.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { Bot } from '../src/bot/index.ts';
import type { Channel } from './shared/contract.ts';
import { json, type HttpRoute, type RawRequest, type RawResponse } from './shared/http.ts';

/** Largest request body read; larger ones get 413. */
export const MAX_BODY = 1024 * 1024;

export interface App {
  request(req: RawRequest): Promise<RawResponse>;
  listen(port: number, host?: string): Promise<Server>;
  /** Stops taking requests, waits for those in flight, stops the channels. */
  close(): Promise<void>;
}

/** `extra`: routes that are not a channel's (the office console). */
export function createApp(bot: Bot, channels: Channel[], log: Logger, extra: readonly HttpRoute[] = []): App {
  const routes = new Map<string, HttpRoute>();
  for (const r of [...channels.flatMap((c) => c.routes), ...extra]) routes.set(`${r.method} ${r.path}`, r);
  const paths = new Set([...routes.values()].map((r) => r.path).concat('/healthz'));
  let server: Server | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  async function request(req: RawRequest): Promise<RawResponse> {
    try {
      return await route(req);
    } catch (err) {
      log.error({ err: (err as Error).message, path: req.path }, 'request failed');
      return json(500, { error: 'internal error' });
    }
  }

  async function route(req: RawRequest): Promise<RawResponse> {
    if (req.method === 'GET' && req.path === '/healthz') {
      // A probe written and read back: a store that answers reads but cannot write is not healthy.
      const health = await bot.store.health();
      return json(health.ok ? 200 : 503, {
        ok: health.ok,
        ...(!health.ok && { store: health.reason.replace(/\/[^\s:'"]+/g, '…') }), // why, without file paths
        edition: bot.knowledge.edition,
        channels: channels.map((c) => c.name),
      });
    }
    const r = routes.get(`${req.method} ${req.path}`);
    if (r) return r.handle(req);
    if (paths.has(req.path)) return json(405, { error: `method ${req.method} not allowed here` });
    return json(404, { error: `no route ${req.path}` });
  }

  return {
    request,
    listen(port, host = '0.0.0.0') {
      server = createServer((req, res) => void serve(req, res));
      return new Promise((resolve, reject) => {
        server!.once('error', reject);
        server!.listen(port, host, () => resolve(server!));
      });
    },
    async close() {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      if (inFlight > 0) await new Promise<void>((resolve) => { idle = resolve; });
      await Promise.all(channels.map((c) => c.stop?.()));
    },
  };

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    inFlight++;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      const out = body === 'too-large'
        ? json(413, { error: `body over ${MAX_BODY} bytes` })
        : await request({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, remote: req.socket.remoteAddress, receivedAt });
      res.writeHead(out.status, out.headers ?? {});
      res.end(out.body);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'serve failed');
      if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ error: 'bad request' }));
    } finally {
      inFlight--;
      if (inFlight === 0) idle?.();
    }
  }
}

/** Reads a request body up to MAX_BODY; 'too-large' past it (the rest is drained, not stored). */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? 'too-large' : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The HTTP service: health and the routes of every channel (the web chat, webhooks), on
 * node:http. `app.request(raw)` answers a request in memory (tests drive it like Hono's
 * `app.request`); `app.listen(port)` serves it. Bad requests get a status and a short JSON error,
 * never a stack trace: 400 malformed, 401 (channels), 413 over 1 MiB, 404 unknown route; so do
 * requests the parser refuses (400, 408 too slow, 431 headers too large), through `clientError`.
 *
 * Against slow and greedy clients: a body is cut off at MAX_BODY while it streams (413, then the
 * connection is closed, the rest never read), headers and whole requests must arrive in time,
 * idle keep-alive connections are closed, and open connections are capped (HttpLimits).
 *
 * `app.close(timeoutMs)` is the graceful shutdown: connections the kernel already completed are
 * accepted, then the port is closed; idle keep-alive connections are closed; every answer from
 * then on says `Connection: close`; requests in flight finish; past the timeout what is left is
 * cut off. Then the channels stop, within the same timeout.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import type { Bot } from '../src/bot/index.ts';
import type { Channel } from './shared/contract.ts';
import { json, type HttpRoute, type RawRequest, type RawResponse } from './shared/http.ts';
import { clientOf, rateLimit } from './shared/rate-limit.ts';

/** Largest request body read; larger ones get 413. */
export const MAX_BODY = 1024 * 1024;

/** Limits of the socket server against slow and greedy clients. */
export interface HttpLimits {
  /** Time from a connection's (or a keep-alive request's) start to its complete headers: 408 past it. */
  headersTimeoutMs: number;
  /** Time to receive a whole request, body included (not the time to answer it): 408 past it. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept open. */
  keepAliveTimeoutMs: number;
  /** Open connections at most; one more is closed as soon as it is accepted. */
  maxConnections: number;
}

/** 10 s for headers and 30 s for a request (1 MiB at 35 KB/s); 5 s keep-alive; 1000 connections. */
export const DEFAULT_LIMITS: HttpLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 4096 };

/**
 * The shutdown's graces: connections the kernel has already completed are accepted for at most
 * ACCEPT_DRAIN_MS before the port closes; an idle keep-alive connection gets IDLE_GRACE_MS to send
 * its next request (answered, with `Connection: close`) before it is closed; a connection that has
 * sent nothing gets SILENT_GRACE_MS (a browser's preconnect, not a request).
 */
const ACCEPT_DRAIN_MS = 500;
const IDLE_GRACE_MS = 200;
const SILENT_GRACE_MS = 1000;
/** After answering a client error, how long the connection may linger (so the answer is read) before it is destroyed. */
const LINGER_MS = 500;

export interface App {
  request(req: RawRequest): Promise<RawResponse>;
  listen(port: number, host?: string, limits?: Partial<HttpLimits>): Promise<Server>;
  /**
   * Stops taking connections, answers what arrives on open ones with `Connection: close`, waits
   * for requests in flight, then stops the channels; gives up on what is left after `timeoutMs`
   * (default: no bound), cutting those connections. Resolves true when nothing was given up.
   */
  close(timeoutMs?: number): Promise<boolean>;
}

/** `extra`: routes that are not a channel's (the office console); `flood`: the webhook flood limit's clock (tests). */
export function createApp(bot: Bot, channels: Channel[], log: Logger, extra: readonly HttpRoute[] = [], flood: { now?: () => number } = {}): App {
  const routes = new Map<string, HttpRoute>();
  for (const r of [...channels.flatMap((c) => c.routes), ...extra]) routes.set(`${r.method} ${r.path}`, r);
  const paths = new Set([...routes.values()].map((r) => r.path).concat('/healthz'));
  /**
   * Webhook posts an address may have refused (bad signature, unreadable body) at once, then per
   * second; past that, its posts are answered 429 before any signature check or decryption. Only
   * refused posts count: a platform posts every user's messages from a few addresses, and a limit
   * on all its posts would turn away a busy hour's genuine messages (1000 LINE users at once come
   * to over 1000 posts a second on the memory store), which LINE does not send again.
   */
  const webhookFlood = rateLimit({ burst: 2000, perSecond: 500, ...flood });
  let server: Server | undefined;
  let inFlight = 0;
  /** Set by close(): every answer from then on closes its connection. */
  let closing = false;
  /** Resolves once close() has closed the port (answers that close their connection wait for it, see send). */
  let portClosed: Promise<void> = Promise.resolve();
  let markPortClosed = (): void => undefined;
  let closed: Promise<boolean> | undefined;
  /** The server's open connections (for the shutdown's sweep), and how many it has accepted in all. */
  const sockets = new Set<Socket>();
  let acceptedCount = 0;
  /** Connections already answered by the clientError handler (Node may report a parser error twice). */
  const answered = new WeakSet<Duplex>();

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
    if (r && req.path.startsWith('/webhooks/')) {
      // A flood of refused posts from one address is turned away before its signature is checked or its body decrypted.
      const client = clientOf(req.remote);
      const wait = webhookFlood.peek(client);
      if (wait) return json(429, { error: 'too many requests; try again later' }, { 'retry-after': String(wait) });
      const res = await r.handle(req);
      if (res.status >= 400 && res.status < 500) webhookFlood.take(client);
      return res;
    }
    if (r) return r.handle(req);
    if (paths.has(req.path)) return json(405, { error: `method ${req.method} not allowed here` });
    return json(404, { error: `no route ${req.path}` });
  }

  return {
    request,
    listen(port, host = '0.0.0.0', limits = {}) {
      const l = { ...DEFAULT_LIMITS, ...limits };
      const s = createServer({
        headersTimeout: l.headersTimeoutMs,
        requestTimeout: l.requestTimeoutMs,
        keepAliveTimeout: l.keepAliveTimeoutMs,
        // Node checks the two timeouts every 30 s by default, which lets a slow client stay that much longer.
        connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(l.headersTimeoutMs / 4))),
        // A missing Host gets serve()'s JSON 400 instead of Node's bare one.
        requireHostHeader: false,
      }, (req, res) => void serve(req, res));
      s.maxConnections = l.maxConnections;
      // Expect: 100-continue: say no before the body is sent when its declared length is over the limit.
      s.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
        if (!declaredTooLarge(req)) res.writeContinue();
        void serve(req, res);
      });
      s.on('clientError', onClientError);
      s.on('connection', (socket: Socket) => {
        acceptedCount++;
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      let dropped = 0;
      let droppedLogged = 0;
      s.on('drop', () => {
        dropped++;
        if (Date.now() - droppedLogged < 60_000) return;
        droppedLogged = Date.now();
        log.warn({ dropped, maxConnections: l.maxConnections }, 'connections over the cap closed at once');
        dropped = 0;
      });
      server = s;
      return new Promise((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve(s));
      });
    },
    close(timeoutMs = Number.POSITIVE_INFINITY) {
      closed ??= shutdown(timeoutMs);
      return closed;
    },
  };

  async function shutdown(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    closing = true;
    portClosed = new Promise((resolve) => { markPortClosed = resolve; });
    let complete = true;
    if (server) complete = await drain(server, deadline);
    markPortClosed();
    // Channels stop after the last request (a webhook's work starts there), within what is left.
    const stopped = await within(Promise.all(channels.map((c) => c.stop?.())), deadline - Date.now());
    if (!stopped) log.warn({ channels: channels.filter((c) => c.stop).map((c) => c.name) }, 'shutdown: gave up waiting for the channels to stop');
    return complete && stopped;
  }

  /**
   * Stops listening and lets the connections finish: resolves true once none is left and no
   * request is in flight, or false at the deadline after cutting what is left.
   */
  async function drain(s: Server, deadline: number): Promise<boolean> {
    // Connections the kernel completed but Node has not accepted yet are reset when the listening
    // socket closes: accept until a whole poll phase (two turns of the loop) brings none.
    const acceptUntil = Math.min(deadline, Date.now() + ACCEPT_DRAIN_MS);
    for (let seen = -1; seen !== acceptedCount && Date.now() < acceptUntil;) {
      seen = acceptedCount;
      for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
    }
    // net.Server's close stops listening; http.Server's would also close the idle keep-alive
    // connections at once, under clients sending their next request on them.
    const since = Date.now();
    let done = false;
    NetServer.prototype.close.call(s, () => { done = true; });
    markPortClosed();
    for (;;) {
      if (done && inFlight === 0) return true;
      if (Date.now() >= deadline) break;
      // Every answer now closes its connection; an idle one is closed after its grace, and one
      // that never sent a byte after a longer one.
      if (Date.now() - since >= IDLE_GRACE_MS) s.closeIdleConnections();
      if (Date.now() - since >= SILENT_GRACE_MS) {
        for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    log.warn({ connections: sockets.size, inFlight }, 'shutdown: time is up, cutting the connections left');
    s.closeAllConnections();
    return false;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    inFlight++;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      let out: RawResponse;
      let cut = false;
      if (req.httpVersion === '1.1' && req.headers.host === undefined) out = json(400, { error: 'missing Host header' });
      else if (declaredTooLarge(req)) {
        out = tooLarge();
        cut = true;
      } else {
        const body = await readBody(req);
        cut = body === 'too-large';
        out = body === 'too-large'
          ? tooLarge()
          : await request({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers, body, remote: req.socket.remoteAddress, receivedAt });
      }
      await send(req, res, out, cut);
    } catch (err) {
      log.error({ err: (err as Error).message }, 'serve failed');
      if (!res.headersSent) await send(req, res, json(400, { error: 'bad request' }), true);
      else res.destroy();
    } finally {
      inFlight--;
    }
  }

  /**
   * Writes an answer; `Connection: close` when the rest of the request is not read or the service
   * is stopping. While stopping, such an answer waits for the port to close (a moment): its client
   * may reconnect at once, and should then be refused, not queued behind the closing port and reset.
   */
  async function send(req: IncomingMessage, res: ServerResponse, out: RawResponse, cut: boolean): Promise<void> {
    if (closing) await portClosed;
    // The client error handler answered and ended this connection already (e.g. 408 mid-body).
    if (answered.has(req.socket) || req.socket.destroyed) return;
    res.writeHead(out.status, { ...out.headers, 'content-length': String(Buffer.byteLength(out.body)), ...((closing || cut) && { connection: 'close' }) });
    res.end(out.body);
  }

  /**
   * Parser errors and timeouts (Node's default answers them with a bare status line): a short JSON
   * answer when nothing of a response was written yet, then the connection is ended, and destroyed
   * after a short linger.
   */
  function onClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
    if (answered.has(socket)) return;
    answered.add(socket);
    // Node's own handler checks the same: a response already begun on this connection cannot be followed by another.
    const inProgress = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inProgress?.headersSent) {
      socket.destroy();
      return;
    }
    const [status, error] = err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'request headers too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'request not received in time']
      : err.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW' ? [413, 'chunk extensions too large']
      : [400, 'malformed request'];
    const body = JSON.stringify({ error });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  }
}

function tooLarge(): RawResponse {
  return json(413, { error: `body over ${MAX_BODY} bytes` });
}

/** A declared Content-Length over MAX_BODY: answered before any of the body is read. */
function declaredTooLarge(req: IncomingMessage): boolean {
  return Number(req.headers['content-length'] ?? 0) > MAX_BODY;
}

/**
 * Reads a request body up to MAX_BODY; 'too-large' as soon as it passes it, and then the rest is
 * not read (the connection is closed after the 413). Rejects when the client goes away mid-body.
 */
function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= MAX_BODY) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.pause();
      resolve('too-large');
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
    req.on('close', () => { if (!req.complete) reject(new Error('client went away mid-body')); });
  });
}

/** Whether `work` settles (fulfilled or rejected) within `ms`; it is left running when it does not. */
export async function within(work: Promise<unknown>, ms: number): Promise<boolean> {
  if (ms === Number.POSITIVE_INFINITY) return work.then(() => true, () => true);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), Math.max(0, ms)); });
  try {
    return await Promise.race([work.then(() => true, () => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

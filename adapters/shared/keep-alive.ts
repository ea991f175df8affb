/**
 * Outgoing calls to the platforms' APIs on keep-alive node:http(s) agents shared by the channels:
 * a turn's reply reuses an open connection instead of a new TCP (and TLS) handshake, and goes
 * through node:http, which costs a fraction of the CPU of the global fetch (measured on the LINE
 * reply: see adapters/line/api.ts).
 *
 * Idle connections are closed after IDLE_MS, sooner than servers usually close theirs (and sooner
 * still when a server says `Keep-Alive: timeout=…`), so a request is rarely written to a connection
 * the server is closing; when one is (a reset on a reused connection before any answer), the server
 * never read it and it is sent once more on a new connection.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { TimeoutError } from './time.ts';

/** How long an idle connection is kept for the next call. */
const IDLE_MS = 4000;
/** Connections per API origin at most (calls beyond wait for one). */
const MAX_SOCKETS = 256;

export const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS });
export const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: MAX_SOCKETS, timeout: IDLE_MS });

/** The shared agent for a URL's protocol. */
export function agentFor(url: string | URL): HttpAgent | HttpsAgent {
  return String(url).startsWith('https:') ? httpsAgent : httpAgent;
}

export interface CallOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** The whole call (connection, request, answer) at most this long: then a TimeoutError. */
  timeoutMs: number;
  /** An answer body longer than this is not read: `body` is then null. */
  maxBytes?: number;
}

export interface HttpAnswer {
  status: number;
  statusText: string;
  headers: IncomingHttpHeaders;
  /** The whole body, or null when it was longer than `maxBytes`. */
  body: Buffer | null;
}

/** Errors of a connection the server had already closed when a reused one was written to. */
const STALE = new Set(['ECONNRESET', 'EPIPE']);

/** One HTTP call on the shared agents; rejects on a network failure or the timeout, never on a status. */
export function call(url: string | URL, options: CallOptions): Promise<HttpAnswer> {
  const target = typeof url === 'string' ? new URL(url) : url;
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers: Record<string, string | number> = { ...options.headers };
  if (options.body !== undefined) headers['content-length'] = Buffer.byteLength(options.body);
  const deadline = Date.now() + options.timeoutMs;

  const attempt = (retry: boolean): Promise<HttpAnswer> => new Promise<HttpAnswer>((resolve, reject) => {
    let answered = false;
    const req = request(target, { method: options.method ?? 'GET', headers, agent: agentFor(target) }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      let ended = false;
      if (options.maxBytes !== undefined && Number(res.headers['content-length'] ?? 0) > options.maxBytes) {
        ended = true;
        res.destroy();
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: null });
        return;
      }
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (options.maxBytes !== undefined && size > options.maxBytes) {
          ended = true;
          res.destroy();
          resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: null });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', () => {
        ended = true;
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('close', () => { if (!ended) reject(new Error('the connection closed before the answer ended')); });
    });
    const timer = setTimeout(() => req.destroy(new TimeoutError(`timed out after ${options.timeoutMs} ms`)), Math.max(1, deadline - Date.now()));
    req.once('close', () => clearTimeout(timer));
    req.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (retry && !answered && req.reusedSocket && STALE.has(error.code ?? '') && Date.now() < deadline) resolve(attempt(false));
      else reject(error);
    });
    req.end(options.body);
  });
  return attempt(true);
}

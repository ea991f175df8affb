import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * The HTTP vocabulary between the service (adapters/http.ts) and the channels: a request with
 * its raw body already read (at most 1 MiB), a response, and a route a channel serves.
 */
export interface RawRequest {
  method: string;
  /** Path without the query string, e.g. /webhooks/line */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** The client's address (absent for requests made in memory, as tests do). */
  remote?: string;
  /** When the request arrived (Date.now()), before its body was read; absent for requests made in memory. */
  receivedAt?: number;
}

export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

/** A route a channel serves on the service's HTTP server. */
export interface HttpRoute {
  method: 'GET' | 'POST';
  path: string;
  handle(req: RawRequest): Promise<RawResponse>;
}

/** A JSON response (with `headers` besides its content type, e.g. Retry-After). */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): RawResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/** One header's value (the first, when repeated). */
export function header(req: RawRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Text made safe inside HTML (element content and quoted attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A secret a request gave compared with the expected one in constant time (through their hashes, so lengths do not show). */
export function sameSecret(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  return timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());
}

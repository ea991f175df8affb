/**
 * What a messaging channel plugs into the HTTP service: a webhook route handled from the raw
 * request (the body already read, at most 1 MiB), and optional start/stop for long polling.
 * The service (adapters/http.ts) owns the HTTP server; channels never listen themselves.
 */
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';

export interface RawRequest {
  method: string;
  /** Path without the query string, e.g. /webhooks/line */
  path: string;
  query: URLSearchParams;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface RawResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface Channel {
  /** "telegram", "line" */
  name: string;
  /** The webhook route it serves (POST), if any. */
  route?: string;
  handle?(req: RawRequest): Promise<RawResponse>;
  /** Starts receiving (long polling) and registers commands; resolves once running. */
  start?(): Promise<void>;
  /** Stops taking updates and waits for those in flight. */
  stop?(): Promise<void>;
}

/** A JSON response. */
export function json(status: number, body: unknown): RawResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/**
 * Splits a text into pieces of at most `max` characters (code points), at line breaks where it
 * can, so a long reply arrives whole on channels with a message size limit.
 */
export function splitText(text: string, max: number): string[] {
  const chars = [...text];
  if (chars.length <= max) return [text];
  const out: string[] = [];
  let rest = chars;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const nl = window.lastIndexOf('\n');
    const cut = nl > max / 2 ? nl + 1 : max;
    out.push(rest.slice(0, cut).join('').replace(/\n$/, ''));
    rest = rest.slice(cut);
  }
  if (rest.length) out.push(rest.join(''));
  return out;
}

/** A user id as logs show it: a short hash, never the id itself (no personal data in logs). */
export function logId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 10);
}

export type { Logger };

/**
 * The HTTP service: the local web chat page, its JSON API, health, and the channels' webhooks,
 * on node:http. `app.request(raw)` answers a request in memory (tests drive it like Hono's
 * `app.request`); `app.listen(port)` serves it. Bad requests get a status and a short JSON error,
 * never a stack trace: 400 malformed, 401 (channels), 413 over 1 MiB, 404 unknown route.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { z } from 'zod';
import { SESSION_TTL_MS, userPrefix, type Bot } from '../src/bot.ts';
import type { Input, StepResult } from '../src/dialogue/types.ts';
import { toProtocolOutput } from './jsonl-protocol.ts';
import { json, logId, type Channel, type Logger, type RawRequest, type RawResponse } from './channel.ts';

/** Largest request body read; larger ones get 413. */
export const MAX_BODY = 1024 * 1024;

const PAGE = path.join(path.dirname(new URL(import.meta.url).pathname), 'web/index.html');

const chatRequest = z.strictObject({
  user: z.string().min(1).max(200),
  text: z.string().max(100_000).optional(),
  action: z.string().min(1).max(300).optional(),
  value: z.unknown().optional(),
}).refine((r) => [r.text !== undefined, r.action !== undefined, 'value' in r].filter(Boolean).length === 1, 'give exactly one of text, action, value');

export interface App {
  request(req: RawRequest): Promise<RawResponse>;
  listen(port: number, host?: string): Promise<Server>;
  /** Stops taking requests, waits for those in flight, stops the channels. */
  close(): Promise<void>;
}

export function createApp(bot: Bot, channels: Channel[], log: Logger): App {
  const routes = new Map(channels.filter((c) => c.route && c.handle).map((c) => [c.route!, c]));
  let server: Server | undefined;
  let inFlight = 0;
  let idle: (() => void) | undefined;

  // The web chat cannot be pushed to: reminders wait in the user's outbox (in the store, under
  // the user's prefix) and go out in `pushed` with the user's next /api/chat answer.
  const outboxKey = (chat: string): string => `${userPrefix(`web:${chat}`)}outbox`;
  bot.registerSender('web', (chat, text) => bot.store.withLock(outboxKey(chat), async () => {
    const waiting = (await bot.store.get<string[]>(outboxKey(chat))) ?? [];
    await bot.store.set(outboxKey(chat), [...waiting, text], SESSION_TTL_MS);
  }));
  async function takeOutbox(chat: string): Promise<{ user: string; text: string }[]> {
    const texts = await bot.store.withLock(outboxKey(chat), async () => {
      const waiting = (await bot.store.get<string[]>(outboxKey(chat))) ?? [];
      if (waiting.length) await bot.store.delete(outboxKey(chat));
      return waiting;
    });
    return texts.map((text) => ({ user: chat, text }));
  }

  async function request(req: RawRequest): Promise<RawResponse> {
    try {
      return await route(req);
    } catch (err) {
      log.error({ err: (err as Error).message, path: req.path }, 'request failed');
      return json(500, { error: 'internal error' });
    }
  }

  async function route(req: RawRequest): Promise<RawResponse> {
    if (req.method === 'GET' && req.path === '/') {
      return { status: 200, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }, body: readFileSync(PAGE) };
    }
    if (req.method === 'GET' && req.path === '/healthz') {
      const ok = await bot.store.ping();
      return json(ok ? 200 : 503, { ok, edition: bot.knowledge.edition, channels: ['web', ...channels.map((c) => c.name)] });
    }
    if (req.method === 'POST' && req.path === '/api/chat') return chat(req);
    if (req.method === 'POST' && req.path === '/api/photo') return photo(req);
    const channel = routes.get(req.path);
    if (channel && req.method === 'POST') return channel.handle!(req);
    if (channel || ['/', '/healthz', '/api/chat', '/api/photo'].includes(req.path)) return json(405, { error: `method ${req.method} not allowed here` });
    return json(404, { error: `no route ${req.path}` });
  }

  async function chat(req: RawRequest): Promise<RawResponse> {
    let data: unknown;
    try {
      data = JSON.parse(req.body.toString('utf8'));
    } catch {
      return json(400, { error: 'body must be JSON: {"user": "…", "text": "…"} (or "action" or "value")' });
    }
    const parsed = chatRequest.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return json(400, { error: `${issue.path.join('.') || 'body'}: ${issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue.message}` });
    }
    const { user, text, action } = parsed.data;
    const input: Input = text !== undefined ? { kind: 'text', text } : action !== undefined ? { kind: 'action', action } : { kind: 'value', value: parsed.data.value };
    const out = toProtocolOutput(await turn(`web:${user}`, input));
    return json(200, { ...out, pushed: await takeOutbox(user) });
  }

  async function photo(req: RawRequest): Promise<RawResponse> {
    const user = req.query.get('user');
    if (!user || user.length > 200) return json(400, { error: 'give the user as ?user=ID and the image bytes as the body' });
    if (req.body.length === 0) return json(400, { error: 'the body must be the image bytes' });
    return json(200, toProtocolOutput(await turn(`web:${user}`, { kind: 'upload', data: req.body })));
  }

  async function turn(user: string, input: Input | { kind: 'upload'; data: Uint8Array }): Promise<StepResult> {
    const started = performance.now();
    const r = await bot.handle(user, input);
    log.debug({ user: logId(user), kind: input.kind, ms: Math.round(performance.now() - started) }, 'turn');
    return r;
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
    inFlight++;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const body = await readBody(req);
      const out = body === 'too-large'
        ? json(413, { error: `body over ${MAX_BODY} bytes` })
        : await request({ method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, headers: req.headers as Record<string, string | undefined>, body });
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

/**
 * A small fake Telegram Bot API server on 127.0.0.1 for tests: records every method call,
 * answers `{ok: true, result}` with plausible results, serves queued updates to getUpdates (long
 * polling briefly when there are none) and files at GET /file/bot<token>/<path>. It enforces the
 * limits the real API does (message text ≤ 4096, callback_data ≤ 64 bytes), so a bad message fails
 * here as it would there.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Update } from 'grammy/types';

export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
  /** When the call arrived, in order. */
  seq: number;
  /** Whether it succeeded (false for a failure set with failNext or dropNext, or a refused message). */
  ok: boolean;
  /** The connection was dropped without an answer (dropNext). */
  dropped?: boolean;
}

export interface ApiFailure { error_code: number; description: string; parameters?: { retry_after?: number } }

/** What a sent message's keyboard looks like in a recorded call. */
export interface SentButton { text: string; callback_data: string }

export class FakeTelegram {
  readonly calls: ApiCall[] = [];
  private server: Server;
  private updates: Update[] = [];
  private waiters: (() => void)[] = [];
  private listeners: (() => void)[] = [];
  private files = new Map<string, { path: string; data: Uint8Array }>();
  private failures = new Map<string, ApiFailure[]>();
  private drops = new Map<string, number>();
  private messageId = 1000;
  private nextUpdateId = 1;
  private seq = 0;
  /** How long getUpdates waits for updates when there are none (the real server: `timeout` s). */
  longPollMs = 200;
  /** Chats whose person blocked the bot: sendMessage answers 403. */
  readonly blocked = new Set<number>();
  /** While true every request's connection is dropped, like a network failure. */
  unreachable = false;
  url = '';

  constructor(readonly token: string) {
    this.server = createServer((req, res) => void this.route(req, res));
  }

  /** Listens on 127.0.0.1, on `port` when given (to come back where a closed server was). */
  async listen(port = 0): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Queues an update for getUpdates (its update_id assigned in order when not given). */
  queue(update: Omit<Update, 'update_id'> & { update_id?: number }): Update {
    const u = { ...update, update_id: update.update_id ?? this.nextUpdateId++ } as Update;
    this.updates.push(u);
    for (const w of this.waiters.splice(0)) w();
    return u;
  }

  /** A file getFile can find and GET /file/bot<token>/<path> serves. */
  addFile(fileId: string, path: string, data: Uint8Array): void {
    this.files.set(fileId, { path, data });
  }

  /** The next call of `method` fails with this error (one per call). */
  failNext(method: string, failure: ApiFailure): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), failure]);
  }

  /**
   * The next `n` calls of `method` are read and then get no answer: the connection is destroyed,
   * as when it is reset. The caller cannot know whether the call took effect; here it did not.
   */
  dropNext(method: string, n = 1): void {
    this.drops.set(method, (this.drops.get(method) ?? 0) + n);
  }

  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** The messages delivered to a chat, in order (failed calls left out). */
  sent(chatId: number): { text: string; buttons: SentButton[]; seq: number }[] {
    return this.callsOf('sendMessage')
      .filter((c) => c.ok && Number(c.body.chat_id) === chatId)
      .map((c) => ({ text: String(c.body.text), buttons: buttonsOf(c.body.reply_markup), seq: c.seq }));
  }

  /** Resolves once `check` holds over the recorded calls; rejects after `ms`. */
  waitFor<T>(check: () => T | undefined | false, ms = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const test = (): boolean => {
        const v = check();
        if (v === undefined || v === false) return false;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(v);
        return true;
      };
      const listener = () => void test();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`fake Telegram: condition not met within ${ms} ms (${this.calls.length} calls so far)`));
      }, ms);
      if (!test()) this.listeners.push(listener);
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.unreachable) {
      req.socket.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && file) {
      const found = file[1] === this.token ? [...this.files.values()].find((f) => f.path === file[2]) : undefined;
      res.writeHead(found ? 200 : 404, { 'content-type': 'application/octet-stream' });
      res.end(found ? Buffer.from(found.data) : undefined);
      return;
    }
    const api = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(url.pathname);
    if (!api || api[1] !== this.token) return reply(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    const method = api[2]!;
    const body = parseBody(await readBody(req), req.headers['content-type'] ?? '');
    const drops = this.drops.get(method) ?? 0;
    if (drops > 0) {
      this.drops.set(method, drops - 1);
      this.calls.push({ method, body, seq: this.seq++, ok: false, dropped: true });
      req.socket.destroy();
      for (const l of [...this.listeners]) l();
      return;
    }
    const failure = this.failures.get(method)?.shift();
    const call: ApiCall = { method, body, seq: this.seq++, ok: !failure };
    this.calls.push(call);
    if (failure) return this.answer(res, { ok: false, ...failure });
    if (method === 'getUpdates') return this.getUpdates(req, res, body);
    const result = this.result(method, body);
    call.ok = result.ok;
    this.answer(res, result);
  }

  private answer(res: ServerResponse, payload: { ok: boolean; [k: string]: unknown }): void {
    reply(res, payload.ok ? 200 : Number(payload.error_code) || 400, payload);
    for (const l of [...this.listeners]) l();
  }

  private result(method: string, body: Record<string, unknown>): { ok: boolean; [k: string]: unknown } {
    switch (method) {
      case 'sendMessage': {
        const text = typeof body.text === 'string' ? body.text : '';
        if (text.trim() === '') return { ok: false, error_code: 400, description: 'Bad Request: message text is empty' };
        if (text.length > 4096) return { ok: false, error_code: 400, description: 'Bad Request: message is too long' };
        const tooLong = buttonsOf(body.reply_markup).find((b) => Buffer.byteLength(b.callback_data) > 64 || b.callback_data === '');
        if (tooLong) return { ok: false, error_code: 400, description: 'Bad Request: BUTTON_DATA_INVALID' };
        const chatId = Number(body.chat_id);
        if (this.blocked.has(chatId)) return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' };
        return { ok: true, result: { message_id: this.messageId++, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Test' }, text } };
      }
      case 'getFile': {
        const f = this.files.get(String(body.file_id));
        if (!f) return { ok: false, error_code: 400, description: 'Bad Request: invalid file_id' };
        return { ok: true, result: { file_id: body.file_id, file_unique_id: `u${String(body.file_id)}`, file_size: f.data.length, file_path: f.path } };
      }
      case 'getMe':
        return { ok: true, result: { id: 1, is_bot: true, first_name: 'Fake', username: 'fake_bot' } };
      default:
        // setMyCommands, answerCallbackQuery, deleteWebhook, setWebhook, …
        return { ok: true, result: true };
    }
  }

  /** Queued updates from `offset` on, at once; else waits briefly for some, like long polling. */
  private getUpdates(req: IncomingMessage, res: ServerResponse, body: Record<string, unknown>): void {
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    const pending = () => this.updates.filter((u) => u.update_id >= offset).slice(0, limit);
    this.updates = this.updates.filter((u) => u.update_id >= offset); // confirmed ones are gone
    const ready = pending();
    if (ready.length) return this.answer(res, { ok: true, result: ready });
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== finish);
      if (!res.destroyed) this.answer(res, { ok: true, result: pending() });
    };
    const timer = setTimeout(finish, Math.min(this.longPollMs, Number(body.timeout ?? 0) * 1000 || this.longPollMs));
    this.waiters.push(finish);
    req.on('close', () => {
      if (res.writableEnded) return;
      done = true;
      clearTimeout(timer);
      this.waiters = this.waiters.filter((w) => w !== finish);
    });
  }
}

function buttonsOf(markup: unknown): SentButton[] {
  const parsed = typeof markup === 'string' ? (JSON.parse(markup) as unknown) : markup;
  const rows = (parsed as { inline_keyboard?: SentButton[][] } | undefined)?.inline_keyboard ?? [];
  return rows.flat();
}

function reply(res: ServerResponse, status: number, payload: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(payload));
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, urlencoded or multipart form fields (values that look like JSON are parsed). */
function parseBody(raw: Buffer, type: string): Record<string, unknown> {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (type.includes('application/json')) return JSON.parse(text) as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  const value = (v: string): unknown => {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  };
  if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(text)) fields[k] = value(v);
    return fields;
  }
  const boundary = /boundary=("?)([^";]+)\1/.exec(type)?.[2];
  if (boundary) {
    for (const part of text.split(`--${boundary}`)) {
      const m = /name="([^"]+)"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*)\r\n$/.exec(part);
      if (m) fields[m[1]!] = value(m[2]!);
    }
  }
  return fields;
}

/**
 * The LINE channel: a signed webhook in, the Messaging API out. Events become engine inputs
 * (text, button presses as postbacks, photos fetched from the data API); replies become text
 * messages with quick replies, sent with the reply token while it is fresh and pushed (with a
 * retry key, so a retried push is not doubled) when the token is refused or there are more than
 * five messages. The LINE SDK is imported only here.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HTTPFetchError, messagingApi, validateSignature } from '@line/bot-sdk';
import type { Bot, Upload } from '../src/bot.ts';
import type { Button, Input, Reply } from '../src/dialogue/types.ts';
import { json, logId, splitText, type Channel, type Logger, type RawRequest, type RawResponse } from './channel.ts';

export interface LineOptions {
  channelSecret: string;
  channelAccessToken: string;
  /** Messaging API origin (default https://api.line.me); any path is dropped by the SDK. */
  apiBaseUrl?: string;
  /** Data API origin for message content (default https://api-data.line.me). */
  dataApiBaseUrl?: string;
  log: Logger;
  /** How long the webhook answer waits for its events before answering 200 anyway (default 2000 ms). */
  ackWithinMs?: number;
  /** Pushes a month the plan allows (LINE_PUSH_QUOTA, default 200); the logs warn from 80 % on. */
  pushQuota?: number;
}

/** The default monthly push quota (LINE's free plan). */
export const DEFAULT_PUSH_QUOTA = 200;
/** The share of the quota from which every push logs a warning. */
const QUOTA_WARN_SHARE = 0.8;

/** The Messaging API's limits (developers.line.biz reference: text, quick reply, postback action). */
export const LINE_LIMITS = {
  messagesPerCall: 5,
  textChars: 5000,
  quickReplyItems: 13,
  labelChars: 20,
  postbackDataChars: 300,
  displayTextChars: 300,
} as const;

/** A reply token is used only while younger than this (LINE keeps it valid for about a minute). */
const REPLY_TOKEN_FRESH_MS = 50_000;
/** No single API call may hold a user's queue longer than this (the SDK's fetch has no timeout). */
const CALL_TIMEOUT_MS = 10_000;
const PUSH_ATTEMPTS = 3;
/** Photos over this are not read whole (the notice wants under 1M anyway). */
const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** How many recent event ids (dedupe) and users' numbered buttons are remembered. */
const MEMORY = 10_000;

const TEXT = {
  unsupported: '目前我能看懂文字和照片：请直接打字提问，或发送证件照让我检查是否符合要求。',
  sorry: '抱歉，刚才出了点问题，你的输入可能没有生效，请稍后再试。',
  imageFailed: '抱歉，没能取到你发的图片，请稍后再发一次。',
  imageExternal: '这张图片无法读取，请直接从手机相册发送照片原图。',
  imageTooLarge: `这张图片超过${MAX_IMAGE_BYTES / 1024 / 1024}M，无法检查；证件照要求小于1M。`,
  chooseHeader: '也可以直接回复数字选择：',
  choose: '请选择：',
};

/** The LINE channel on route /webhooks/line. */
export function createLine(bot: Bot, opts: LineOptions): Channel {
  const log = opts.log.child({ channel: 'line' });
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.apiBaseUrl) });
  const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.dataApiBaseUrl) });
  const ackWithinMs = opts.ackWithinMs ?? 2000;
  const seen = new BoundedMap<string, true>(MEMORY);
  /** Per engine user: the buttons last shown as numbered lines (a bare number presses one). */
  const numbered = new BoundedMap<string, Button[]>(MEMORY);
  const queues = new Map<string, Promise<void>>();
  const inflight = new Set<Promise<unknown>>();
  let stopping = false;

  /** Runs `task` after the user's earlier events, so one user's replies go out in order. */
  function enqueue(user: string, task: () => Promise<void>): Promise<void> {
    const next = (queues.get(user) ?? Promise.resolve()).then(task).catch((err: unknown) => {
      log.error({ user: logId(user), err: errInfo(err) }, 'line event failed');
    });
    queues.set(user, next);
    void next.finally(() => { if (queues.get(user) === next) queues.delete(user); });
    return next;
  }

  async function processEvent(ev: LineEvent, receivedAt: number): Promise<void> {
    const started = Date.now();
    const uid = logId(ev.user);
    const fresh = () => Date.now() - receivedAt < REPLY_TOKEN_FRESH_MS;
    const input = await toInput(ev);
    let replies: Reply[];
    if (input.kind === 'say') {
      replies = [{ text: input.text, buttons: [], citations: [] }];
    } else {
      try {
        replies = (await bot.handle(ev.user, input)).replies;
      } catch (err) {
        log.error({ user: uid, err: errInfo(err) }, 'line turn failed');
        replies = [{ text: TEXT.sorry, buttons: [], citations: [] }];
      }
    }
    const rendered = renderReplies(replies);
    if (rendered.numbered) numbered.set(ev.user, rendered.numbered);
    else if (rendered.messages.length) numbered.delete(ev.user);
    await deliver(ev, rendered.messages, fresh, uid);
    log.info({ user: uid, event: ev.type, input: input.kind, messages: rendered.messages.length, ms: Date.now() - started }, 'line event handled');
  }

  /** What the engine gets for an event, or a fixed text to say without asking it. */
  async function toInput(ev: LineEvent): Promise<Input | Upload | { kind: 'say'; text: string }> {
    switch (ev.kind) {
      case 'follow': return { kind: 'text', text: '你好' };
      case 'postback': return { kind: 'action', action: ev.data };
      case 'text': {
        const n = bareNumber(ev.text);
        const pressed = n === null ? undefined : numbered.get(ev.user)?.[n - 1];
        return pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: ev.text };
      }
      case 'image': {
        if (ev.external) return { kind: 'say', text: TEXT.imageExternal };
        try {
          const data = await withTimeout(blob.getMessageContent(ev.messageId).then((s) => readAll(s, MAX_IMAGE_BYTES)), CALL_TIMEOUT_MS);
          if (!data) return { kind: 'say', text: TEXT.imageTooLarge };
          return { kind: 'upload', data };
        } catch (err) {
          log.warn({ user: logId(ev.user), err: errInfo(err) }, 'line image content failed');
          return { kind: 'say', text: TEXT.imageFailed };
        }
      }
      case 'other-message': return { kind: 'say', text: TEXT.unsupported };
    }
  }

  /** Up to five messages by reply while the token is fresh; the rest (or all, if refused) by push. */
  async function deliver(ev: LineEvent, messages: messagingApi.TextMessage[], fresh: () => boolean, uid: string): Promise<void> {
    let rest = messages;
    if (!rest.length) return;
    if (ev.replyToken && fresh()) {
      const first = rest.slice(0, LINE_LIMITS.messagesPerCall);
      try {
        await withTimeout(client.replyMessage({ replyToken: ev.replyToken, messages: first }), CALL_TIMEOUT_MS);
        rest = rest.slice(first.length);
      } catch (err) {
        // Refused (expired or used token, 4xx/5xx answer) or not sent at all: push instead.
        // Timed out: it may still arrive, so it is not resent (a push would double it).
        if (err instanceof TimeoutError) {
          log.warn({ user: uid }, 'line reply timed out; not resent');
          return;
        }
        log.warn({ user: uid, err: errInfo(err) }, 'line reply refused; pushing');
      }
    }
    for (let i = 0; i < rest.length; i += LINE_LIMITS.messagesPerCall) {
      await push(ev.to, rest.slice(i, i + LINE_LIMITS.messagesPerCall), uid);
    }
  }

  /** One push, retried on 5xx, 429 and network errors with the same retry key; 409 = already sent. */
  async function push(to: string, messages: messagingApi.TextMessage[], uid: string, retryKey: string = randomUUID()): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(client.pushMessage({ to, messages }, retryKey), CALL_TIMEOUT_MS);
        await countPush(messages.length);
        return;
      } catch (err) {
        const status = err instanceof HTTPFetchError ? err.status : undefined;
        if (status === 409) return; // an earlier attempt with this key was accepted (and counted)
        const retryable = status === undefined || status === 429 || status >= 500;
        if (!retryable || attempt >= PUSH_ATTEMPTS) throw err;
        log.warn({ user: uid, attempt, err: errInfo(err) }, 'line push failed; retrying with the same key');
        await sleep(100 * 4 ** (attempt - 1));
      }
    }
  }

  /**
   * Pushes count against the plan's monthly quota (each message of a push counts): counted in
   * the store, so several instances share the count; warned about from 80 % on.
   */
  const quota = opts.pushQuota ?? DEFAULT_PUSH_QUOTA;
  async function countPush(n: number): Promise<void> {
    const month = new Date().toISOString().slice(0, 7);
    const key = `line:pushes:${month}`;
    try {
      const used = await bot.store.withLock(key, async () => {
        const total = ((await bot.store.get<number>(key)) ?? 0) + n;
        await bot.store.set(key, total, 40 * 24 * 3600 * 1000);
        return total;
      });
      if (used >= quota * QUOTA_WARN_SHARE) log.warn({ month, used, quota }, used >= quota ? 'LINE push quota used up: pushes may be refused (LINE_PUSH_QUOTA)' : 'LINE push quota nearly used (LINE_PUSH_QUOTA)');
    } catch (err) {
      log.warn({ err: errInfo(err) }, 'LINE push count not stored');
    }
  }

  // Reminders go out by push, with a retry key derived from the reminder's claim, so a retried
  // reminder is not doubled even across the runner's own retries.
  bot.registerSender('line', async (to, text, key) => {
    const { messages } = renderReplies([{ text, buttons: [], citations: [] }]);
    for (let i = 0; i < messages.length; i += LINE_LIMITS.messagesPerCall) {
      await push(to, messages.slice(i, i + LINE_LIMITS.messagesPerCall), logId(`line:${to}`), retryKeyOf(`${key}#${i}`));
    }
  });

  return {
    name: 'line',
    route: '/webhooks/line',
    async handle(req: RawRequest): Promise<RawResponse> {
      if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
      if (stopping) return json(503, { error: 'shutting down' });
      const signature = req.headers['x-line-signature'];
      if (!signature) return json(401, { error: 'missing x-line-signature' });
      if (!verify(req.body, opts.channelSecret, signature)) return json(401, { error: 'invalid signature' });
      const events = parseWebhook(req.body);
      if (!events) return json(400, { error: 'body must be JSON {destination, events: [...]}' });

      const receivedAt = Date.now();
      const tasks: Promise<void>[] = [];
      for (const raw of events) {
        const ev = parseEvent(raw);
        if (!ev) continue;
        if (ev.standby) continue; // another channel answers in standby mode
        if (ev.id) {
          if (seen.has(ev.id)) {
            log.info({ user: logId(ev.user), redelivery: ev.redelivery }, 'line event already handled');
            continue;
          }
          seen.set(ev.id, true);
        }
        tasks.push(enqueue(ev.user, () => processEvent(ev, receivedAt)));
      }
      const work = Promise.all(tasks);
      inflight.add(work);
      void work.finally(() => inflight.delete(work));
      // Answer once the events are handled, or after ackWithinMs: LINE must not wait on a slow push.
      await raceTimer(work, ackWithinMs);
      return json(200, { ok: true });
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...inflight]);
    },
  };
}

/** The rendered replies of one turn, and the buttons listed as numbered lines (null if none). */
export interface Rendered { messages: messagingApi.TextMessage[]; numbered: Button[] | null }

/**
 * Replies → LINE text messages: texts over 5000 characters split, the turn's buttons as quick
 * replies (postbacks) on the last message. When there are more than 13 buttons or one does not
 * fit (label over 20 characters, action over 300), all of them are also listed as numbered lines.
 */
export function renderReplies(replies: Reply[]): Rendered {
  const buttons = uniqueButtons(replies.flatMap((r) => r.buttons));
  const fits = (b: Button) => [...b.label].length <= LINE_LIMITS.labelChars && b.action.length <= LINE_LIMITS.postbackDataChars;
  const listed = buttons.length > LINE_LIMITS.quickReplyItems || !buttons.every(fits);
  const texts = replies.map((r) => r.text.trim()).filter((t) => t !== '');
  if (listed) {
    const list = [TEXT.chooseHeader, ...buttons.map((b, i) => `${i + 1}. ${b.label}`)].join('\n');
    if (texts.length) texts[texts.length - 1] = `${texts.at(-1)}\n\n${list}`;
    else texts.push(list);
  } else if (!texts.length && buttons.length) {
    texts.push(TEXT.choose);
  }
  const messages: messagingApi.TextMessage[] = texts.flatMap(splitForLine).map((text) => ({ type: 'text', text }));
  const items = buttons
    .filter((b) => b.action.length <= LINE_LIMITS.postbackDataChars)
    .slice(0, LINE_LIMITS.quickReplyItems)
    .map((b): messagingApi.QuickReplyItem => ({
      type: 'action',
      action: { type: 'postback', label: clip(b.label, LINE_LIMITS.labelChars), data: b.action, displayText: clip(b.label, LINE_LIMITS.displayTextChars) },
    }));
  const last = messages.at(-1);
  if (last && items.length) last.quickReply = { items };
  return { messages, numbered: listed ? buttons : null };
}

/** A text in pieces LINE accepts: at most 5000 characters, counted in UTF-16 units to be safe. */
function splitForLine(text: string): string[] {
  return splitText(text, LINE_LIMITS.textChars).flatMap((piece) =>
    piece.length <= LINE_LIMITS.textChars ? [piece] : splitText(piece, LINE_LIMITS.textChars / 2));
}

function uniqueButtons(buttons: Button[]): Button[] {
  const seen = new Set<string>();
  return buttons.filter((b) => !seen.has(b.action) && seen.add(b.action));
}

/** At most `max` characters (code points), an ellipsis marking a cut. */
function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** A UUID (v4 layout) derived from a stable key: the same reminder always gets the same retry key. */
export function retryKeyOf(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** "3", "３", "3." → 3; anything else → null. */
function bareNumber(text: string): number | null {
  const m = /^\s*([0-9０-９]{1,2})\s*[.。、]?\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)));
  return n >= 1 ? n : null;
}

// ——— the webhook body ———

/** One event, reduced to what the channel uses. */
type LineEvent = {
  /** Engine user id, line:<userId> (or the group or room id). */
  user: string;
  /** Where pushes go: the group or room it came from, else the user. */
  to: string;
  id: string | null;
  redelivery: boolean;
  standby: boolean;
  replyToken: string | null;
  type: string;
} & (
  | { kind: 'text'; text: string }
  | { kind: 'image'; messageId: string; external: boolean }
  | { kind: 'other-message' }
  | { kind: 'postback'; data: string }
  | { kind: 'follow' }
);

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);

/** Checks the signature over the raw bytes (never re-serialised JSON). */
function verify(body: Buffer, secret: string, signature: string): boolean {
  try {
    return validateSignature(body, secret, signature);
  } catch {
    return false;
  }
}

/** The events of a `{destination?, events: [...]}` body, or null when it is not one. */
function parseWebhook(body: Buffer): Obj[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObj(parsed) || !Array.isArray(parsed.events)) return null;
  if (parsed.destination !== undefined && typeof parsed.destination !== 'string') return null;
  return parsed.events.every(isObj) ? parsed.events : null;
}

/** The event the channel acts on, or null for types it ignores or events without a source. */
function parseEvent(ev: Obj): LineEvent | null {
  const source = isObj(ev.source) ? ev.source : {};
  const userId = str(source.userId);
  const chatId = str(source.groupId) ?? str(source.roomId);
  const owner = userId ?? chatId;
  if (!owner) return null;
  const base = {
    user: `line:${owner}`,
    to: chatId ?? owner,
    id: str(ev.webhookEventId),
    redelivery: isObj(ev.deliveryContext) && ev.deliveryContext.isRedelivery === true,
    standby: ev.mode === 'standby',
    replyToken: str(ev.replyToken),
    type: typeof ev.type === 'string' ? ev.type : 'unknown',
  };
  if (ev.type === 'follow') return { ...base, kind: 'follow' };
  if (ev.type === 'postback' && isObj(ev.postback) && typeof ev.postback.data === 'string') return { ...base, kind: 'postback', data: ev.postback.data };
  if (ev.type !== 'message' || !isObj(ev.message)) return null;
  const m = ev.message;
  if (m.type === 'text' && typeof m.text === 'string') return { ...base, kind: 'text', text: m.text };
  const messageId = str(m.id);
  if (m.type === 'image' && messageId) {
    const external = isObj(m.contentProvider) && m.contentProvider.type === 'external';
    return { ...base, kind: 'image', messageId, external };
  }
  return { ...base, kind: 'other-message' };
}

// ——— small helpers ———

/** The origin of a base URL (the SDK resolves absolute paths against it, dropping any path). */
function origin(url: string | undefined): string | undefined {
  return url ? new URL(url).origin : undefined;
}

/** A stream's bytes, or null once it passes `max` (the rest is not read). */
async function readAll(stream: Readable, max: number): Promise<Uint8Array | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > max) {
      stream.destroy();
      return null;
    }
    chunks.push(b);
  }
  return new Uint8Array(Buffer.concat(chunks));
}

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new TimeoutError(`timed out after ${ms} ms`)), ms); });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** Waits for `p` or `ms`, whichever comes first; never rejects. */
async function raceTimer(p: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => undefined), new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); })]);
  clearTimeout(timer);
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What a log may say about an error: its kind and status, never a body that may quote a user. */
function errInfo(err: unknown): { name: string; status?: number; message?: string } {
  if (err instanceof HTTPFetchError) return { name: 'HTTPFetchError', status: err.status };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err };
}

/** A Map that forgets its oldest entries past `max` (recent event ids, users' buttons). */
class BoundedMap<K, V> {
  private readonly map = new Map<K, V>();
  constructor(private readonly max: number) {}
  has(k: K): boolean { return this.map.has(k); }
  get(k: K): V | undefined { return this.map.get(k); }
  delete(k: K): void { this.map.delete(k); }
  set(k: K, v: V): void {
    this.map.delete(k);
    this.map.set(k, v);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value as K);
  }
}

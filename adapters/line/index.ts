/**
 * The LINE channel: a signed webhook in, the Messaging API out. Events become engine inputs
 * (text, button presses as postbacks, photos fetched from the data API); replies become text
 * messages with quick replies, sent with the reply token while it is fresh and pushed (with a
 * retry key, so a retried push is not doubled) when the token is refused or there are more than
 * five messages. The LINE SDK is imported only in this folder.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { PushResult } from '../../src/bot/index.ts';
import { formatAction } from '../../src/core/actions.ts';
import { plain, type Input, type Reply } from '../../src/core/types.ts';
import type { Channel, ChannelSpec } from '../shared/contract.ts';
import { header, json, type RawRequest, type RawResponse } from '../shared/http.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { raceTimer, sleep, TimeoutError, withTimeout } from '../shared/time.ts';
import { parseEvent, parseWebhook, verify, type LineEvent } from './parse.ts';
import { LINE_LIMITS, renderReplies, retryKeyOf } from './render.ts';

export { LINE_LIMITS, renderReplies, retryKeyOf } from './render.ts';

export interface LineOptions {
  channelSecret: string;
  channelAccessToken: string;
  /** Messaging API origin (default https://api.line.me); any path is dropped by the SDK. */
  apiBaseUrl?: string;
  /** Data API origin for message content (default https://api-data.line.me). */
  dataApiBaseUrl?: string;
  /** How long the webhook answer waits for its events before answering 200 anyway (default 2000 ms). */
  ackWithinMs?: number;
  /** Pushes a month the plan allows (LINE_PUSH_QUOTA, default 200); the logs warn from 80 % on. */
  pushQuota?: number;
}

export const LINE_ROUTE = '/webhooks/line';
/** The default monthly push quota (LINE's free plan). */
export const DEFAULT_PUSH_QUOTA = 200;
/** The share of the quota from which every push logs a warning. */
const QUOTA_WARN_SHARE = 0.8;
/** A reply token is used only while younger than this (LINE keeps it valid for about a minute). */
const REPLY_TOKEN_FRESH_MS = 50_000;
/** No single API call may hold a user's queue longer than this (the SDK's fetch has no timeout). */
const CALL_TIMEOUT_MS = 10_000;
const PUSH_ATTEMPTS = 3;
/** Photos over this are not read whole (the notice wants under 1M anyway). */
const MAX_IMAGE_MB = 20;

export const lineSpec: ChannelSpec = {
  name: 'line',
  enabled: (c) => c.LINE_CHANNEL_SECRET !== undefined && c.LINE_CHANNEL_ACCESS_TOKEN !== undefined,
  describe: (c) => (c.LINE_CHANNEL_SECRET
    ? `LINE: on (webhook at POST ${LINE_ROUTE})`
    : 'LINE: off (set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN to turn it on)'),
  create: (kit, c) => createLine(kit, {
    channelSecret: c.LINE_CHANNEL_SECRET!, channelAccessToken: c.LINE_CHANNEL_ACCESS_TOKEN!,
    apiBaseUrl: c.LINE_API_BASE_URL, dataApiBaseUrl: c.LINE_DATA_API_BASE_URL, pushQuota: c.LINE_PUSH_QUOTA,
  }),
};

/** The LINE channel on route /webhooks/line. */
export function createLine(kit: ChannelKit, opts: LineOptions): Channel {
  const log = kit.log.child({ channel: 'line' });
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.apiBaseUrl) });
  const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.dataApiBaseUrl) });
  const ackWithinMs = opts.ackWithinMs ?? 2000;
  const quota = opts.pushQuota ?? DEFAULT_PUSH_QUOTA;
  const inflight = new Set<Promise<unknown>>();
  let stopping = false;

  async function processEvent(ev: LineEvent, receivedAt: number): Promise<void> {
    const started = Date.now();
    const uid = kit.logId(ev.user);
    const fresh = () => Date.now() - receivedAt < REPLY_TOKEN_FRESH_MS;
    const input = await toInput(ev);
    const replies: Reply[] = 'kind' in input ? (await kit.turn(ev.user, input)).replies : [input];
    const rendered = renderReplies(replies, kit.flow.texts);
    await kit.rememberNumbered(ev.user, rendered.numbered);
    await deliver(ev, rendered.messages, fresh, uid);
    log.info({ user: uid, event: ev.type, messages: rendered.messages.length, ms: Date.now() - started }, 'line event handled');
  }

  /** What the engine gets for an event, or a reply to give without asking it. */
  async function toInput(ev: LineEvent): Promise<Input | Reply> {
    switch (ev.kind) {
      case 'follow': return { kind: 'action', action: formatAction({ kind: 'start' }) };
      case 'postback': return { kind: 'action', action: ev.data };
      case 'text': {
        const pressed = await kit.pressedNumber(ev.user, ev.text);
        return pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: ev.text };
      }
      case 'image': {
        if (ev.external) return kit.say('channelImageExternal', {});
        try {
          const data = await withTimeout(blob.getMessageContent(ev.messageId).then((s) => readAll(s, MAX_IMAGE_MB * 1024 * 1024)), CALL_TIMEOUT_MS);
          return data ? { kind: 'photo', data } : kit.say('channelTooBig', { maxMB: MAX_IMAGE_MB });
        } catch (err) {
          log.warn({ user: kit.logId(ev.user), err: errInfo(err) }, 'line image content failed');
          return kit.say('channelImageFailed', {});
        }
      }
      case 'other-message': return kit.say('channelUnsupported', {});
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
      const result = await push(ev.to, rest.slice(i, i + LINE_LIMITS.messagesPerCall), uid);
      if (result !== 'sent') log.warn({ user: uid, result }, 'line reply not delivered');
    }
  }

  /** One push, retried on 5xx, 429 and network errors with the same retry key; 409 = already sent. */
  async function push(to: string, messages: messagingApi.TextMessage[], uid: string, retryKey: string = randomUUID()): Promise<PushResult> {
    for (let attempt = 1; ; attempt++) {
      try {
        await withTimeout(client.pushMessage({ to, messages }, retryKey), CALL_TIMEOUT_MS);
        await countPush(messages.length);
        return 'sent';
      } catch (err) {
        const status = err instanceof HTTPFetchError ? err.status : undefined;
        if (status === 409) return 'sent'; // an earlier attempt with this key was accepted (and counted)
        const retryable = status === undefined || status === 429 || status >= 500;
        if (!retryable) return 'not-allowed';
        if (attempt >= PUSH_ATTEMPTS) return 'retry';
        log.warn({ user: uid, attempt, err: errInfo(err) }, 'line push failed; retrying with the same key');
        await sleep(100 * 4 ** (attempt - 1));
      }
    }
  }

  /**
   * Pushes count against the plan's monthly quota (each message of a push counts): counted in
   * the store, so several instances share the count; warned about from 80 % on.
   */
  async function countPush(n: number): Promise<void> {
    try {
      const used = await kit.countPushes('line', n);
      if (used >= quota * QUOTA_WARN_SHARE) log.warn({ used, quota }, used >= quota ? 'LINE push quota used up: pushes may be refused (LINE_PUSH_QUOTA)' : 'LINE push quota nearly used (LINE_PUSH_QUOTA)');
    } catch (err) {
      log.warn({ err: errInfo(err) }, 'LINE push count not stored');
    }
  }

  async function webhook(req: RawRequest): Promise<RawResponse> {
    if (stopping) return json(503, { error: 'shutting down' });
    const signature = header(req, 'x-line-signature');
    if (!signature) return json(401, { error: 'missing x-line-signature' });
    if (!verify(req.body, opts.channelSecret, signature)) return json(401, { error: 'invalid signature' });
    const events = parseWebhook(req.body);
    if (!events) return json(400, { error: 'body must be JSON {destination, events: [...]}' });

    const receivedAt = Date.now();
    const tasks: Promise<void>[] = [];
    for (const raw of events) {
      const ev = parseEvent(raw);
      if (!ev || ev.standby) continue; // another channel answers in standby mode
      tasks.push(kit.inOrder(ev.user, async () => {
        if (ev.id && !(await kit.firstDelivery('line', ev.id))) {
          log.info({ user: kit.logId(ev.user), redelivery: ev.redelivery }, 'line event already handled');
          return;
        }
        await processEvent(ev, receivedAt);
      }).catch((err: unknown) => log.error({ user: kit.logId(ev.user), err: errInfo(err) }, 'line event failed')));
    }
    const work = Promise.all(tasks);
    inflight.add(work);
    void work.finally(() => inflight.delete(work));
    // Answer once the events are handled, or after ackWithinMs: LINE must not wait on a slow push.
    await raceTimer(work, ackWithinMs);
    return json(200, { ok: true });
  }

  return {
    name: 'line',
    prefix: 'line',
    routes: [{ method: 'POST', path: LINE_ROUTE, handle: webhook }],
    // Reminders go out by push, with a retry key derived from the reminder's claim, so a retried
    // reminder is not doubled even across the runner's own retries.
    async push(to, text, key) {
      const { messages } = renderReplies([plain(text)], kit.flow.texts);
      for (let i = 0; i < messages.length; i += LINE_LIMITS.messagesPerCall) {
        const result = await push(to, messages.slice(i, i + LINE_LIMITS.messagesPerCall), kit.logId(`line:${to}`), retryKeyOf(`${key}#${i}`));
        if (result !== 'sent') return result;
      }
      return 'sent';
    },
    async stop() {
      stopping = true;
      await Promise.allSettled([...inflight]);
    },
  };
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

/** What a log may say about an error: its kind and status, never a body that may quote a user. */
function errInfo(err: unknown): { name: string; status?: number; message?: string } {
  if (err instanceof HTTPFetchError) return { name: 'HTTPFetchError', status: err.status };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err };
}

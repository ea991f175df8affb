/**
 * The LINE channel: a signed webhook in, the Messaging API out. Events become engine inputs
 * (text, button presses as postbacks, photos fetched from the data API); replies become text
 * messages with quick replies, sent with the reply token while it is fresh and pushed (with a
 * retry key, so a retried push is not doubled) when the token is refused or there are more than
 * five messages. Every push first takes its share of the monthly quota (LINE_PUSH_QUOTA, counted
 * in the store for all instances); beyond it nothing is pushed and reminders wait. The LINE SDK
 * is imported only in this folder.
 */
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { setTimeout as wait } from 'node:timers/promises';
import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import type { PushResult } from '../../src/bot/index.ts';
import { formatAction } from '../../src/core/actions.ts';
import { plain, type Input, type Reply } from '../../src/core/types.ts';
import type { Channel, ChannelSpec } from '../shared/contract.ts';
import { header, json, type RawRequest, type RawResponse } from '../shared/http.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { raceTimer, TimeoutError, withTimeout } from '../shared/time.ts';
import { lineMessaging } from './api.ts';
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
  /**
   * Pushes a month the plan allows (LINE_PUSH_QUOTA, default 200). Beyond it pushes are not made:
   * reminders wait for a later run (answered 'later'). The logs say so once a month, and warn once
   * from 80 % on.
   */
  pushQuota?: number;
  /** How long a reply's push is retried in all, and its backoff (default 60 s; 250 ms doubling, at most 8 s apart). */
  pushRetry?: PushRetry;
}

/** Retries of a push (a reply that could not go by its token): backoff until `withinMs` after the first try. */
export interface PushRetry { withinMs: number; baseDelayMs: number; maxDelayMs: number }

export const LINE_ROUTE = '/webhooks/line';
/** The default monthly push quota (LINE's free plan). */
export const DEFAULT_PUSH_QUOTA = 200;
/** The share of the quota from which the logs warn (once a month). */
const QUOTA_WARN_SHARE = 0.8;
/** A reply token is used only while younger than this (LINE keeps it valid for about a minute). */
const REPLY_TOKEN_FRESH_MS = 50_000;
/** No single API call may hold a user's queue longer than this (the SDK's blob client has no timeout of its own). */
const CALL_TIMEOUT_MS = 10_000;
/** A reply's push is retried for up to a minute in all. (Reminders are retried by the runner, with its own backoff.) */
const DEFAULT_PUSH_RETRY: PushRetry = { withinMs: 60_000, baseDelayMs: 250, maxDelayMs: 8000 };
/** Retry keys whose quota share this process holds, kept at most this many. */
const RESERVED_KEYS_KEPT = 10_000;
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
  // Reply and push on a keep-alive agent (api.ts: the SDK's client can only use the global fetch).
  const client = lineMessaging({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.apiBaseUrl), timeoutMs: CALL_TIMEOUT_MS });
  const blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: opts.channelAccessToken, baseURL: origin(opts.dataApiBaseUrl) });
  const ackWithinMs = opts.ackWithinMs ?? 2000;
  const quota = opts.pushQuota ?? DEFAULT_PUSH_QUOTA;
  const pushRetry = opts.pushRetry ?? DEFAULT_PUSH_RETRY;
  const inflight = new Set<Promise<unknown>>();
  /** Aborted by stop(): retry waits end at once. */
  const stopped = new AbortController();
  let stopping = false;
  /** Retry keys whose pushes took their quota share in this process (a retry does not take another). */
  const reserved = new Map<string, number>();
  /** The month (YYYY-MM) whose quota was said to be nearly used, and used up: each said once. */
  let warnedFor = '';
  let usedUpFor = '';

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
          return data ? { kind: 'photo', data } : kit.say('channelTooBig', { maxMB: MAX_IMAGE_MB , photoMaxMB: kit.bot.knowledge.params.photo.value.maxMB });
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

  /**
   * One push, retried with the same retry key on 5xx, 429 and network errors, with backoff for up
   * to `pushRetry.withinMs` in all (or until stop()); 409 = an earlier try was accepted.
   */
  async function push(to: string, messages: messagingApi.TextMessage[], uid: string, retryKey: string = randomUUID()): Promise<PushResult> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const { result, err } = await tryPush(to, messages, retryKey);
      if (result !== 'retry') return result;
      const delay = Math.min(pushRetry.baseDelayMs * 2 ** (attempt - 1), pushRetry.maxDelayMs);
      if (stopping || Date.now() - started + delay > pushRetry.withinMs) {
        log.warn({ user: uid, attempts: attempt, err: errInfo(err) }, 'line push failed; given up');
        return 'retry';
      }
      if (attempt === 1) log.warn({ user: uid, err: errInfo(err) }, 'line push failed; retrying with the same key');
      try {
        await wait(delay, undefined, { signal: stopped.signal });
      } catch {
        return 'retry'; // stopping
      }
    }
  }

  /**
   * One try of a push, after taking its share of the month's quota ('later' when it does not fit).
   * 409 means an earlier try with this key was accepted: sent. The platform's other refusals (4xx:
   * blocked, unknown user) are final; 5xx, 429 and network errors may be retried.
   */
  async function tryPush(to: string, messages: messagingApi.TextMessage[], retryKey: string): Promise<{ result: PushResult; err?: unknown }> {
    const fresh = !reserved.has(retryKey);
    if (!(await reserve(retryKey, messages.length))) return { result: 'later' };
    try {
      await withTimeout(client.pushMessage({ to, messages }, retryKey), CALL_TIMEOUT_MS);
      reserved.delete(retryKey);
      return { result: 'sent' };
    } catch (err) {
      const status = err instanceof HTTPFetchError ? err.status : undefined;
      if (status === 409) {
        // Accepted earlier and counted then: by this process (the share is kept), or by one before a restart.
        if (fresh) await giveBack(retryKey);
        reserved.delete(retryKey);
        return { result: 'sent' };
      }
      if (status === 429 && /monthly limit/i.test(String((err as HTTPFetchError).body))) {
        // The plan's own limit is lower than LINE_PUSH_QUOTA says.
        await giveBack(retryKey);
        quotaUsedUp({ quota, refusedByLine: true });
        return { result: 'later' };
      }
      if (status !== undefined && status < 500 && status !== 429) {
        await giveBack(retryKey); // refused: nothing went out
        return { result: 'not-allowed', err };
      }
      // 5xx, 429, a timeout or a dropped connection: it may have gone out, so the share is kept
      // (a retry with this key does not take another).
      return { result: 'retry', err };
    }
  }

  /**
   * Takes `n` pushes of this month's quota for `retryKey` (once per key in this process): false
   * when they do not fit (then nothing is taken). Counted in the store, so instances share it; a
   * count that cannot be stored does not stop the push.
   */
  async function reserve(retryKey: string, n: number): Promise<boolean> {
    if (reserved.has(retryKey)) return true;
    let used: number;
    try {
      used = await kit.countPushes('line', n);
      if (used > quota) {
        await kit.countPushes('line', -n);
        quotaUsedUp({ used: used - n, quota });
        return false;
      }
    } catch (err) {
      log.warn({ err: errInfo(err) }, 'LINE push count not stored');
      return true;
    }
    if (reserved.size >= RESERVED_KEYS_KEPT) reserved.delete(reserved.keys().next().value!);
    reserved.set(retryKey, n);
    if (used >= quota) quotaUsedUp({ used, quota });
    else if (used >= quota * QUOTA_WARN_SHARE && warnedFor !== thisMonth()) {
      warnedFor = thisMonth();
      log.warn({ used, quota }, 'LINE push quota nearly used (LINE_PUSH_QUOTA)');
    }
    return true;
  }

  /** Returns the quota share taken for `retryKey` (its push did not go out). */
  async function giveBack(retryKey: string): Promise<void> {
    const n = reserved.get(retryKey);
    if (n === undefined) return;
    reserved.delete(retryKey);
    try {
      await kit.countPushes('line', -n);
    } catch (err) {
      log.warn({ err: errInfo(err) }, 'LINE push count not stored');
    }
  }

  /** Says once a month that the quota is used up and what happens to the pushes beyond it. */
  function quotaUsedUp(fields: Record<string, unknown>): void {
    if (usedUpFor === thisMonth()) return;
    usedUpFor = thisMonth();
    log.warn(fields, 'LINE push quota used up (LINE_PUSH_QUOTA): no more pushes this month; reminders wait for a later run (next month, or a higher quota)');
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
    // Reminders go out by push, one try per call: the runner retries with backoff. The retry key
    // is derived from the reminder's claim key, so it is the same on every try, in every run and
    // process: LINE takes a re-send (after a lost answer, or a restart) as the same message.
    async push(to, text, key, signal) {
      const { messages } = renderReplies([plain(text)], kit.flow.texts);
      for (let i = 0; i < messages.length; i += LINE_LIMITS.messagesPerCall) {
        if (signal?.aborted) return 'retry';
        const { result, err } = await tryPush(to, messages.slice(i, i + LINE_LIMITS.messagesPerCall), retryKeyOf(`${key}#${i}`));
        if (result === 'retry') throw new Error(`LINE push failed (${describe(err)})`); // the runner logs it
        if (result !== 'sent') return result;
      }
      return 'sent';
    },
    async stop() {
      stopping = true;
      stopped.abort();
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

/** This month (UTC), as the store's push count names it. */
function thisMonth(): string {
  return new Date().toISOString().slice(0, 7);
}

/** An error in a few log-safe words: its status or kind, never a body that may quote a user. */
function describe(err: unknown): string {
  const info = errInfo(err);
  return info.status !== undefined ? `HTTP ${info.status}` : `${info.name}${info.message ? `: ${info.message}` : ''}`;
}

/** What a log may say about an error: its kind and status, never a body that may quote a user. */
function errInfo(err: unknown): { name: string; status?: number; message?: string } {
  if (err instanceof HTTPFetchError) return { name: 'HTTPFetchError', status: err.status };
  if (err instanceof Error) return { name: err.name, message: err.message };
  return { name: typeof err };
}

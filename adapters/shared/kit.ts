/**
 * What every channel needs once, built on the bot: redelivery dedupe in the store (shared by
 * instances, surviving restarts), per-user ordering, a turn that never throws (an apology and a
 * log line when it fails), the memory of buttons shown as numbered lines, and log-safe user ids.
 */
import type { Logger } from 'pino';
import type { Bot } from '../../src/bot/index.ts';
import { plain, type Button, type Input, type Reply } from '../../src/core/types.ts';
import { say, type CHAT_TEXTS, type ChatFlow, type TextKey } from '../../src/dialogue/flow.ts';
import type { Vars } from '../../src/core/template.ts';
import type { StepResult } from '../../src/dialogue/types.ts';
import { KeyedQueue } from '../../src/store/lock.ts';
import { keys } from '../../src/store/keys.ts';
import { bareNumber } from './render.ts';

/** How long a delivery id is remembered (platforms redeliver within minutes; a day is ample). */
export const DELIVERY_TTL_MS = 24 * 3600 * 1000;
/** How long a message waits in an outbox. */
const OUTBOX_TTL_MS = 30 * 24 * 3600 * 1000;
/** How long buttons shown as numbered lines can be pressed by typing their number. */
const NUMBERED_TTL_MS = 24 * 3600 * 1000;
/**
 * An outbox found empty is not read again for this long, unless this process queued into it: a
 * message another instance queues (a reminder, hours or days ahead) goes out with an answer at
 * most this much later.
 */
export const OUTBOX_RECHECK_MS = 10_000;
/** Outboxes remembered as empty at most (then all are forgotten and read again). */
const EMPTY_OUTBOXES_KEPT = 50_000;

export interface TurnOutcome {
  replies: Reply[];
  /** False when the turn failed: the replies are then the apology. */
  ok: boolean;
  result?: StepResult;
}

export interface ChannelKit {
  bot: Bot;
  log: Logger;
  /** The chat's wording (flows/chat.yaml): channels say nothing of their own. */
  flow: ChatFlow;
  /** True the first time a platform delivery id is seen by any instance; false for a redelivery. */
  firstDelivery(channel: string, id: string): Promise<boolean>;
  /** Runs one user's tasks one after another, in the order they arrive (in this process). */
  inOrder<T>(user: string, task: () => Promise<T>): Promise<T>;
  /** One turn that never throws: on a failure, a log line and the apology. */
  turn(user: string, input: Input): Promise<TurnOutcome>;
  /** Remembers the buttons just shown as numbered lines (null: none were). */
  rememberNumbered(user: string, buttons: readonly Button[] | null): Promise<void>;
  /** The button a typed bare number presses, when numbered buttons were shown last. */
  pressedNumber(user: string, text: string): Promise<Button | undefined>;
  /** For channels that cannot push (the web chat): messages wait in the user's outbox until fetched. */
  outbox: { add(user: string, text: string): Promise<void>; take(user: string): Promise<string[]> };
  /**
   * The recent conversation of a user, for channels that redraw it (the web page after a reload):
   * what the person sent (as shown on the page) and what the bot answered, with the question then
   * pending. Under the user's prefix, so 删除我的数据 removes it.
   */
  transcript: {
    add(user: string, entry: TranscriptEntry): Promise<void>;
    recent(user: string): Promise<TranscriptEntry[]>;
  };
  /** The checklist items of the user's last verdict (empty when there was none). */
  checklist(user: string): Promise<string[]>;
  /** Adds `n` pushes to this month's count for `channel` (shared by instances); returns the month's total. */
  countPushes(channel: string, n: number): Promise<number>;
  /** A user id as logs show it: a keyed hash (bot.logId), never the id itself. */
  logId(user: string): string;
  /** A plain text reply in the chat's wording. */
  say<K extends TextKey>(key: K, vars: Vars<typeof CHAT_TEXTS, K>): Reply;
}

/** One turn as a page shows it again: the person's message (null for a page action), the replies, the pending question. */
export interface TranscriptEntry { me: string | null; replies: Reply[]; ask: StepResult['ask'] }

/** How many turns a transcript keeps. */
const TRANSCRIPT_TURNS = 30;

export function createKit(bot: Bot, log: Logger): ChannelKit {
  const queue = new KeyedQueue();
  const logId = bot.logId;
  /** Users whose outbox was found empty, and when (this process queued nothing for them since). */
  const emptyOutbox = new Map<string, number>();
  /** Counts this process's outbox additions (started and ended): a read that saw it move may have missed one. */
  let outboxAdds = 0;
  return {
    bot,
    log,
    flow: bot.flow,
    logId,
    say: (key, vars) => plain(say(bot.flow, key, vars)),
    firstDelivery: (channel, id) => bot.store.addIfAbsent(keys.delivery(channel, id), 1, DELIVERY_TTL_MS),
    inOrder: (user, task) => queue.run(user, task),
    outbox: {
      async add(user, text) {
        outboxAdds++;
        emptyOutbox.delete(user);
        try {
          await bot.store.withLock(keys.outbox(user), async () => {
            const waiting = (await bot.store.get<string[]>(keys.outbox(user))) ?? [];
            await bot.store.set(keys.outbox(user), [...waiting, text], OUTBOX_TTL_MS);
          });
        } finally {
          outboxAdds++;
        }
      },
      async take(user) {
        const emptyAt = emptyOutbox.get(user);
        if (emptyAt !== undefined && Date.now() - emptyAt < OUTBOX_RECHECK_MS) return [];
        // Read first without the lock (one read, the usual answer: nothing waits); taken under it.
        const [checkedAt, addsBefore] = [Date.now(), outboxAdds];
        if (!(await bot.store.get<string[]>(keys.outbox(user)))?.length) {
          if (outboxAdds === addsBefore) {
            if (emptyOutbox.size >= EMPTY_OUTBOXES_KEPT) emptyOutbox.clear();
            emptyOutbox.set(user, checkedAt);
          }
          return [];
        }
        return bot.store.withLock(keys.outbox(user), async () => {
          const waiting = (await bot.store.get<string[]>(keys.outbox(user))) ?? [];
          if (waiting.length) await bot.store.delete(keys.outbox(user));
          return waiting;
        });
      },
    },
    transcript: {
      add: (user, entry) => bot.store.withLock(keys.transcript(user), async () => {
        const kept = (await bot.store.get<TranscriptEntry[]>(keys.transcript(user))) ?? [];
        await bot.store.set(keys.transcript(user), [...kept, entry].slice(-TRANSCRIPT_TURNS), OUTBOX_TTL_MS);
      }),
      recent: async (user) => (await bot.store.get<TranscriptEntry[]>(keys.transcript(user))) ?? [],
    },
    checklist: async (user) => (await bot.store.get<string[]>(keys.checklist(user))) ?? [],
    countPushes(channel, n) {
      const key = keys.pushCount(channel, new Date().toISOString().slice(0, 7));
      return bot.store.withLock(key, async () => {
        const total = ((await bot.store.get<number>(key)) ?? 0) + n;
        await bot.store.set(key, total, 40 * 24 * 3600 * 1000);
        return total;
      });
    },
    async turn(user, input) {
      try {
        const result = await bot.handle(user, input);
        return { replies: result.replies, ok: true, result };
      } catch (err) {
        log.error({ user: logId(user), input: input.kind, err: (err as Error).message }, 'turn failed');
        return { replies: [plain(bot.flow.texts.channelSorry)], ok: false };
      }
    },
    async rememberNumbered(user, buttons) {
      try {
        if (buttons?.length) await bot.store.set(keys.numbered(user), buttons.map((b) => ({ ...b })), NUMBERED_TTL_MS);
        else await bot.store.delete(keys.numbered(user));
      } catch (err) {
        log.warn({ user: logId(user), err: (err as Error).message }, 'numbered buttons not stored');
      }
    },
    async pressedNumber(user, text) {
      const n = bareNumber(text);
      if (n === null) return undefined;
      const shown = await bot.store.get<Button[]>(keys.numbered(user)).catch(() => undefined);
      return shown?.[n - 1];
    },
  };
}

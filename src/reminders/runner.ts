/**
 * The reminder runner: for every subscription, what the schedule says is due is claimed in the
 * store, then sent through the sender of the subscriber's channel.
 *
 * Exactly once: a reminder is claimed atomically before it is sent (Store.withLock on its claim
 * key, then get/set of the claim), so a restart between claim and send, or several instances
 * sharing one Redis, never send it twice. A failed send is retried with backoff and given up,
 * with a log line, after a bounded number of tries. A channel with no sender in this process
 * (e.g. Telegram users while the terminal chat runs) is left alone for a process that has one.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Knowledge } from '../knowledge/load.ts';
import type { ChatFlow } from '../dialogue/flow.ts';
import type { Store } from '../store/index.ts';
import { userPrefix } from '../store/keys.ts';
import { newEditionText, reminderText } from './render.ts';
import { dueReminders, schedule, type SubscriptionRole } from './schedule.ts';

/** Sends one text to one chat of a channel; `key` is stable across retries of the same message (for idempotency keys). */
export type Sender = (chat: string, text: string, key: string) => Promise<void>;

/** A channel name: the user id's prefix (`tg:` → telegram, `line:`, `web:`), none → terminal. */
export type ChannelName = 'telegram' | 'line' | 'web' | 'terminal';

/** What the runner keeps of a subscription (under the user's prefix, so "删除我的数据" removes it). */
export interface Subscription {
  id: string;
  user: string;
  channel: ChannelName;
  /** Where to send on that channel: the Telegram chat id, the LINE user id, the terminal user. */
  chat: string;
  role: SubscriptionRole;
  /** ISO instant: reminders before it are never sent. */
  since: string;
  /** The knowledge edition at subscription. */
  edition: string;
}

/** The list of users with a subscription (the store cannot list keys). */
export const SUBSCRIBERS_KEY = 'reminders:subscribers';
export const subscriptionKey = (user: string): string => `${userPrefix(user)}subscription`;
/** The checklist items of the user's last verdict, for personal reminders. */
export const checklistKey = (user: string): string => `${userPrefix(user)}checklist`;
export const claimKey = (sub: Subscription, reminderId: string): string => `${userPrefix(sub.user)}reminder:${sub.id}:${reminderId}`;

const PREFIXES: Record<string, ChannelName> = { tg: 'telegram', line: 'line', web: 'web' };

/** The channel and chat of an engine user id. */
export function channelOf(user: string): { channel: ChannelName; chat: string } {
  const m = /^(tg|line|web):(.+)$/.exec(user);
  return m ? { channel: PREFIXES[m[1]!]!, chat: m[2]! } : { channel: 'terminal', chat: user };
}

/** Stores a subscription (replacing the user's earlier one) and lists the user as a subscriber. */
export async function addSubscription(store: Store, user: string, role: SubscriptionRole, since: string, edition: string): Promise<Subscription> {
  const sub: Subscription = { id: randomUUID().slice(0, 8), user, ...channelOf(user), role, since, edition };
  await store.set(subscriptionKey(user), sub);
  await store.withLock(SUBSCRIBERS_KEY, async () => {
    const users = (await store.get<string[]>(SUBSCRIBERS_KEY)) ?? [];
    if (!users.includes(user)) await store.set(SUBSCRIBERS_KEY, [...users, user]);
  });
  return sub;
}

/** Removes a user's subscription and takes them off the list. */
export async function removeSubscription(store: Store, user: string): Promise<void> {
  await store.delete(subscriptionKey(user));
  await unlist(store, user);
}

/** Takes `user` off the list; with `ifGone`, only while they still have no subscription (they may have just subscribed again). */
async function unlist(store: Store, user: string, ifGone = false): Promise<void> {
  await store.withLock(SUBSCRIBERS_KEY, async () => {
    if (ifGone && (await store.get(subscriptionKey(user)))) return;
    const users = (await store.get<string[]>(SUBSCRIBERS_KEY)) ?? [];
    if (users.includes(user)) await store.set(SUBSCRIBERS_KEY, users.filter((u) => u !== user));
  });
}

export interface RetryPolicy {
  /** Tries per message, the first included. */
  attempts: number;
  /** Wait before the second try; doubled before each next one. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 1000 };

export interface RunnerDeps {
  store: Store;
  knowledge: Knowledge;
  flow: ChatFlow;
  timeZone: string;
  senders: ReadonlyMap<ChannelName, Sender>;
  retry: RetryPolicy;
  /** One line to the logs (stderr); never personal data. */
  log: (line: string) => void;
}

export interface RunReport { sent: number; failed: number }

interface Claim { state: 'claimed' | 'sent' | 'failed'; at: string }

/** Claims and sends every reminder due at `now`. */
export async function runDue(deps: RunnerDeps, now: Date): Promise<RunReport> {
  const { store, knowledge, flow, timeZone } = deps;
  const report: RunReport = { sent: 0, failed: 0 };
  const users = (await store.get<string[]>(SUBSCRIBERS_KEY)) ?? [];
  for (const user of users) {
    const sub = await store.get<Subscription>(subscriptionKey(user));
    if (!sub) {
      await unlist(store, user, true); // deleted with the user's data
      continue;
    }
    const sender = deps.senders.get(sub.channel);
    if (!sender) continue;
    if (sub.role === 'next-edition') {
      // Waiting for next year's notice: a different edition is loaded now.
      if (sub.edition === knowledge.edition) continue;
      const key = claimKey(sub, `edition-${knowledge.edition}`);
      if (await claim(store, key, now)) await deliver(deps, sub, newEditionText(knowledge, flow), key, now, report);
      await removeSubscription(store, user);
      continue;
    }
    if (sub.edition !== knowledge.edition) continue; // a subscription to last year's deadlines
    const checklist = sub.role === 'applicant' ? (await store.get<string[]>(checklistKey(user))) ?? [] : [];
    for (const reminder of dueReminders(schedule(knowledge.params, sub.role, timeZone), new Date(sub.since), now, timeZone)) {
      const key = claimKey(sub, reminder.id);
      if (!(await claim(store, key, now))) continue;
      await deliver(deps, sub, reminderText(reminder, knowledge, flow, checklist), key, now, report);
    }
  }
  return report;
}

/** Takes the claim on `key` if nobody has: true when this caller may send. */
async function claim(store: Store, key: string, now: Date): Promise<boolean> {
  return store.withLock(key, async () => {
    if (await store.get<Claim>(key)) return false;
    await store.set<Claim>(key, { state: 'claimed', at: now.toISOString() });
    return true;
  });
}

/** Sends with retries and backoff; records the outcome on the claim. */
async function deliver(deps: RunnerDeps, sub: Subscription, text: string, key: string, now: Date, report: RunReport): Promise<void> {
  const sender = deps.senders.get(sub.channel)!;
  const { attempts, baseDelayMs } = deps.retry;
  for (let attempt = 1; ; attempt++) {
    try {
      await sender(sub.chat, text, key);
      await deps.store.set<Claim>(key, { state: 'sent', at: now.toISOString() });
      report.sent++;
      return;
    } catch (err) {
      const what = `reminder ${key.replace(userPrefix(sub.user), `user#${hash(sub.user)}:`)} on ${sub.channel}`;
      if (attempt >= attempts) {
        deps.log(`[reminders] gave up on ${what} after ${attempt} tries: ${(err as Error).message}`);
        await deps.store.set<Claim>(key, { state: 'failed', at: now.toISOString() });
        report.failed++;
        return;
      }
      deps.log(`[reminders] ${what}: try ${attempt} failed (${(err as Error).message}); retrying`);
      await new Promise((r) => setTimeout(r, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
}

function hash(user: string): string {
  return createHash('sha256').update(user).digest('hex').slice(0, 10);
}

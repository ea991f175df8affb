/**
 * The reminder runner: for every subscription, what the schedule says is due is claimed in the
 * store, then pushed through the channel the subscriber came from.
 *
 * Exactly once: a reminder is claimed atomically before it is sent (Store.withLock on its claim
 * key, then get/set of the claim), so a restart between claim and send, or several instances
 * sharing one Redis, never send it twice. A push that asks to be retried is retried with backoff
 * and given up, with a log line, after a bounded number of tries; one the platform does not allow
 * (the person blocked the bot) is given up at once. A subscriber whose channel has no pusher in
 * this process is left alone for a process that has one. No channel is named here: channels
 * register themselves with the prefix of their users' ids.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { ChatFlow } from '../dialogue/flow.ts';
import { newEditionText, reminderText } from '../dialogue/reminders.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { dueReminders, schedule, type SubscriptionRole } from '../reminders/schedule.ts';
import type { Store } from '../store/index.ts';
import { keys, userPrefix } from '../store/keys.ts';

/** What a channel answers to a push: sent; not allowed (never retried); or worth retrying later. */
export type PushResult = 'sent' | 'not-allowed' | 'retry';

/**
 * Pushes one text to one chat of a channel; `key` is stable across retries of the same message
 * (for idempotency keys). A thrown error counts as 'retry'.
 */
export type Push = (chat: string, text: string, key: string) => Promise<PushResult>;

/** Where a user is reached: the channel's pusher and the chat id on that channel. */
export interface Route { channel: string; chat: string; push: Push }

/** What the runner keeps of a subscription (under the user's prefix, so "删除我的数据" removes it). */
export interface Subscription {
  id: string;
  user: string;
  role: SubscriptionRole;
  /** ISO instant: reminders before it are never sent. */
  since: string;
  /** The knowledge edition at subscription. */
  edition: string;
}

/** Stores a subscription (replacing the user's earlier one) and lists the user as a subscriber. */
export async function addSubscription(store: Store, user: string, role: SubscriptionRole, since: string, edition: string): Promise<Subscription> {
  const sub: Subscription = { id: randomUUID().slice(0, 8), user, role, since, edition };
  await store.set(keys.subscription(user), sub);
  await store.withLock(keys.subscribers, async () => {
    const users = (await store.get<string[]>(keys.subscribers)) ?? [];
    if (!users.includes(user)) await store.set(keys.subscribers, [...users, user]);
  });
  return sub;
}

/** Removes a user's subscription and takes them off the list. */
export async function removeSubscription(store: Store, user: string): Promise<void> {
  await store.delete(keys.subscription(user));
  await unlist(store, user);
}

/** Takes `user` off the list; with `ifGone`, only while they still have no subscription (they may have just subscribed again). */
async function unlist(store: Store, user: string, ifGone = false): Promise<void> {
  await store.withLock(keys.subscribers, async () => {
    if (ifGone && (await store.get(keys.subscription(user)))) return;
    const users = (await store.get<string[]>(keys.subscribers)) ?? [];
    if (users.includes(user)) await store.set(keys.subscribers, users.filter((u) => u !== user));
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
  /** Where a user is reached from this process, or undefined when their channel does not run here. */
  route: (user: string) => Route | undefined;
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
  const users = (await store.get<string[]>(keys.subscribers)) ?? [];
  for (const user of users) {
    const sub = await store.get<Subscription>(keys.subscription(user));
    if (!sub) {
      await unlist(store, user, true); // deleted with the user's data
      continue;
    }
    const route = deps.route(sub.user);
    if (!route) continue;
    if (sub.role === 'next-edition') {
      // Waiting for next year's notice: a different edition is loaded now.
      if (sub.edition === knowledge.edition) continue;
      const key = keys.claim(sub.user, sub.id, `edition-${knowledge.edition}`);
      if (await claim(store, key, now)) await deliver(deps, route, sub, newEditionText(knowledge, flow), key, now, report);
      await removeSubscription(store, user);
      continue;
    }
    if (sub.edition !== knowledge.edition) continue; // a subscription to last year's deadlines
    const checklist = sub.role === 'applicant' ? (await store.get<string[]>(keys.checklist(user))) ?? [] : [];
    for (const reminder of dueReminders(schedule(knowledge.params, sub.role, timeZone), new Date(sub.since), now, timeZone)) {
      const key = keys.claim(sub.user, sub.id, reminder.id);
      if (!(await claim(store, key, now))) continue;
      await deliver(deps, route, sub, reminderText(reminder, knowledge, flow, checklist), key, now, report);
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

/** Pushes with retries and backoff; records the outcome on the claim. */
async function deliver(deps: RunnerDeps, route: Route, sub: Subscription, text: string, key: string, now: Date, report: RunReport): Promise<void> {
  const { attempts, baseDelayMs } = deps.retry;
  const what = `reminder ${key.replace(userPrefix(sub.user), `user#${hash(sub.user)}:`)} on ${route.channel}`;
  for (let attempt = 1; ; attempt++) {
    let result: PushResult;
    let reason = '';
    try {
      result = await route.push(route.chat, text, key);
    } catch (err) {
      result = 'retry';
      reason = (err as Error).message;
    }
    if (result === 'sent') {
      await deps.store.set<Claim>(key, { state: 'sent', at: now.toISOString() });
      report.sent++;
      return;
    }
    if (result === 'not-allowed' || attempt >= attempts) {
      deps.log(`[reminders] gave up on ${what} after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${result === 'not-allowed' ? 'the channel does not allow it' : reason || 'retry asked'}`);
      await deps.store.set<Claim>(key, { state: 'failed', at: now.toISOString() });
      report.failed++;
      return;
    }
    deps.log(`[reminders] ${what}: try ${attempt} failed (${reason || 'retry asked'}); retrying`);
    await new Promise((r) => setTimeout(r, baseDelayMs * 2 ** (attempt - 1)));
  }
}

function hash(user: string): string {
  return createHash('sha256').update(user).digest('hex').slice(0, 10);
}

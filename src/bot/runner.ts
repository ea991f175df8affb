/**
 * The reminder runner: for every subscription, what the schedule says is due is claimed in the
 * store, then pushed through the channel the subscriber came from.
 *
 * Never lost, never doubled: a reminder's claim is a lease (src/reminders/claims.ts), taken under
 * Store.withLock before the first try and renewed before each next one, and made final once the
 * platform took the message or the runner gave it up. A claim left unfinished (the process died
 * during a retry wait, or was stopped) is taken again by a run after its lease ran out, on any
 * instance; two instances never send it at the same time. A channel that deduplicates by key
 * (LINE's retry key, derived from `key`) takes such a re-send as the same message.
 *
 * Nobody waits on somebody else's chat: users are served in parallel, at most `concurrency` pushes
 * at once per channel; each try has a time bound; a message waiting to be retried gives up its
 * slot meanwhile. A user's own reminders go out in order. A push that asks to be retried is retried
 * with backoff and given up, with a log line, after a bounded number of tries; one the platform
 * does not allow (the person blocked the bot) is given up at once; one the channel cannot send for
 * now (a monthly quota used up) waits, unclaimed, for a later run. An aborted signal (the service
 * shutting down) ends the run at once; what it had not finished stays for the next run.
 *
 * A subscriber whose channel has no pusher in this process is left alone for a process that has
 * one. No channel is named here: channels register themselves with the prefix of their users' ids.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { ChatFlow } from '../dialogue/flow.ts';
import { newEditionText, reminderText } from '../dialogue/reminders.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { claimStatus, holdClaim, releaseClaim, settleClaim, type Claim } from '../reminders/claims.ts';
import { dueReminders, schedule, type SubscriptionRole } from '../reminders/schedule.ts';
import { pause, Slots } from '../reminders/slots.ts';
import type { Store } from '../store/index.ts';
import { keys, userPrefix } from '../store/keys.ts';

/**
 * What a channel answers to a push: sent; not allowed (never retried); worth retrying soon; or
 * later: the channel cannot send anything more for now (its monthly quota is used up), so this
 * reminder and the channel's others wait for a later run, neither sent nor given up.
 */
export type PushResult = 'sent' | 'not-allowed' | 'retry' | 'later';

/**
 * Pushes one text to one chat of a channel. `key` is the same for every try of the same reminder,
 * in every run and process (for idempotency keys). `signal` aborts when the runner stops waiting
 * (the try's time bound, or a shutdown). A thrown error counts as 'retry'.
 */
export type Push = (chat: string, text: string, key: string, signal?: AbortSignal) => Promise<PushResult>;

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
  /** The longest wait between two tries (default: no cap). */
  maxDelayMs?: number;
  /** No new try starts this long after the first (default: no limit but `attempts`). */
  withinMs?: number;
}

/** Up to 16 tries within about a minute: waits of 0.5, 1, 2, 4, then 5 s. */
export const DEFAULT_RETRY: RetryPolicy = { attempts: 16, baseDelayMs: 500, maxDelayMs: 5000, withinMs: 60_000 };

export interface DeliveryOptions {
  /** How long one try of a push may take; past it the try counts as failed and the runner moves on. */
  sendTimeoutMs: number;
  /** Pushes at once per channel. */
  concurrency: number;
  /**
   * How long a claim keeps other runs off without being renewed (it is renewed before each try):
   * a claim left unfinished by a process that died is sent again by a run this long after. Must be
   * longer than `sendTimeoutMs`.
   */
  leaseMs: number;
}

export const DEFAULT_DELIVERY: DeliveryOptions = { sendTimeoutMs: 20_000, concurrency: 8, leaseMs: 60_000 };

export interface RunnerDeps {
  store: Store;
  knowledge: Knowledge;
  flow: ChatFlow;
  timeZone: string;
  /** Where a user is reached from this process, or undefined when their channel does not run here. */
  route: (user: string) => Route | undefined;
  retry: RetryPolicy;
  delivery: DeliveryOptions;
  /** One line to the logs (stderr); never personal data. */
  log: (line: string) => void;
  /** A user id as log lines show it (the bot's keyed hash). */
  logId: (user: string) => string;
}

/** sent and failed (given up) in this run; waiting: left for a later run (the channel could not take them now, or the run was stopped). */
export interface RunReport { sent: number; failed: number; waiting: number }

/** One reminder to send: its claim key, its text, and what to do once it is sent or given up. */
interface Item { key: string; text: string; settled?: () => Promise<void> }

/** One user's reminders of this run, sent in order through the user's route. */
interface Job { user: string; route: Route; items: Item[] }

/** What a run shares between its jobs. */
interface Run {
  deps: RunnerDeps;
  /** The run's clock: the instant it was asked for, moving on in real time. */
  clock: () => Date;
  signal: AbortSignal;
  /** This run's token on the claims it holds. */
  owner: string;
  slots: Map<string, Slots>;
  /** Channels that answered 'later' in this run: their other reminders wait too. */
  deferred: Set<string>;
  report: RunReport;
}

/** Claims and sends every reminder due at `now`; an aborted `signal` ends the run at once. */
export async function runDue(deps: RunnerDeps, now: Date, signal?: AbortSignal): Promise<RunReport> {
  const { delivery } = deps;
  if (!(delivery.leaseMs > delivery.sendTimeoutMs)) throw new RangeError(`reminders: leaseMs (${delivery.leaseMs}) must be longer than sendTimeoutMs (${delivery.sendTimeoutMs})`);
  const started = Date.now();
  // Every waiting job listens for the stop: one signal of the run's own, linked to the caller's.
  const stop = new AbortController();
  setMaxListeners(0, stop.signal);
  const onAbort = () => stop.abort();
  if (signal?.aborted) stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const run: Run = {
    deps, signal: stop.signal, owner: randomUUID(), slots: new Map(), deferred: new Set(), report: { sent: 0, failed: 0, waiting: 0 },
    clock: () => new Date(now.getTime() + (Date.now() - started)),
  };
  let outcomes: PromiseSettledResult<void>[];
  try {
    const jobs = await dueJobs(run);
    outcomes = await Promise.allSettled(jobs.map((job) => sendAll(run, job)));
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  if (stop.signal.aborted && run.report.waiting) deps.log(`[reminders] run stopped: ${run.report.waiting} reminder(s) left for the next run`);
  const failure = outcomes.find((o) => o.status === 'rejected');
  if (failure) throw failure.reason;
  return run.report;
}

/** Every user's reminders due now and not claimed by anybody (a quick look; the claim decides). */
async function dueJobs(run: Run): Promise<Job[]> {
  const { store, knowledge, flow, timeZone, delivery } = run.deps;
  const now = run.clock();
  const jobs: Job[] = [];
  const status = async (key: string) => claimStatus(await store.get<Claim>(key), run.clock(), delivery.leaseMs);
  const users = (await store.get<string[]>(keys.subscribers)) ?? [];
  for (const user of users) {
    if (run.signal?.aborted) break;
    const sub = await store.get<Subscription>(keys.subscription(user));
    if (!sub) {
      await unlist(store, user, true); // deleted with the user's data
      continue;
    }
    const route = run.deps.route(sub.user);
    if (!route) continue;
    if (sub.role === 'next-edition') {
      // Waiting for next year's notice: a different edition is loaded now.
      if (sub.edition === knowledge.edition) continue;
      const key = keys.claim(sub.user, sub.id, `edition-${knowledge.edition}`);
      const done = () => removeSubscription(store, user);
      const s = await status(key);
      if (s === 'final') await done();
      else if (s === 'free') jobs.push({ user, route, items: [{ key, text: newEditionText(knowledge, flow), settled: done }] });
      continue;
    }
    if (sub.edition !== knowledge.edition) continue; // a subscription to last year's deadlines
    const items: Item[] = [];
    let checklist: string[] | undefined;
    for (const reminder of dueReminders(schedule(knowledge.params, sub.role, timeZone), new Date(sub.since), now, timeZone)) {
      const key = keys.claim(sub.user, sub.id, reminder.id);
      if ((await status(key)) !== 'free') continue;
      checklist ??= sub.role === 'applicant' ? (await store.get<string[]>(keys.checklist(user))) ?? [] : [];
      items.push({ key, text: reminderText(reminder, knowledge, flow, checklist) });
    }
    if (items.length) jobs.push({ user, route, items });
  }
  return jobs;
}

/** One user's reminders, one after another. */
async function sendAll(run: Run, job: Job): Promise<void> {
  for (const item of job.items) {
    if (run.signal?.aborted || run.deferred.has(job.route.channel)) {
      run.report.waiting++;
      continue;
    }
    await send(run, job, item);
  }
}

/** One reminder: tries with backoff until it is sent, given up, left for later, or the run stops. */
async function send(run: Run, job: Job, item: Item): Promise<void> {
  const { store, retry, log } = run.deps;
  const { route } = job;
  const what = `reminder ${item.key.replace(userPrefix(job.user), `user#${run.deps.logId(job.user)}:`)} on ${route.channel}`;
  const firstTry = Date.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await tryOnce(run, route, item);
    if (outcome.kind === 'taken') return; // another run holds it or finished it
    if (outcome.kind === 'stopped' || outcome.kind === 'deferred') {
      // Stopped: our lease (if any) runs out and the next run sends it. Deferred: let it go now.
      if (outcome.kind === 'deferred') await releaseClaim(store, item.key, run.owner);
      run.report.waiting++;
      return;
    }
    const { result, reason } = outcome;
    if (result === 'sent') {
      await settleClaim(store, item.key, 'sent', run.clock());
      run.report.sent++;
      await item.settled?.();
      return;
    }
    const wait = Math.min(retry.baseDelayMs * 2 ** (attempt - 1), retry.maxDelayMs ?? Infinity);
    const outOfTime = Date.now() + wait - firstTry > (retry.withinMs ?? Infinity);
    if (result === 'not-allowed' || attempt >= retry.attempts || outOfTime) {
      log(`[reminders] gave up on ${what} after ${attempt} ${attempt === 1 ? 'try' : 'tries'}: ${result === 'not-allowed' ? 'the channel does not allow it' : reason || 'retry asked'}`);
      await settleClaim(store, item.key, 'failed', run.clock());
      run.report.failed++;
      await item.settled?.();
      return;
    }
    if (attempt === 1) log(`[reminders] ${what}: try 1 failed (${reason || 'retry asked'}); retrying with backoff`);
    // The slot is free during the wait: others' reminders go on.
    if (!(await pause(wait, run.signal))) {
      run.report.waiting++;
      return;
    }
  }
}

type TryOutcome =
  | { kind: 'pushed'; result: Exclude<PushResult, 'later'>; reason: string }
  /** Another run holds the claim, or it is final. */
  | { kind: 'taken' }
  /** The run was stopped before an answer. */
  | { kind: 'stopped' }
  /** The channel cannot send for now. */
  | { kind: 'deferred' };

/** One try: a slot on the channel, the claim taken or renewed, the push within its time bound. */
async function tryOnce(run: Run, route: Route, item: Item): Promise<TryOutcome> {
  const { store, delivery } = run.deps;
  let slots = run.slots.get(route.channel);
  if (!slots) run.slots.set(route.channel, (slots = new Slots(delivery.concurrency)));
  const release = await slots.take(run.signal);
  if (!release) return { kind: 'stopped' };
  try {
    if (run.deferred.has(route.channel)) return { kind: 'deferred' };
    if (!(await holdClaim(store, item.key, run.owner, run.clock(), delivery.leaseMs))) return { kind: 'taken' };
    const answer = await pushWithin(route, item, delivery.sendTimeoutMs, run.signal);
    if (answer === 'stopped') return { kind: 'stopped' };
    if (answer.result === 'later') {
      run.deferred.add(route.channel);
      return { kind: 'deferred' };
    }
    return { kind: 'pushed', result: answer.result, reason: answer.reason };
  } finally {
    release();
  }
}

/** The channel's answer to one push, 'retry' when none came within `ms`, or 'stopped' when `signal` aborted first. */
async function pushWithin(route: Route, item: Item, ms: number, signal: AbortSignal | undefined): Promise<{ result: PushResult; reason: string } | 'stopped'> {
  const bound = new AbortController();
  const stop = () => bound.abort();
  signal?.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(stop, ms);
  try {
    const pushing = Promise.resolve()
      .then(() => route.push(route.chat, item.text, item.key, bound.signal))
      .then((result) => ({ result, reason: '' }), (err: unknown) => ({ result: 'retry' as const, reason: err instanceof Error ? err.message : String(err) }));
    const ended = new Promise<null>((resolve) => bound.signal.addEventListener('abort', () => resolve(null), { once: true }));
    const answer = await Promise.race([pushing, ended]);
    if (answer) return answer;
    return signal?.aborted ? 'stopped' : { result: 'retry', reason: `no answer within ${ms} ms` };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', stop);
  }
}

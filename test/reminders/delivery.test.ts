/**
 * How the runner delivers: claims are leases (an unfinished one is sent again once its lease ran
 * out, a live one is not, a sent one never), users are served in parallel with a time bound per
 * try so blocked or failing chats hold nobody up, a stop signal ends a run at once, and a channel
 * that cannot send for now ('later') leaves its reminders waiting, not failed.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createBot, type BotOptions, type Push } from '../../src/bot/index.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import type { Claim } from '../../src/reminders/claims.ts';
import { keys } from '../../src/store/keys.ts';

const AUG = new Date('2023-08-01T09:00:00+08:00');
const NINE = new Date('2023-09-01T09:00:00+08:00');
const after = (ms: number) => new Date(NINE.getTime() + ms);
const tmpStore = () => `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'delivery-')), 'bot.sqlite')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A bot with subscribed `users` (applicants) and a terminal channel pushing through `push`. */
async function botWith(users: string[], push: Push, options: BotOptions = {}) {
  const bot = await createBot({ now: AUG, log: () => {}, reminderRetry: { attempts: 3, baseDelayMs: 1 }, ...options });
  for (const u of users) await bot.handle(u, { kind: 'action', action: 'remind:applicant' });
  bot.registerChannel({ name: 'terminal', prefix: '', push });
  return bot;
}

/** The claim key of `user`'s 7-day reminder of the individual deadline. */
async function claimKey(bot: Awaited<ReturnType<typeof createBot>>, user: string): Promise<string> {
  const sub = (await bot.store.get<Subscription>(keys.subscription(user)))!;
  return keys.claim(user, sub.id, 'individual:7');
}

describe('claims are leases', () => {
  it('a claim whose lease ran out is sent; one within its lease is not; a sent or given-up one never', async () => {
    const sent: string[] = [];
    const users = ['live', 'expired', 'legacy', 'done', 'dropped', 'fresh'];
    const bot = await botWith(users, async (chat) => { sent.push(chat); return 'sent'; }, { reminderDelivery: { leaseMs: 20_000, sendTimeoutMs: 1000 } });
    const iso = (d: Date) => d.toISOString();
    await bot.store.set<Claim>(await claimKey(bot, 'live'), { state: 'claimed', at: iso(NINE), until: iso(after(30_000)), by: 'another-run' });
    await bot.store.set<Claim>(await claimKey(bot, 'expired'), { state: 'claimed', at: iso(NINE), until: iso(after(5_000)), by: 'a-run-that-died' });
    // Written before claims had leases: holds for one lease (20 s here) from its time.
    await bot.store.set<Claim>(await claimKey(bot, 'legacy'), { state: 'claimed', at: iso(NINE) });
    await bot.store.set<Claim>(await claimKey(bot, 'done'), { state: 'sent', at: iso(NINE) });
    await bot.store.set<Claim>(await claimKey(bot, 'dropped'), { state: 'failed', at: iso(NINE) });

    expect(await bot.runDue(after(10_000))).toEqual({ sent: 2, failed: 0, waiting: 0 });
    expect(sent.sort()).toEqual(['expired', 'fresh']);
    expect(await bot.store.get<Claim>(await claimKey(bot, 'expired'))).toMatchObject({ state: 'sent' });
    expect(await bot.runDue(after(25_000))).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(sent.at(-1)).toBe('legacy');
    expect(await bot.runDue(after(40_000))).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(sent.at(-1)).toBe('live');
    expect(await bot.runDue(after(3600_000))).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect(sent.sort()).toEqual(['expired', 'fresh', 'legacy', 'live']);
    await bot.close();
  });

  it('a claim is renewed before each try: a run retrying for longer than a lease keeps another instance off', async () => {
    const store = tmpStore();
    const deliveries: string[] = [];
    let tries = 0;
    // Instance A: three tries 600 ms apart (1.2 s in all) on leases of 1 s.
    const a = await botWith(['ann'], async (chat) => {
      if (++tries < 3) return 'retry';
      deliveries.push(`a ${chat}`);
      return 'sent';
    }, { storeUrl: store, reminderRetry: { attempts: 3, baseDelayMs: 600, maxDelayMs: 600 }, reminderDelivery: { leaseMs: 1000, sendTimeoutMs: 200 } });
    const b = await createBot({ now: AUG, storeUrl: store, log: () => {}, reminderDelivery: { leaseMs: 1000, sendTimeoutMs: 200 } });
    b.registerChannel({ name: 'terminal', prefix: '', push: async (chat) => { deliveries.push(`b ${chat}`); return 'sent'; } });
    const running = a.runDue(NINE);
    // A holds the claim once it made its first try (on a loaded machine B could otherwise claim first).
    while (tries === 0) await sleep(5);
    const started = Date.now();
    // Instance B runs every 50 ms while A retries, on the same clock.
    while (Date.now() - started < 1500) {
      await b.runDue(after(Date.now() - started));
      await sleep(50);
    }
    expect(await running).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(tries).toBe(3);
    expect(deliveries).toEqual(['a ann']);
    await a.close();
    await b.close();
  });
});

describe('nobody waits on somebody else\'s chat', () => {
  it('ten chats that never answer hold up the others by about one try\'s time bound', async () => {
    const blocked = Array.from({ length: 10 }, (_, i) => `blocked${i}`);
    const healthy = Array.from({ length: 20 }, (_, i) => `healthy${i}`);
    const deliveredAt = new Map<string, number>();
    let started = 0;
    // The blocked ones subscribed first: a runner going one by one would reach the others last.
    const bot = await botWith([...blocked, ...healthy], async (chat, _text, _key, signal) => {
      if (chat.startsWith('blocked')) return new Promise<never>(() => {}); // never answers
      expect(signal).toBeDefined();
      deliveredAt.set(chat, Date.now() - started);
      return 'sent';
    }, { reminderRetry: { attempts: 2, baseDelayMs: 100 }, reminderDelivery: { sendTimeoutMs: 1000, leaseMs: 5000, concurrency: 8 } });
    started = Date.now();
    const report = await bot.runDue(NINE);
    expect(report).toEqual({ sent: 20, failed: 10, waiting: 0 });
    const slowest = Math.max(...deliveredAt.values());
    // Eight slots, ten chats that never answer: the others wait for one 1 s bound (and some slack).
    expect(slowest).toBeLessThan(1000 + 800);
    // The run ends after each blocked chat's two bounded tries, in parallel (not 10 × 2 × 1 s).
    expect(Date.now() - started).toBeLessThan(2 * 1000 + 100 + 2500);
    await bot.close();
  });

  it('a message waiting to be retried gives up its slot: one slot, five failing chats, the others go at once', async () => {
    const failing = Array.from({ length: 5 }, (_, i) => `failing${i}`);
    const healthy = Array.from({ length: 5 }, (_, i) => `healthy${i}`);
    const deliveredAt: number[] = [];
    const logs: string[] = [];
    let started = 0;
    const bot = await botWith([...failing, ...healthy], async (chat) => {
      if (chat.startsWith('failing')) throw new Error('platform error 500');
      deliveredAt.push(Date.now() - started);
      return 'sent';
    }, { log: (l) => logs.push(l), reminderRetry: { attempts: 2, baseDelayMs: 1500 }, reminderDelivery: { concurrency: 1, sendTimeoutMs: 1000, leaseMs: 5000 } });
    started = Date.now();
    const run = bot.runDue(NINE);
    await expect.poll(() => deliveredAt.length, { timeout: 1400, interval: 10 }).toBe(5);
    expect(Math.max(...deliveredAt)).toBeLessThan(1400); // the first retry wait alone is 1.5 s
    expect(await run).toEqual({ sent: 5, failed: 5, waiting: 0 });
    expect(logs.filter((l) => l.includes('gave up'))).toHaveLength(5);
    await bot.close();
  });

  it('a user\'s own reminders still go out in order', async () => {
    const got: string[] = [];
    const bot = await createBot({ now: AUG, log: () => {} });
    await bot.handle('hr', { kind: 'action', action: 'remind:hr' });
    // On 9-14 two reminders fall due at once: the publicity's last start day, then the unit deadline's 7 days.
    bot.registerChannel({ name: 'terminal', prefix: '', push: async (_chat, text) => {
      if (got.length === 0) await sleep(100); // the first is slow: the second must still come after it
      got.push(text.split('\n')[0]!);
      return 'sent';
    } });
    expect((await bot.runDue(new Date('2023-09-14T09:00:00+08:00'))).sent).toBe(2);
    expect(got[0]).toContain('单位公示最晚开始日');
    expect(got[1]).toContain('单位推荐截止');
    await bot.close();
  });
});

describe('a stop signal', () => {
  it('ends a run at once, during retry waits and sends that never answer; the next run sends what was left', async () => {
    const store = tmpStore();
    const options: BotOptions = { storeUrl: store, reminderRetry: { attempts: 5, baseDelayMs: 10_000 }, reminderDelivery: { sendTimeoutMs: 20_000, leaseMs: 30_000 } };
    const bot = await botWith(['waits', 'hangs', 'queued1', 'queued2'], async (chat) => {
      if (chat === 'waits') return 'retry'; // then a 10 s wait
      return new Promise<never>(() => {}); // never answers (20 s bound)
    }, { ...options, reminderDelivery: { ...options.reminderDelivery, concurrency: 1 } });
    const controller = new AbortController();
    const run = bot.runDue(NINE, controller.signal);
    await sleep(200);
    const stoppedAt = Date.now();
    controller.abort();
    // One slot: 'waits' was in its retry wait, 'hangs' in a send, the other two waiting for the slot.
    expect(await run).toEqual({ sent: 0, failed: 0, waiting: 4 });
    expect(Date.now() - stoppedAt).toBeLessThan(500); // not the 10 s wait nor the 20 s bound
    // What was claimed stays a lease, neither sent nor given up.
    expect(await bot.store.get<Claim>(await claimKey(bot, 'waits'))).toMatchObject({ state: 'claimed' });
    expect(await bot.store.get<Claim>(await claimKey(bot, 'hangs'))).toMatchObject({ state: 'claimed' });
    await bot.close();

    const sent: string[] = [];
    const next = await createBot({ now: AUG, log: () => {}, ...options });
    next.registerChannel({ name: 'terminal', prefix: '', push: async (chat) => { sent.push(chat); return 'sent'; } });
    // Within the leases only the two never claimed go; after them, the rest.
    expect(await next.runDue(after(1000))).toEqual({ sent: 2, failed: 0, waiting: 0 });
    expect(await next.runDue(after(31_000))).toEqual({ sent: 2, failed: 0, waiting: 0 });
    expect(sent.sort()).toEqual(['hangs', 'queued1', 'queued2', 'waits']);
    await next.close();
  });

  it('already aborted: nothing is claimed or sent', async () => {
    let calls = 0;
    const bot = await botWith(['x', 'y'], async () => { calls++; return 'sent'; });
    expect(await bot.runDue(NINE, AbortSignal.abort())).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect(calls).toBe(0);
    expect((await bot.runDue(NINE)).sent).toBe(2);
    await bot.close();
  });
});

describe('a channel that cannot send for now', () => {
  it('leaves its reminders waiting, not failed, without trying the rest; a later run sends them', async () => {
    const users = Array.from({ length: 12 }, (_, i) => `u${i}`);
    let answer: 'later' | 'sent' = 'later';
    const tried: string[] = [];
    const bot = await botWith(users, async (chat) => { tried.push(chat); return answer; }, { reminderDelivery: { concurrency: 4 } });
    expect(await bot.runDue(NINE)).toEqual({ sent: 0, failed: 0, waiting: 12 });
    // Only the tries already under way when the first 'later' came (at most one per slot).
    expect(tried.length).toBeLessThanOrEqual(4);
    for (const u of users) expect(await bot.store.get(await claimKey(bot, u))).toBeUndefined();
    answer = 'sent';
    expect(await bot.runDue(after(60_000))).toEqual({ sent: 12, failed: 0, waiting: 0 });
    await bot.close();
  });
});

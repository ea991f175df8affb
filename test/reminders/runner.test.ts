import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import { keys } from '../../src/store/keys.ts';
import { hasRedisServer, startRedisServer, type RedisServer } from '../store/redis-server.ts';
import { SWITCH_DAY, twoEditionRoot } from '../editions.ts';

const AUG = new Date('2023-08-01T09:00:00+08:00');
const at = (day: string) => new Date(`${day}T09:00:00+08:00`);
const tmpStore = () => `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'runner-')), 'bot.sqlite')}`;

/** A bot whose terminal pusher collects into `sent`. */
async function botWith(options: Parameters<typeof createBot>[0]) {
  const bot = await createBot({ reminderRetry: { attempts: 3, baseDelayMs: 1 }, log: () => {}, ...options });
  const sent: { chat: string; text: string }[] = [];
  bot.registerChannel({ name: 'terminal', prefix: '', push: async (chat, text) => { sent.push({ chat, text }); return 'sent'; } });
  return { bot, sent };
}

describe('the runner', () => {
  it('stores the subscription; 退订 and 删除我的数据 remove it', async () => {
    const { bot } = await botWith({ now: AUG });
    await bot.handle('tg:42', { kind: 'action', action: 'remind:hr' });
    const sub = await bot.store.get<Subscription>(keys.subscription('tg:42'));
    expect(sub).toMatchObject({ user: 'tg:42', role: 'hr', edition: '2023' });
    expect(await bot.store.get(keys.subscribers)).toEqual(['tg:42']);
    await bot.handle('tg:42', { kind: 'text', text: '退订' });
    expect(await bot.store.get(keys.subscription('tg:42'))).toBeUndefined();
    expect(await bot.store.get(keys.subscribers)).toEqual([]);
    await bot.handle('tg:42', { kind: 'action', action: 'remind:applicant' });
    await bot.handle('tg:42', { kind: 'text', text: '删除我的数据' });
    await bot.handle('tg:42', { kind: 'action', action: 'forget:yes' });
    expect(await bot.store.get(keys.subscription('tg:42'))).toBeUndefined();
    expect(await bot.store.get(keys.subscribers)).toEqual([]);
    await bot.close();
  });

  it('sends a reminder claimed before a restart once its lease ran out; a sent one never again', async () => {
    const store = tmpStore();
    const first = await botWith({ now: AUG, storeUrl: store });
    await first.bot.handle('alice', { kind: 'action', action: 'remind:applicant' });
    const sub = (await first.bot.store.get<Subscription>(keys.subscription('alice')))!;
    // A process claimed individual:7 at 09:00 (before claims had leases) and died before sending it.
    await first.bot.store.set(keys.claim('alice', sub.id, 'individual:7'), { state: 'claimed', at: at('2023-09-01').toISOString() });
    await first.bot.close();
    const second = await botWith({ now: at('2023-09-01'), storeUrl: store });
    // Within the claim's lease (60 s by default) it may still be on its way: not sent.
    expect(await second.bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect(second.sent).toEqual([]);
    // The lease ran out: sent, once.
    expect(await second.bot.runDue(new Date(at('2023-09-01').getTime() + 61_000))).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(second.sent[0]!.text).toContain('还有7天');
    expect(await second.bot.runDue(new Date(at('2023-09-01').getTime() + 3600_000))).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect((await second.bot.runDue(at('2023-09-05'))).sent).toBe(1);
    await second.bot.close();
  });

  it('retries a failed send with backoff, and gives up with a log line after a bounded number of tries', async () => {
    let calls = 0;
    const logs: string[] = [];
    const bot = await createBot({ now: AUG, reminderRetry: { attempts: 3, baseDelayMs: 1 }, log: (l) => logs.push(l) });
    bot.registerChannel({ name: 'terminal', prefix: '', push: async () => { calls++; if (calls < 3) throw new Error('network down'); return 'sent'; } });
    await bot.handle('alice', { kind: 'action', action: 'remind:applicant' });
    expect(await bot.runDue(at('2023-09-01'))).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(calls).toBe(3);
    bot.registerChannel({ name: 'terminal', prefix: '', push: async () => { calls++; throw new Error('still down'); } });
    calls = 0;
    expect(await bot.runDue(at('2023-09-05'))).toEqual({ sent: 0, failed: 1, waiting: 0 });
    expect(calls).toBe(3);
    expect(logs.at(-1)).toMatch(/gave up on reminder .*individual:3 on terminal after 3 tries: still down/);
    expect(logs.join('\n')).not.toContain('alice');
    // Given up means given up: not retried at the next run.
    expect(await bot.runDue(at('2023-09-05'))).toEqual({ sent: 0, failed: 0, waiting: 0 });
    await bot.close();
  });

  it('gives up at once on a push the channel does not allow (the person blocked the bot), and goes on with the others', async () => {
    const logs: string[] = [];
    const bot = await createBot({ now: AUG, reminderRetry: { attempts: 3, baseDelayMs: 1 }, log: (l) => logs.push(l) });
    const tries: string[] = [];
    bot.registerChannel({ name: 'terminal', prefix: '', push: async (chat) => { tries.push(chat); return chat === 'blocked' ? 'not-allowed' : 'sent'; } });
    await bot.handle('blocked', { kind: 'action', action: 'remind:applicant' });
    await bot.handle('bea', { kind: 'action', action: 'remind:applicant' });
    expect(await bot.runDue(at('2023-09-01'))).toEqual({ sent: 1, failed: 1, waiting: 0 });
    expect(tries.sort()).toEqual(['bea', 'blocked']);
    expect(logs.join('\n')).toMatch(/the channel does not allow it/);
    await bot.close();
  });

  it('leaves a channel without a pusher in this process alone', async () => {
    const { bot, sent } = await botWith({ now: AUG });
    await bot.handle('tg:7', { kind: 'action', action: 'remind:applicant' });
    expect(await bot.runDue(at('2023-09-01'))).toEqual({ sent: 0, failed: 0, waiting: 0 });
    const tg: string[] = [];
    bot.registerChannel({ name: 'telegram', prefix: 'tg', push: async (chat, text) => { tg.push(`${chat} ${text}`); return 'sent'; } });
    expect((await bot.runDue(at('2023-09-01'))).sent).toBe(1);
    expect(tg[0]).toMatch(/^7 ⏰/);
    expect(sent).toEqual([]);
    await bot.close();
  });

  it('after the season, sends the next edition\'s notice once to those who asked', async () => {
    const store = tmpStore();
    const october = new Date('2023-10-01T09:00:00+08:00');
    const first = await botWith({ now: october, storeUrl: store });
    const over = await first.bot.handle('dan', { kind: 'text', text: '订阅提醒' });
    expect(over.replies[0]!.buttons.map((b) => b.action)).toContain('remind:applicant');
    const offer = await first.bot.handle('dan', { kind: 'action', action: 'remind:applicant' });
    expect(offer.replies[0]!.buttons.map((b) => b.action)).toContain('remind:next');
    await first.bot.handle('dan', { kind: 'action', action: 'remind:next' });
    expect((await first.bot.handle('dan', { kind: 'text', text: '我的提醒' })).replies[0]!.text).toContain('下一年度');
    expect(await first.bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    await first.bot.close();

    // knowledge/ now carries the 2024 edition (the fixture), in force from SWITCH_DAY.
    const root = twoEditionRoot();
    const switched = new Date(`${SWITCH_DAY}T09:00:00+08:00`);

    const second = await botWith({ now: switched, storeUrl: store, knowledgeRoot: root });
    expect(await second.bot.runDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(second.sent[0]!.chat).toBe('dan');
    expect(second.sent[0]!.text).toContain('2024年度的通知已经载入');
    expect(await second.bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    // The subscription is done with: the session no longer says it waits.
    expect((await second.bot.handle('dan', { kind: 'text', text: '我的提醒' })).replies[0]!.text).toContain('还没有订阅');
    await second.bot.close();
    const third = await botWith({ now: new Date(switched.getTime() + 24 * 3600 * 1000), storeUrl: store, knowledgeRoot: root });
    expect(await third.bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    await third.bot.close();
  });
});

const title = hasRedisServer ? 'two bots on one Redis' : 'two bots on one Redis (skipped: no redis-server binary on PATH)';
describe.skipIf(!hasRedisServer)(title, () => {
  let redis: RedisServer;
  const bots: Bot[] = [];
  beforeAll(async () => { redis = await startRedisServer(); });
  afterAll(async () => {
    for (const b of bots) await b.close();
    await redis?.stop();
  });

  it('racing at the same instants send each reminder exactly once between them', async () => {
    const a = await botWith({ now: AUG, storeUrl: redis.url });
    const b = await botWith({ now: AUG, storeUrl: redis.url });
    bots.push(a.bot, b.bot);
    const users = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
    for (const u of users) await a.bot.handle(u, { kind: 'action', action: u === 'u6' ? 'remind:hr' : 'remind:applicant' });
    for (const day of ['2023-09-01', '2023-09-05', '2023-09-07', '2023-09-08', '2023-09-14', '2023-09-18', '2023-09-20', '2023-09-21']) {
      await Promise.all([a.bot.runDue(at(day)), b.bot.runDue(at(day))]);
    }
    const all = [...a.sent, ...b.sent].map((s) => `${s.chat} ${s.text.split('\n')[0]}`);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(5 * 8 + 8 + 2);
  });
});

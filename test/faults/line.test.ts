/**
 * LINE when its API fails for a while: the real channel against the fake LINE Platform on
 * 127.0.0.1, whose push endpoint answers 500 for 10 s. A due reminder is tried again with the
 * same retry key until it goes through (LINE drops a second delivery with a key it has seen), so
 * the person gets it exactly once and the run counts it as sent.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import { keys } from '../../src/store/keys.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { register } from '../../adapters/registry.ts';
import { createLine, retryKeyOf } from '../../adapters/line/index.ts';
import { startFakeLine, type FakeLine } from '../channels/fake-line.ts';

const TOKEN = 'fault-channel-access-token';
const NINE = new Date('2023-09-01T09:00:00+08:00');

let fake: FakeLine;
let bot: Bot;
let line: Channel;

beforeAll(async () => {
  [bot, fake] = await Promise.all([createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00'), log: () => {} }), startFakeLine(TOKEN)]);
  line = register(bot, createLine(createKit(bot, pino({ level: 'silent' })), {
    channelSecret: 'fault-channel-secret', channelAccessToken: TOKEN, apiBaseUrl: fake.apiUrl, dataApiBaseUrl: fake.dataUrl,
  }));
});

afterAll(async () => {
  await line.stop?.();
  await fake.close();
  await bot.close();
});

describe('a LINE API failing for 10 s', () => {
  it('gets a due reminder through with the same retry key on every try: delivered exactly once', async () => {
    await bot.handle('line:U-outage', { kind: 'action', action: 'remind:applicant' });
    const claim = keys.claim('line:U-outage', (await bot.store.get<Subscription>(keys.subscription('line:U-outage')))!.id, 'individual:7');
    const since = fake.calls.length;
    fake.failPushesFor(10_000, 500);
    const started = Date.now();
    // The bot's default retry policy: tries for up to a minute.
    expect(await bot.runDue(NINE)).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(10_000);
    const pushes = fake.calls.slice(since).filter((c) => c.body.to === 'U-outage');
    expect(pushes.length).toBeGreaterThanOrEqual(5);
    expect(pushes.slice(0, -1).every((p) => p.status === 500)).toBe(true);
    expect(pushes.at(-1)!.status).toBe(200);
    expect(new Set(pushes.map((p) => p.headers['x-line-retry-key']))).toEqual(new Set([retryKeyOf(`${claim}#0`)]));
    expect(pushes.filter((p) => p.delivered)).toHaveLength(1);
  }, 40_000);
});

/**
 * Telegram when the network or the process fails: the real grammY against the fake Bot API on
 * 127.0.0.1, whose connections are dropped (the socket destroyed before any answer) or refused
 * (no server on the port for a moment), and a bot restarted on the same sqlite file.
 *
 * What must hold: a call whose connection drops is tried again a few times, so the reply arrives
 * once per attempt that got through; the apology is sent only when the turn itself failed, never
 * because a reply could not be sent; a webhook still answers 200 then; and an update Telegram
 * delivers again after a restart is not handled twice.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, Update } from 'grammy/types';
import { createBot, type Bot } from '../../src/bot/index.ts';
import type { RawRequest, RawResponse } from '../../adapters/shared/http.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createTelegram } from '../../adapters/telegram/index.ts';
import { FakeTelegram } from '../channels/fake-telegram.ts';

const TOKEN = '123456:FAULT-token_xyz';
const SECRET = 'webhook-secret-faults';
const NOW = new Date('2023-08-01T09:00:00+08:00');
/** Words of the replies (the greeting, the apology), as the chat's wording has them. */
const GREETING = '职称申报助手';
const APOLOGY = '抱歉';

const logs: string[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });
const logsSince = (n: number) => logs.slice(n).join('');

/** The real bot, except that the text "出错" makes its turn fail. */
function withFailingTurn(real: Bot): Bot {
  return {
    ...real,
    async handle(user, input) {
      if (input.kind === 'text' && input.text === '出错') throw new Error('engine exploded');
      return real.handle(user, input);
    },
  };
}

let nextId = 1;
function textUpdate(chatId: number, text: string, updateId = 700_000 + nextId++): Update {
  const chat = { id: chatId, type: 'private' as const, first_name: '测试' };
  const message = { message_id: nextId++, date: Math.floor(Date.now() / 1000), chat, from: { id: chatId, is_bot: false, first_name: '测试' }, text };
  return { update_id: updateId, message: message as Message & Update.NonChannel } as Update;
}

function webhookRequest(update: Update): RawRequest {
  return {
    method: 'POST', path: '/webhooks/telegram', query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: Buffer.from(JSON.stringify(update)),
  };
}

function post(channel: Channel, update: Update): Promise<RawResponse> {
  return channel.routes.find((r) => r.path === '/webhooks/telegram')!.handle(webhookRequest(update));
}

const sendsTo = (fake: FakeTelegram, chatId: number) => fake.callsOf('sendMessage').filter((c) => Number(c.body.chat_id) === chatId);

describe('dropped connections', () => {
  let bot: Bot;
  let fake: FakeTelegram;
  let channel: Channel;

  beforeAll(async () => {
    bot = withFailingTurn(await createBot({ storeUrl: 'memory://', now: NOW }));
    fake = await new FakeTelegram(TOKEN).listen();
    channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url, webhookSecret: SECRET });
    await channel.start!();
  }, 30_000);

  afterAll(async () => {
    await channel.stop!();
    await fake.close();
    await bot.close();
  });

  it('sends a reply again after its connection drops twice: it arrives once, with no apology', async () => {
    const chat = 610_001;
    const before = logs.length;
    fake.dropNext('sendMessage', 2);
    const started = Date.now();
    const res = await post(channel, textUpdate(chat, '你好'));
    expect(res.status).toBe(200);
    expect(sendsTo(fake, chat).map((c) => c.dropped === true)).toEqual([true, true, false]);
    const sent = fake.sent(chat);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toContain(GREETING);
    expect(sent.some((m) => m.text.includes(APOLOGY))).toBe(false);
    // Two pauses (0.5 s, 1 s) before the retries, and no more.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(Date.now() - started).toBeLessThan(6000);
    const retries = logs.slice(before).filter((l) => l.includes('Telegram API unreachable; retrying'));
    expect(retries).toHaveLength(2);
    expect(retries.every((l) => l.includes('ECONNRESET') && l.includes('sendMessage'))).toBe(true);
    expect(logsSince(before)).not.toContain('reply not delivered');
  });

  it('gives up after three retries: the reply is logged as not delivered, no apology, and the webhook answers 200', async () => {
    const chat = 987_654_321;
    const before = logs.length;
    fake.dropNext('sendMessage', 4);
    const res = await post(channel, textUpdate(chat, '截止时间'));
    expect(res.status).toBe(200);
    expect(sendsTo(fake, chat)).toHaveLength(4);
    expect(sendsTo(fake, chat).every((c) => c.dropped)).toBe(true);
    // The turn is saved: nothing else is sent, in particular no apology, even a moment later.
    await new Promise((r) => setTimeout(r, 300));
    expect(sendsTo(fake, chat)).toHaveLength(4);
    const lines = logsSince(before);
    expect(lines).toMatch(/"ok":true[^\n]*reply not delivered|reply not delivered[^\n]*"ok":true/);
    expect(lines).toContain('ECONNRESET');
    expect(lines).not.toContain('apology not delivered');
    // Logs name the person by a hash only, and never the token.
    for (const secret of [String(chat), TOKEN, '截止时间']) expect(lines).not.toContain(secret);
    // The chat works again once the connection does: the next message is answered.
    expect((await post(channel, textUpdate(chat, '你好'))).status).toBe(200);
    expect(fake.sent(chat)).toHaveLength(1);
    expect(fake.sent(chat)[0]!.text).toContain(GREETING);
  });

  it('still apologises when the turn itself fails, once, after its connection drops once', async () => {
    const chat = 610_003;
    fake.dropNext('sendMessage', 1);
    const res = await post(channel, textUpdate(chat, '出错'));
    expect(res.status).toBe(200);
    expect(sendsTo(fake, chat).map((c) => c.dropped === true)).toEqual([true, false]);
    expect(fake.sent(chat).map((m) => m.text)).toEqual([expect.stringContaining(APOLOGY)]);
  });

  it('does not retry a call Telegram answered with an error (400): one call, logged, no apology', async () => {
    const chat = 610_004;
    const before = logs.length;
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    expect((await post(channel, textUpdate(chat, '你好'))).status).toBe(200);
    expect(sendsTo(fake, chat)).toHaveLength(1);
    expect(fake.sent(chat)).toEqual([]);
    expect(logsSince(before)).toContain('reply not delivered');
    expect(logsSince(before)).not.toContain('retrying');
  });
});

describe('polling through dropped connections', () => {
  it('recovers from dropped getUpdates and a dropped reply: the update is answered once', async () => {
    const bot = await createBot({ storeUrl: 'memory://', now: NOW });
    const fake = await new FakeTelegram(TOKEN).listen();
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url });
    try {
      await channel.start!();
      await fake.waitFor(() => fake.callsOf('getUpdates').length > 0);
      const chat = 620_001;
      fake.dropNext('getUpdates', 2);
      fake.dropNext('sendMessage', 1);
      fake.queue(textUpdate(chat, '你好'));
      await fake.waitFor(() => fake.sent(chat).length > 0, 8000);
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.sent(chat)).toHaveLength(1);
      expect(fake.sent(chat)[0]!.text).toContain(GREETING);
      expect(fake.callsOf('getUpdates').filter((c) => c.dropped)).toHaveLength(2);
    } finally {
      await channel.stop!();
      await fake.close();
      await bot.close();
    }
  });
});

describe('connection refused for a moment', () => {
  it('sends a reminder once Telegram is reachable again, within the retries', async () => {
    const bot = await createBot({ storeUrl: 'memory://', now: NOW });
    // A port where nothing listens until the fake comes back on it.
    const gone = await new FakeTelegram(TOKEN).listen();
    const port = Number(new URL(gone.url).port);
    await gone.close();
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: gone.url });
    const before = logs.length;
    let back: FakeTelegram | undefined;
    try {
      const pushed = channel.push!('630001', '提醒：材料提交截止前请核对。', 'faults:1');
      await new Promise((r) => setTimeout(r, 200));
      back = await new FakeTelegram(TOKEN).listen(port);
      expect(await pushed).toBe('sent');
      expect(back.sent(630001)).toHaveLength(1);
      expect(logsSince(before)).toContain('ECONNREFUSED');
    } finally {
      await channel.stop!();
      await back?.close();
      await bot.close();
    }
  });

  it('gives up on a push after the retries, asking to try later, in a few seconds', async () => {
    const bot = await createBot({ storeUrl: 'memory://', now: NOW });
    const gone = await new FakeTelegram(TOKEN).listen();
    await gone.close();
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: gone.url });
    const before = logs.length;
    try {
      const started = Date.now();
      expect(await channel.push!('630002', '提醒', 'faults:2')).toBe('retry');
      // Three retries after pauses of 0.5, 1 and 2 s, then the runner's own retry takes over.
      expect(Date.now() - started).toBeGreaterThanOrEqual(3400);
      expect(Date.now() - started).toBeLessThan(8000);
      expect(logs.slice(before).filter((l) => l.includes('retrying') && l.includes('ECONNREFUSED'))).toHaveLength(3);
      expect(logsSince(before)).toContain('push failed');
    } finally {
      await channel.stop!();
      await bot.close();
    }
  });

  it("stops retrying a push when the runner's signal aborts it", async () => {
    const bot = await createBot({ storeUrl: 'memory://', now: NOW });
    const gone = await new FakeTelegram(TOKEN).listen();
    await gone.close();
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: gone.url });
    try {
      const started = Date.now();
      expect(await channel.push!('630003', '提醒', 'faults:3', AbortSignal.timeout(700))).toBe('retry');
      // Aborted during the second pause (0.5 s, then 1 s), not after all three.
      expect(Date.now() - started).toBeLessThan(1500);
    } finally {
      await channel.stop!();
      await bot.close();
    }
  });
});

describe('a restart', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tg-replay-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A bot and its Telegram channel on the sqlite file, as `npm start` builds them. */
  async function start(fake: FakeTelegram) {
    const bot = await createBot({ storeUrl: `sqlite://${join(dir, 'x.sqlite')}`, now: NOW });
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url, webhookSecret: SECRET });
    await channel.start!();
    return { bot, channel, async stop() { await channel.stop!(); await bot.close(); } };
  }

  it('does not handle again an update Telegram delivers again after the restart', async () => {
    const fake = await new FakeTelegram(TOKEN).listen();
    const chat = 640_001;
    const update = textUpdate(chat, '你好');
    try {
      const first = await start(fake);
      expect((await post(first.channel, update)).status).toBe(200);
      expect(fake.sent(chat)).toHaveLength(1);
      await first.stop();

      const before = logs.length;
      const second = await start(fake);
      try {
        expect((await post(second.channel, update)).status).toBe(200);
        expect(fake.sent(chat)).toHaveLength(1);
        expect(logsSince(before)).toContain('update already handled');
        // The second instance does answer what it has not seen.
        expect((await post(second.channel, textUpdate(chat, '截止时间'))).status).toBe(200);
        expect(fake.sent(chat)).toHaveLength(2);
      } finally {
        await second.stop();
      }
    } finally {
      await fake.close();
    }
  });
});

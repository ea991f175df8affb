/**
 * The channel contract, run against every channel like the store's contract test: a redelivered
 * update is handled once; one person's messages are answered in order; long replies are split
 * within the platform's limit; buttons arrive as the platform's buttons and pressing one reaches
 * the engine as its action; a failed turn answers the apology of flows/chat.yaml; a push reports
 * `sent`, `not-allowed` (the person blocked the bot) or `retry` (the platform cannot be reached).
 * Each channel runs against its fake platform on 127.0.0.1 with the real bot behind it.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import type { Input, StepResult } from '../../src/dialogue/types.ts';
import { createApp } from '../../adapters/http.ts';
import { createLine } from '../../adapters/line/index.ts';
import { register } from '../../adapters/registry.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import type { RawRequest } from '../../adapters/shared/http.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createTelegram } from '../../adapters/telegram/index.ts';
import { createWeb } from '../../adapters/web/index.ts';
import { testBot } from '../kit.ts';
import { FakeTelegram } from './fake-telegram.ts';
import { callback, startFakeWechat, type FakeWechat } from './fake-wechat.ts';
import { createWechat, WECHAT_LIMITS, type WechatChannel } from '../../adapters/wechat/index.ts';
import { parseXml } from '../../adapters/wechat/xml.ts';
import { sign, startFakeLine, type FakeLine } from './fake-line.ts';

/** What a chat received: each message's text and the actions of its buttons. */
interface Delivered { text: string; actions: string[] }

interface Driver {
  name: string;
  /** Whether the platform gives deliveries ids it may redeliver. */
  redelivery: boolean;
  /** The platform's message size limit, when it has one. */
  limit: number | null;
  /** Whether the platform can refuse a push to a person (who blocked the bot). */
  refusesPushes: boolean;
  setup(bot: Bot): Promise<Channel>;
  teardown(): Promise<void>;
  /** A text from `chat`, with the platform's delivery id `id` (fresh when not given); resolves when the channel answered. */
  text(chat: string, text: string, id?: string): Promise<void>;
  /** A press of the button with this action. */
  press(chat: string, action: string): Promise<void>;
  received(chat: string): Delivered[];
  /** What pushes reached the chat. */
  pushed(chat: string): Promise<string[]>;
  block(chat: string): void;
  unreachable(on: boolean): void;
  /** The engine user of a chat. */
  userOf(chat: string): string;
  /** What the channel's push is given for a chat (its own id of the chat; the web issues its own). */
  target?(chat: string): string;
}

const log = pino({ level: 'silent' });
let nextId = 1;

function telegramDriver(): Driver {
  const token = '123456:CONTRACT-token';
  const secret = 'contract-secret';
  let fake: FakeTelegram;
  let channel: Channel;
  const post = (update: object) => channel.routes[0]!.handle({
    method: 'POST', path: '/webhooks/telegram', query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret }, body: Buffer.from(JSON.stringify(update)),
  }).then((res) => expect(res.status).toBe(200));
  const chatOf = (chat: string) => ({ id: Number(chat), type: 'private' as const, first_name: 'T' });
  const from = (chat: string) => ({ id: Number(chat), is_bot: false, first_name: 'T' });
  return {
    name: 'telegram', redelivery: true, limit: 4096, refusesPushes: true,
    async setup(bot) {
      fake = await new FakeTelegram(token).listen();
      channel = register(bot, createTelegram(createKit(bot, log), { token, apiRoot: fake.url, webhookSecret: secret }));
      await channel.start!();
      return channel;
    },
    async teardown() { await channel.stop!(); await fake.close(); },
    text: (chat, text, id) => post({ update_id: Number(id ?? nextId++), message: { message_id: nextId++, date: 0, chat: chatOf(chat), from: from(chat), text } }),
    press: (chat, action) => post({ update_id: nextId++, callback_query: { id: `cb${nextId++}`, from: from(chat), chat_instance: 'c', data: action, message: { message_id: nextId++, date: 0, chat: chatOf(chat), text: '…' } } }),
    received: (chat) => fake.sent(Number(chat)).map((m) => ({ text: m.text, actions: m.buttons.map((b) => b.callback_data) })),
    pushed: async (chat) => fake.sent(Number(chat)).map((m) => m.text),
    block: (chat) => { fake.blocked.add(Number(chat)); },
    unreachable: (on) => { fake.unreachable = on; },
    userOf: (chat) => `tg:${chat}`,
  };
}

function lineDriver(): Driver {
  const secret = 'contract-secret';
  const token = 'contract-token';
  let fake: FakeLine;
  let channel: Channel;
  const owner = new Map<string, string>(); // reply token → user
  const post = async (event: Record<string, unknown>, user: string) => {
    const replyToken = `rt-${nextId++}`;
    owner.set(replyToken, user);
    const body = JSON.stringify({ destination: 'U', events: [{ replyToken, timestamp: 0, mode: 'active', source: { type: 'user', userId: user }, deliveryContext: { isRedelivery: false }, ...event }] });
    const req: RawRequest = { method: 'POST', path: '/webhooks/line', query: new URLSearchParams(), headers: { 'x-line-signature': sign(body, secret) }, body: Buffer.from(body) };
    expect((await channel.routes[0]!.handle(req)).status).toBe(200);
  };
  const calls = (chat: string) => fake.delivered().filter((c) => (c.body.replyToken ? owner.get(c.body.replyToken) === chat : c.body.to === chat));
  return {
    name: 'line', redelivery: true, limit: 5000, refusesPushes: true,
    async setup(bot) {
      fake = await startFakeLine(token);
      // The webhook answers once its events are handled (the fake answers at once).
      channel = register(bot, createLine(createKit(bot, log), { channelSecret: secret, channelAccessToken: token, apiBaseUrl: fake.apiUrl, dataApiBaseUrl: fake.dataUrl, ackWithinMs: 10_000 }));
      return channel;
    },
    async teardown() { await channel.stop!(); await fake.close(); },
    text: (chat, text, id) => post({ webhookEventId: id ?? `ev-${nextId++}`, type: 'message', message: { type: 'text', id: `m${nextId++}`, text } }, chat),
    press: (chat, action) => post({ webhookEventId: `ev-${nextId++}`, type: 'postback', postback: { data: action } }, chat),
    received: (chat) => calls(chat).flatMap((c) => c.body.messages.map((m) => ({ text: m.text, actions: m.quickReply?.items.map((i) => i.action.data) ?? [] }))),
    pushed: async (chat) => calls(chat).filter((c) => c.path.endsWith('/push')).flatMap((c) => c.body.messages.map((m) => m.text)),
    block: (chat) => { fake.blocked.add(chat); },
    unreachable: (on) => { fake.unreachable = on; },
    userOf: (chat) => `line:${chat}`,
  };
}

function webDriver(): Driver {
  let channel: Channel;
  let request: (req: RawRequest) => Promise<{ status: number; body: string | Buffer }>;
  const got = new Map<string, Delivered[]>();
  const pushedTo = new Map<string, string[]>();
  /** The id the server issued to each chat (its first request goes without one). */
  const issued = new Map<string, string>();
  const call = async (chat: string, body: object) => {
    const known = issued.get(chat);
    const res = await request({ method: 'POST', path: '/api/chat', query: new URLSearchParams(), headers: { 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ ...(known && { user: known }), ...body })) });
    const out = JSON.parse(String(res.body)) as { replies: { text: string; buttons: { action: string }[] }[]; pushed?: { text: string }[]; user?: string };
    if (out.user) issued.set(chat, out.user);
    got.set(chat, [...(got.get(chat) ?? []), ...out.replies.map((r) => ({ text: r.text, actions: r.buttons.map((b) => b.action) }))]);
    pushedTo.set(chat, [...(pushedTo.get(chat) ?? []), ...(out.pushed ?? []).map((p) => p.text)]);
  };
  return {
    name: 'web', redelivery: false, limit: null, refusesPushes: false,
    async setup(bot) {
      channel = register(bot, createWeb(createKit(bot, log)));
      request = createApp(bot, [channel], log).request;
      return channel;
    },
    async teardown() {},
    text: (chat, text) => call(chat, { text }),
    press: (chat, action) => call(chat, { action }),
    received: (chat) => got.get(chat) ?? [],
    // A browser cannot be pushed to: the push waits in the outbox until the next answer.
    async pushed(chat) { await call(chat, { action: 'menu' }); return pushedTo.get(chat) ?? []; },
    block: () => {},
    unreachable: () => {},
    userOf: (chat) => `web:${issued.get(chat) ?? chat}`,
    target: (chat) => issued.get(chat) ?? chat,
  };
}

function wechatDriver(): Driver {
  const token = 'contracttoken';
  let fake: FakeWechat;
  let channel: WechatChannel;
  /** What each chat received, passive replies and customer-service messages, in the order they went out. */
  const timeline = new Map<string, Delivered[]>();
  const add = (chat: string, d: Delivered) => timeline.set(chat, [...(timeline.get(chat) ?? []), d]);
  const post = async (chat: string, fields: Record<string, string>) => {
    const res = await channel.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', { ToUserName: 'gh_contract', FromUserName: chat, CreateTime: String(nextId++), MsgType: 'text', ...fields }, { token }));
    expect(res.status).toBe(200);
    const body = String(res.body);
    if (body !== 'success') add(chat, { text: parseXml(body)!.Content!, actions: [] });
    await channel.drain();
  };
  return {
    name: 'wechat', redelivery: true, limit: WECHAT_LIMITS.textChars, refusesPushes: true,
    async setup(bot) {
      fake = await startFakeWechat();
      fake.onSent = (s) => { if (s.path.endsWith('/custom/send')) add(s.to, { text: s.text, actions: s.menu.map((m) => m.id) }); };
      channel = createWechat(createKit(bot, log), { token, appId: 'wxcontract', appSecret: 's', apiBaseUrl: fake.url, msgmenu: true, reminderTemplateId: 'TPL', afterPassiveMs: 0 });
      register(bot, channel);
      return channel;
    },
    async teardown() { await channel.stop!(); await fake.close(); },
    text: (chat, text, id) => post(chat, { Content: text, MsgId: id ?? String(nextId++) }),
    // A msgmenu click: a text message carrying the chosen item's id.
    press: (chat, action) => post(chat, { Content: '…', MsgId: String(nextId++), bizmsgmenuid: action }),
    received: (chat) => timeline.get(chat) ?? [],
    pushed: async (chat) => fake.to(chat).filter((s) => s.path.endsWith('/bizsend')).map((s) => (s.body.data as { thing1: { value: string } }).thing1.value),
    block: (chat) => { fake.blocked.add(chat); },
    unreachable: (on) => { fake.unreachable = on; },
    userOf: (chat) => `wx:${chat}`,
  };
}

/** The real bot, recording its inputs; "出错" makes the turn fail, "长回复" gives a 9000-character reply with a button. */
function recording(real: Bot) {
  const inputs: { user: string; input: Input }[] = [];
  const bot: Bot = {
    ...real,
    async handle(user, input) {
      inputs.push({ user, input });
      if (input.kind === 'text' && input.text === '出错') throw new Error('engine exploded');
      const r = await real.handle(user, input);
      if (input.kind === 'text' && input.text === '长回复') {
        const text = Array.from({ length: 100 }, (_, i) => `${String(i).padStart(3, '0')}${'职'.repeat(86)}`).join('\n');
        return { ...r, replies: [{ text, buttons: [{ label: '菜单', action: 'menu' }], citations: [] }] } satisfies StepResult;
      }
      return r;
    },
  };
  return { bot, inputs };
}

describe.each([telegramDriver(), lineDriver(), webDriver(), wechatDriver()])('the $name channel keeps the contract', (driver) => {
  let real: Bot;
  let rec: ReturnType<typeof recording>;
  let channel: Channel;
  let chats = 0;
  const chat = () => String(900_000 + ++chats);

  beforeAll(async () => {
    real = await testBot({ now: new Date('2023-08-01T09:00:00+08:00'), reminderRetry: { attempts: 1, baseDelayMs: 1 } });
    rec = recording(real);
    channel = await driver.setup(rec.bot);
  });
  afterAll(async () => {
    await driver.teardown();
    await real.close();
  });

  it.skipIf(!driver.redelivery)('handles a redelivered update once', async () => {
    const c = chat();
    const id = String(5_000_000 + chats);
    await Promise.all([driver.text(c, '截止时间', id), driver.text(c, '截止时间', id)]);
    await driver.text(c, '截止时间', id);
    expect(rec.inputs.filter((x) => x.user === driver.userOf(c))).toHaveLength(1);
    expect(driver.received(c).filter((m) => m.text.includes('时间节点'))).toHaveLength(1);
  });

  it('answers one person\'s messages in the order they came', async () => {
    const c = chat();
    const asked = ['你好', '截止时间', '继续教育要多少学时', '照片要什么格式', '联系人是谁'];
    const marks = ['职称申报助手', '时间节点', '270', 'JPG', '82313758'];
    await Promise.all(asked.map((t) => driver.text(c, t)));
    const texts = driver.received(c).map((m) => m.text);
    const at = marks.map((mark) => texts.findIndex((t) => t.includes(mark)));
    expect(at.every((i) => i >= 0), JSON.stringify(texts)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('splits a long reply within the platform\'s limit, losing nothing', async () => {
    const c = chat();
    await driver.text(c, '长回复');
    const got = driver.received(c);
    if (driver.limit) for (const m of got) expect(m.text.length).toBeLessThanOrEqual(driver.limit);
    const all = got.map((m) => m.text).join('\n');
    for (let i = 0; i < 100; i++) expect(all).toContain(`${String(i).padStart(3, '0')}职`);
  });

  it('sends buttons, and a press reaches the engine as the button\'s action', async () => {
    const c = chat();
    await driver.text(c, '你好');
    const actions = driver.received(c).flatMap((m) => m.actions);
    expect(actions).toContain('interview:start');
    await driver.press(c, 'interview:start');
    expect(rec.inputs.filter((x) => x.user === driver.userOf(c)).at(-1)!.input).toEqual({ kind: 'action', action: 'interview:start' });
    expect(driver.received(c).at(-1)!.actions).toContain('answer:zone:true');
  });

  it('answers a failed turn with the apology from flows/chat.yaml', async () => {
    const c = chat();
    await driver.text(c, '出错');
    expect(driver.received(c).map((m) => m.text)).toContain(real.flow.texts.channelSorry);
  });

  it('reports a push as sent, not allowed, or to be retried', async () => {
    expect(channel.push).toBeDefined();
    const c = chat();
    await driver.text(c, '你好'); // the person has talked to the bot
    expect(await channel.push!(driver.target?.(c) ?? c, '⏰ 测试提醒', 'contract:1')).toBe('sent');
    expect(await driver.pushed(c)).toContain('⏰ 测试提醒');
    if (driver.refusesPushes) {
      const blocked = chat();
      driver.block(blocked);
      expect(await channel.push!(blocked, '⏰ 测试提醒', 'contract:2')).toBe('not-allowed');
      driver.unreachable(true);
      try {
        // A thrown error counts as 'retry' (the Push contract): the runner retries it.
        expect(await channel.push!(driver.target?.(c) ?? c, '⏰ 测试提醒', 'contract:3').catch(() => 'retry')).toBe('retry');
      } finally {
        driver.unreachable(false);
      }
    }
  });
});

/**
 * The Telegram channel against a fake Bot API server on 127.0.0.1, with the real bot behind it:
 * long polling end to end (the runner fetches queued updates), webhook requests handled directly,
 * message splitting, callback data, concurrency and failures.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackQuery, Message, Update } from 'grammy/types';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { COMMANDS, formatAction } from '../../src/core/actions.ts';
import type { Input, StepResult } from '../../src/dialogue/types.ts';
import type { RawRequest } from '../../adapters/shared/http.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { register } from '../../adapters/registry.ts';
import { CallbackKeys, createTelegram, inlineKeyboard, MAX_MESSAGE, renderReply } from '../../adapters/telegram/index.ts';
import { jpeg, png } from '../photo/images.ts';
import { FakeTelegram, type SentButton } from './fake-telegram.ts';

const TOKEN = '123456:TEST-token_abc';
const SECRET = 'webhook-secret-1';
const LONG_ACTION = `clause:${'x'.repeat(80)}`;

let bot: Bot;
/** Every input the engine received, by user. */
const inputs: { user: string; input: Input | { kind: 'photo' } }[] = [];
/** Log lines written by the channel. */
const logs: string[] = [];
const log = pino({ level: 'debug' }, { write: (line: string) => void logs.push(line) });

/**
 * The real bot, with a few test hooks: some texts produce a reply the real engine never makes
 * (a 9000-character one, a button whose action is too long for callback_data) or fail.
 */
function testBot(real: Bot): Bot {
  return {
    ...real,
    async handle(user, input) {
      inputs.push({ user, input: input.kind === 'photo' ? { kind: 'photo' } : input });
      if (input.kind === 'text' && input.text === '出错') throw new Error('engine exploded');
      if (input.kind === 'text' && (input.text === '长回复' || input.text === '长按钮')) {
        const base = await real.handle(user, { kind: 'text', text: '菜单' });
        const text = input.text === '长回复' ? longText(9000) : '长按钮';
        return { ...base, replies: [{ text, buttons: [{ label: '长', action: LONG_ACTION }, { label: '菜单', action: 'menu' }], citations: [] }] } satisfies StepResult;
      }
      return real.handle(user, input);
    },
  };
}

/** Lines of 99 characters plus a newline, `n` characters in all. */
function longText(n: number): string {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `${String(i).padStart(4, '0')}${'职'.repeat(94)}\n`;
  return s.slice(0, n);
}

// ---- updates as Telegram sends them ----
let nextId = 1;
const date = () => Math.floor(Date.now() / 1000);
const chatOf = (id: number) => ({ id, type: 'private' as const, first_name: '测试' });
const from = (id: number) => ({ id, is_bot: false as const, first_name: '测试' });

type ChatMessage = Message & Update.NonChannel;
function message(chatId: number, extra: Partial<Message>): { message: ChatMessage } {
  return { message: { message_id: nextId++, date: date(), chat: chatOf(chatId), from: from(chatId), ...extra } as ChatMessage };
}
function textMessage(chatId: number, text: string) {
  const command = /^\/\S+/.exec(text);
  return message(chatId, { text, ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}) });
}
function press(chatId: number, data: string): { callback_query: CallbackQuery } {
  return {
    callback_query: {
      id: `cb${nextId++}`, from: from(chatId), chat_instance: `ci${chatId}`, data,
      message: { message_id: nextId++, date: date(), chat: chatOf(chatId), text: '…' } as Message,
    },
  };
}
const withId = (u: Omit<Update, 'update_id'>): Update => ({ ...u, update_id: 100_000 + nextId++ }) as Update;

/** A webhook POST as the HTTP service hands it over; `secret: null` sends no secret header. */
function webhookRequest(body: unknown, secret: string | null = SECRET, method = 'POST'): RawRequest {
  return {
    method, path: '/webhooks/telegram', query: new URLSearchParams(),
    headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
    body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
  };
}

beforeAll(async () => {
  bot = testBot(await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') }));
}, 20_000);

afterAll(async () => {
  await bot.close();
});

describe('rendering', () => {
  it('splits a 9000-character reply into messages of at most 4096, buttons on the last', () => {
    const text = longText(9000);
    const out = renderReply({ text, buttons: [{ label: '菜单', action: 'menu' }], citations: [] }, new CallbackKeys(), '请选择：');
    expect(out.length).toBe(3);
    for (const m of out) expect(m.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(out.slice(0, -1).every((m) => m.reply_markup === undefined)).toBe(true);
    expect(out.at(-1)!.reply_markup!.inline_keyboard.flat()).toEqual([{ text: '菜单', callback_data: 'menu' }]);
    // Cut at line breaks: nothing lost but the newline at each cut.
    expect(out.map((m) => m.text).join('\n')).toBe(text);
  });

  it('counts the limit as Telegram does (UTF-16), so emoji-heavy text still fits', () => {
    const text = '😀'.repeat(5000);
    const out = renderReply({ text, buttons: [], citations: [] }, new CallbackKeys(), '请选择：');
    for (const m of out) expect(m.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
    expect(out.map((m) => m.text).join('')).toBe(text);
  });

  it('keeps callback_data within 64 bytes: long actions become short ids that resolve back', () => {
    const keys = new CallbackKeys();
    const kb = inlineKeyboard([{ label: '是', action: 'answer:true' }, { label: '长', action: LONG_ACTION }, { label: '中文', action: '问'.repeat(30) }, { label: 'k', action: 'k:1' }], keys);
    const data = kb.inline_keyboard.flat().map((b) => (b as SentButton).callback_data);
    for (const d of data) expect(Buffer.byteLength(d)).toBeLessThanOrEqual(64);
    expect(data[0]).toBe('answer:true');
    expect(data[1]).toMatch(/^k:/);
    expect(data[2]).toMatch(/^k:/); // 30 Chinese characters are 90 bytes
    expect(data[3]).not.toBe('k:1'); // an action that looks like an id is stored too
    expect(data.map((d) => keys.decode(d))).toEqual(['answer:true', LONG_ACTION, '问'.repeat(30), 'k:1']);
    expect(keys.encode(LONG_ACTION)).toBe(data[1]); // the same action, the same id
    expect(keys.decode('k:nope')).toBeUndefined();
  });

  it('forgets the oldest ids beyond its limit', () => {
    const keys = new CallbackKeys(2);
    const ids = ['a', 'b', 'c'].map((c) => keys.encode(c.repeat(70)));
    expect(keys.decode(ids[0]!)).toBeUndefined();
    expect(keys.decode(ids[2]!)).toBe('c'.repeat(70));
  });

  it('never sends an empty message', () => {
    expect(renderReply({ text: '', buttons: [], citations: [] }, new CallbackKeys(), '请选择：')).toEqual([]);
    expect(renderReply({ text: ' ', buttons: [{ label: '菜单', action: 'menu' }], citations: [] }, new CallbackKeys(), '请选择：')[0]!.text).toBe('请选择：');
  });
});

describe('long polling', () => {
  let fake: FakeTelegram;
  let channel: Channel;

  beforeAll(async () => {
    fake = await new FakeTelegram(TOKEN).listen();
    channel = register(bot, createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url }));
    await channel.start!();
  });

  afterAll(async () => {
    await channel.stop!();
    await fake.close();
  });

  type Sent = ReturnType<FakeTelegram['sent']>;
  const hasButtons = (msgs: Sent) => msgs.some((m) => m.buttons.length > 0);

  /** Queues an update for the runner; resolves with the chat's new messages once `done` holds. */
  async function turn(chatId: number, update: Omit<Update, 'update_id'>, done: (msgs: Sent) => boolean = hasButtons): Promise<Sent> {
    const before = fake.sent(chatId).length;
    fake.queue(update);
    await fake.waitFor(() => done(fake.sent(chatId).slice(before)));
    // A turn may send several messages (an answer, then the pending question again): let them all arrive.
    await new Promise((r) => setTimeout(r, 30));
    return fake.sent(chatId).slice(before);
  }
  /** Presses the button labelled `label` on the latest message that has it. */
  function pressLabel(chatId: number, label: string, done?: (msgs: Sent) => boolean): Promise<Sent> {
    const button = fake.sent(chatId).flatMap((m) => m.buttons).reverse().find((b) => b.text === label);
    if (!button) throw new Error(`no button "${label}" in chat ${chatId}`);
    return turn(chatId, press(chatId, button.callback_data), done);
  }

  it('switches to polling with deleteWebhook, registers the eleven commands, and never calls getMe', async () => {
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0);
    const methods = fake.calls.map((c) => c.method);
    expect(methods.indexOf('deleteWebhook')).toBeGreaterThanOrEqual(0);
    expect(methods.indexOf('deleteWebhook')).toBeLessThan(methods.indexOf('getUpdates'));
    expect(methods).not.toContain('getMe');
    expect(fake.callsOf('deleteWebhook')[0]!.body.drop_pending_updates).toBeUndefined(); // pending updates kept
    expect(fake.callsOf('setMyCommands')).toHaveLength(1);
    expect(fake.callsOf('setMyCommands')[0]!.body.commands).toEqual([
      { command: 'start', description: '开始' },
      { command: 'menu', description: '菜单' },
      { command: 'check', description: '检查我能否申报' },
      { command: 'result', description: '我的结果' },
      { command: 'faq', description: '常见问题' },
      { command: 'deadlines', description: '截止时间' },
      { command: 'hr', description: '单位HR办理指南' },
      { command: 'subscribe', description: '订阅截止提醒' },
      { command: 'reminders', description: '我的提醒' },
      { command: 'unsubscribe', description: '退订提醒' },
      { command: 'forget', description: '删除我的数据' },
    ]);
    expect(channel.name).toBe('telegram');
    expect(channel.routes).toEqual([]);
  });

  it('subscribes with /subscribe and a button, and pushes the reminder to the chat', async () => {
    const chatId = 4242;
    const intro = await turn(chatId, textMessage(chatId, '/subscribe'));
    expect(intro.flatMap((m) => m.buttons).map((b) => b.text)).toContain('我是申报人，订阅');
    await pressLabel(chatId, '我是申报人，订阅');
    const before = fake.sent(chatId).length;
    const report = await bot.runDue(new Date('2023-09-01T09:00:00+08:00'));
    expect(report.sent).toBeGreaterThanOrEqual(1);
    const pushed = fake.sent(chatId).slice(before);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.text).toContain('个人申报截止是2023年9月8日，还有7天');
    expect((await bot.runDue(new Date('2023-09-01T10:00:00+08:00'))).sent).toBe(0);
  });

  it('answers text with plain-text messages and an inline keyboard', async () => {
    const msgs = await turn(2001, textMessage(2001, '你好'));
    expect(msgs[0]!.text).toContain('职称申报助手');
    expect(msgs[0]!.buttons).toContainEqual({ text: '检查我能否申报', callback_data: 'interview:start' });
    const call = fake.callsOf('sendMessage').find((c) => Number(c.body.chat_id) === 2001)!;
    expect(call.body.parse_mode).toBeUndefined();
    expect(inputs).toContainEqual({ user: 'tg:2001', input: { kind: 'text', text: '你好' } });
  });

  it('runs a whole eligibility interview by button presses and typed answers to "可以申报"', async () => {
    const chat = 2002;
    await turn(chat, textMessage(chat, '你好'));
    let msgs = await pressLabel(chat, '检查我能否申报');
    expect(msgs.at(-1)!.text).toContain('第1题');
    const typed: string[] = [];
    let verdict: Sent | undefined;
    for (let i = 0; i < 30 && !verdict; i++) {
      const q = msgs.at(-1)!;
      const labels = q.buttons.map((b) => b.text);
      const say = (text: string) => { typed.push(text); return turn(chat, textMessage(chat, text)); };
      if (q.text.includes('请核对')) {
        msgs = await pressLabel(chat, '确认，看结果');
        verdict = msgs;
      } else if (q.text.includes('学时')) msgs = await say('专业课200，公需课60，其他20');
      else if (labels.includes('大学本科')) msgs = await say('本科');
      else if (q.text.includes('哪年哪月')) msgs = await say('2018年7月');
      else if (q.text.includes('外省') && labels.includes('否')) msgs = await pressLabel(chat, '否');
      else if (labels.includes('是')) msgs = await pressLabel(chat, '是');
      else msgs = await pressLabel(chat, labels[0]!);
    }
    expect(verdict, 'the interview reached its review and verdict').toBeDefined();
    expect(verdict!.map((m) => m.text).join('\n')).toContain('可以申报');
    expect(typed).toEqual(expect.arrayContaining(['专业课200，公需课60，其他20', '本科', '2018年7月']));
    // Every press was answered, and every pressed button was one the bot had sent.
    const presses = inputs.filter((x) => x.user === `tg:${chat}` && x.input.kind === 'action');
    expect(presses.length).toBeGreaterThan(5);
    await fake.waitFor(() => fake.callsOf('answerCallbackQuery').length >= presses.length);
  });

  it('checks a photo: downloads the largest size through getFile and the file URL', async () => {
    const chat = 2003;
    fake.addFile('ph-small', 'photos/file_0.jpg', jpeg(90, 120, 3000));
    fake.addFile('ph-big', 'photos/file_1.jpg', jpeg(330, 441, 60000));
    const msgs = await turn(chat, message(chat, {
      photo: [
        { file_id: 'ph-small', file_unique_id: 's', width: 90, height: 120, file_size: 3000 },
        { file_id: 'ph-big', file_unique_id: 'b', width: 330, height: 441, file_size: 60000 },
      ],
    }));
    expect(fake.callsOf('getFile').map((c) => c.body.file_id)).toContain('ph-big');
    expect(fake.callsOf('getFile').map((c) => c.body.file_id)).not.toContain('ph-small');
    expect(msgs[0]!.text).toMatch(/^✅.*符合/);
    expect(inputs).toContainEqual({ user: `tg:${chat}`, input: { kind: 'photo' } });
  });

  it('checks an image sent as a document, and explains what it accepts otherwise', async () => {
    const chat = 2004;
    fake.addFile('doc-png', 'documents/file_2.png', png(330, 441));
    const any = (msgs: Sent) => msgs.length > 0;
    let msgs = await turn(chat, message(chat, { document: { file_id: 'doc-png', file_unique_id: 'd', mime_type: 'image/png', file_name: '照片.png', file_size: 60000 } }));
    expect(msgs[0]!.text).toContain('JPG');
    msgs = await turn(chat, message(chat, { document: { file_id: 'doc-pdf', file_unique_id: 'p', mime_type: 'application/pdf', file_name: 'a.pdf' } }), any);
    expect(msgs[0]!.text).toContain('不是图片');
    msgs = await turn(chat, message(chat, { sticker: { file_id: 'st', file_unique_id: 'st', type: 'regular', width: 512, height: 512, is_animated: false, is_video: false } }), any);
    expect(msgs[0]!.text).toMatch(/文字.*照片/);
    expect(fake.callsOf('getFile').map((c) => c.body.file_id)).not.toContain('doc-pdf');
  });

  it('maps the commands to engine inputs', async () => {
    const chat = 2005;
    const expected: Record<string, RegExp> = { '/start': /职称申报助手/, '/menu': /想了解什么/, '/check': /第1题/, '/result': /还没有检查结果/, '/faq': /常见问题/, '/deadlines': /时间节点/,
      '/hr': /单位人事/, '/subscribe': /截止提醒/, '/reminders': /还没有订阅/, '/unsubscribe': /不需要退订/, '/forget': /确定要删除/ };
    for (const [command, reply] of Object.entries(expected)) {
      const msgs = await turn(chat, textMessage(chat, command));
      expect(msgs.map((m) => m.text).join('\n'), command).toMatch(reply);
    }
    const got = inputs.filter((x) => x.user === `tg:${chat}`).map((x) => x.input);
    // Commands reach the engine as actions, never as trigger text.
    expect(got).toEqual(Object.values(COMMANDS).map((a) => ({ kind: 'action', action: formatAction(a) })));
  });

  it('resolves a long action from its short id, and treats an unknown id as a stale button', async () => {
    const chat = 2006;
    const msgs = await turn(chat, textMessage(chat, '长按钮'));
    const data = msgs[0]!.buttons.find((b) => b.text === '长')!.callback_data;
    expect(data).toMatch(/^k:/);
    await turn(chat, press(chat, data), (m) => m.length > 0);
    await turn(chat, press(chat, 'k:zzzz'), (m) => m.length > 0);
    const actions = inputs.filter((x) => x.user === `tg:${chat}` && x.input.kind === 'action').map((x) => x.input);
    expect(actions).toEqual([{ kind: 'action', action: LONG_ACTION }, { kind: 'action', action: 'stale' }]);
    expect(fake.sent(chat).at(-1)!.text).toContain('过期');
  });

  it('keeps one chat in order while the runner works on several at once', async () => {
    const chats = [2101, 2102, 2103, 2104, 2105];
    for (const c of chats) {
      fake.queue(textMessage(c, '你好'));
      fake.queue(textMessage(c, '截止时间'));
    }
    await fake.waitFor(() => chats.every((c) => fake.sent(c).length === 2));
    for (const c of chats) {
      const [first, second] = fake.sent(c);
      expect(first!.text).toContain('职称申报助手');
      expect(second!.text).toContain('时间节点');
    }
  });
});

describe('polling failures', () => {
  it('refuses to start with a token the Bot API rejects', async () => {
    const fake = await new FakeTelegram(TOKEN).listen();
    fake.failNext('deleteWebhook', { error_code: 401, description: 'Unauthorized' });
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url });
    await expect(channel.start!()).rejects.toThrow(/TELEGRAM_BOT_TOKEN/);
    await channel.stop!();
    await fake.close();
  });

  it('logs a runner that gives up (409: another instance polls) instead of crashing', async () => {
    const fake = await new FakeTelegram(TOKEN).listen();
    fake.failNext('getUpdates', { error_code: 409, description: 'Conflict: terminated by other getUpdates request' });
    const channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url });
    const before = logs.length;
    await channel.start!();
    await fake.waitFor(() => fake.callsOf('getUpdates').length > 0);
    await expect.poll(() => logs.slice(before).some((l) => l.includes('telegram polling stopped'))).toBe(true);
    expect(logs.slice(before).some((l) => l.includes('getUpdates failed') && l.includes('409'))).toBe(true);
    await channel.stop!();
    await fake.close();
  });
});

describe('webhook', () => {
  let fake: FakeTelegram;
  let channel: Channel;
  const handle = (req: RawRequest) => {
    const route = channel.routes.find((r) => r.path === req.path && r.method === req.method);
    return route ? route.handle(req) : Promise.resolve({ status: 405, body: JSON.stringify({ error: 'method not allowed' }) });
  };

  beforeAll(async () => {
    fake = await new FakeTelegram(TOKEN).listen();
    channel = createTelegram(createKit(bot, log), { token: TOKEN, apiRoot: fake.url, webhookSecret: SECRET });
    await channel.start!();
  });

  afterAll(async () => {
    await channel.stop!();
    await fake.close();
  });

  it('serves its route and registers commands without polling', () => {
    expect(channel.routes.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /webhooks/telegram']);
    expect(fake.callsOf('setMyCommands')).toHaveLength(1);
    expect(fake.callsOf('getUpdates')).toHaveLength(0);
    expect(fake.callsOf('deleteWebhook')).toHaveLength(0);
  });

  it('answers 401 to a missing or wrong secret, 400 to a body that is not an update', async () => {
    const update = withId(textMessage(3001, '你好'));
    for (const res of [await handle(webhookRequest(update, null)), await handle(webhookRequest(update, 'wrong')), await handle(webhookRequest(update, `${SECRET}x`))]) {
      expect(res.status).toBe(401);
      expect(JSON.parse(String(res.body))).toHaveProperty('error');
    }
    for (const body of ['{not json', '', '[]', '42', 'null', '{"update_id":"7"}', '{"message":{}}']) {
      const res = await handle(webhookRequest(body));
      expect(res.status, body).toBe(400);
      expect(JSON.parse(String(res.body))).toHaveProperty('error');
    }
    expect((await handle(webhookRequest(update, SECRET, 'GET'))).status).toBe(405);
    expect(fake.sent(3001)).toEqual([]);
  });

  it('handles a valid update: 200 and the reply sent', async () => {
    const res = await handle(webhookRequest(withId(textMessage(3002, '你好'))));
    expect(res.status).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ ok: true });
    expect(fake.sent(3002)).toHaveLength(1);
    expect(fake.sent(3002)[0]!.text).toContain('职称申报助手');
  });

  it('acknowledges a redelivered update without processing it again', async () => {
    const update = withId(textMessage(3003, '截止时间'));
    const [a, b] = await Promise.all([handle(webhookRequest(update)), handle(webhookRequest(update))]);
    const c = await handle(webhookRequest(update));
    expect([a.status, b.status, c.status]).toEqual([200, 200, 200]);
    expect(fake.sent(3003)).toHaveLength(1);
    expect(inputs.filter((x) => x.user === 'tg:3003')).toHaveLength(1);
  });

  it('ignores update kinds it does not take, with 200', async () => {
    const res = await handle(webhookRequest(withId({ edited_message: { ...textMessage(3004, '改了').message, edit_date: date() } })));
    expect(res.status).toBe(200);
    expect(fake.sent(3004)).toEqual([]);
  });

  it('sends a long reply as several messages within the limit, keyboard on the last', async () => {
    const res = await handle(webhookRequest(withId(textMessage(3005, '长回复'))));
    expect(res.status).toBe(200);
    const msgs = fake.sent(3005);
    expect(msgs.length).toBe(3);
    for (const m of msgs) expect(m.text.length).toBeLessThanOrEqual(4096);
    expect(msgs.map((m) => m.buttons.length > 0)).toEqual([false, false, true]);
  });

  it('turns a failing turn into an apology, never a 500', async () => {
    let res = await handle(webhookRequest(withId(textMessage(3006, '出错'))));
    expect(res.status).toBe(200);
    expect(fake.sent(3006).map((m) => m.text)).toEqual([expect.stringContaining('抱歉')]);
    expect(logs.some((l) => l.includes('turn failed'))).toBe(true);
    // Telegram refuses the reply itself: the turn was saved, so no apology; logged, still 200.
    fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
    res = await handle(webhookRequest(withId(textMessage(3007, '你好'))));
    expect(res.status).toBe(200);
    expect(fake.sent(3007)).toEqual([]);
    expect(logs.some((l) => l.includes('reply not delivered') && l.includes('chat not found'))).toBe(true);
  });

  it('retries a 429 after retry_after', async () => {
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 0', parameters: { retry_after: 0 } });
    const res = await handle(webhookRequest(withId(textMessage(3009, '你好'))));
    expect(res.status).toBe(200);
    expect(fake.callsOf('sendMessage').filter((c) => Number(c.body.chat_id) === 3009)).toHaveLength(2);
    expect(fake.sent(3009)).toHaveLength(1);
    expect(fake.sent(3009)[0]!.text).toContain('职称申报助手');
  });

  it('serves 50 chats at once, every reply arriving and each chat in order', async () => {
    const chats = Array.from({ length: 50 }, (_, i) => 4000 + i);
    const pending = chats.flatMap((c) => [handle(webhookRequest(withId(textMessage(c, '你好')))), handle(webhookRequest(withId(textMessage(c, '截止时间'))))]);
    const results = await Promise.all(pending);
    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const c of chats) {
      const msgs = fake.sent(c);
      expect(msgs, `chat ${c}`).toHaveLength(2);
      expect(msgs[0]!.text).toContain('职称申报助手');
      expect(msgs[1]!.text).toContain('时间节点');
    }
  });

  it('logs no message text and no token', () => {
    const all = logs.join('');
    expect(all).toContain('turn');
    for (const secret of ['专业课200', '2018年7月', '截止时间', '你好', TOKEN, 'tg:']) expect(all).not.toContain(secret);
  });
});

/**
 * The LINE channel end to end: signed webhook bodies into `handle`, the real bot behind it, and
 * a fake LINE Platform on 127.0.0.1 recording what was replied and pushed.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { createBot, type Bot } from '../../src/bot/index.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import { keys } from '../../src/store/keys.ts';
import type { Reply } from '../../src/dialogue/types.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import type { RawRequest, RawResponse } from '../../adapters/shared/http.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { register } from '../../adapters/registry.ts';
import { createLine, LINE_LIMITS, renderReplies as renderWith, retryKeyOf, type LineOptions } from '../../adapters/line/index.ts';
import { jpeg } from '../photo/images.ts';
import { sign, startFakeLine, type Call, type FakeLine, type SentMessage } from './fake-line.ts';

const SECRET = 'test-channel-secret';
const NINE = new Date('2023-09-01T09:00:00+08:00');
const after = (ms: number) => new Date(NINE.getTime() + ms);

/** The claim key of `user`'s 7-day reminder of the individual deadline (the retry key is derived from it). */
async function claimOf(b: Bot, user: string): Promise<string> {
  return keys.claim(user, (await b.store.get<Subscription>(keys.subscription(user)))!.id, 'individual:7');
}
const TOKEN = 'test-channel-access-token';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let bot: Bot;
let fake: FakeLine;
let line: Channel;
const channels: Channel[] = [];

function channel(over: Partial<LineOptions> & { log?: pino.Logger } = {}, withBot: Bot = bot): Channel {
  const { log = pino({ level: 'silent' }), ...options } = over;
  const c = register(withBot, createLine(createKit(withBot, log), {
    channelSecret: SECRET,
    channelAccessToken: TOKEN,
    // A path on the API origin is dropped: the client must still reach /v2/bot/message/reply.
    apiBaseUrl: `${fake.apiUrl}/some/path`,
    dataApiBaseUrl: fake.dataUrl,
    ...options,
  }));
  channels.push(c);
  return c;
}

/** The channel's webhook route. */
const webhook = (c: Channel) => (req: RawRequest) => c.routes.find((r) => r.path === '/webhooks/line')!.handle(req);

beforeAll(async () => {
  [bot, fake] = await Promise.all([createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00') }), startFakeLine(TOKEN)]);
  line = channel();
});

afterAll(async () => {
  await Promise.all(channels.map((c) => c.stop?.()));
  await fake.close();
  await bot.close();
});

// ——— webhook fixtures ———

let seq = 0;
type Ev = Record<string, unknown> & { replyToken: string; webhookEventId: string };

function base(userId: string, extra: Record<string, unknown> = {}): Ev {
  const n = ++seq;
  return {
    webhookEventId: `01H${String(n).padStart(10, '0')}`,
    replyToken: `rt-${n}`,
    timestamp: 1_690_851_600_000 + n,
    mode: 'active',
    source: { type: 'user', userId },
    deliveryContext: { isRedelivery: false },
    ...extra,
  };
}
const textEvent = (userId: string, text: string) => base(userId, { type: 'message', message: { type: 'text', id: `m${seq}`, text, quoteToken: 'q' } });
const postbackEvent = (userId: string, data: string) => base(userId, { type: 'postback', postback: { data } });

function request(body: string | Buffer, signature: string | null = sign(body, SECRET)): RawRequest {
  return {
    method: 'POST',
    path: '/webhooks/line',
    query: new URLSearchParams(),
    headers: signature === null ? { 'content-type': 'application/json' } : { 'content-type': 'application/json', 'x-line-signature': signature },
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
  };
}

function post(events: Ev[], on: Channel = line): Promise<RawResponse> {
  return webhook(on)(request(JSON.stringify({ destination: 'Ubot', events })));
}

/** The calls that answered an event: its reply, and pushes to `to` made after `since`. */
function answersTo(ev: Ev, since: number, to?: string): Call[] {
  return fake.calls.slice(since).filter((c) => c.body.replyToken === ev.replyToken || (to !== undefined && c.body.to === to && c.path.endsWith('/push')));
}

/** Posts one event and waits for its delivered messages. */
async function turn(ev: Ev, on: Channel = line): Promise<SentMessage[]> {
  const since = fake.calls.length;
  const res = await post([ev], on);
  expect(res.status).toBe(200);
  await fake.waitFor(() => answersTo(ev, since).some((c) => c.delivered));
  return answersTo(ev, since).filter((c) => c.delivered).flatMap((c) => c.body.messages);
}

const quick = (messages: SentMessage[]) => messages.at(-1)?.quickReply?.items.map((i) => i.action) ?? [];
const allText = (messages: SentMessage[]) => messages.map((m) => m.text).join('\n');

/** Presses the quick reply labelled `label` on the last messages, as LINE would: a postback. */
function press(userId: string, last: SentMessage[], label: string) {
  const action = quick(last).find((a) => a.label === label);
  expect(action, `no quick reply "${label}" in ${JSON.stringify(quick(last).map((a) => a.label))}`).toBeDefined();
  return turn(postbackEvent(userId, action!.data));
}

// ——— tests ———

describe('the webhook request', () => {
  const body = JSON.stringify({ destination: 'Ubot', events: [] });

  it('answers 401 without a signature or with a wrong one', async () => {
    const missing = await webhook(line)(request(body, null));
    expect(missing.status).toBe(401);
    expect(JSON.parse(String(missing.body))).toHaveProperty('error');
    expect((await webhook(line)(request(body, sign(body, 'another-secret')))).status).toBe(401);
    expect((await webhook(line)(request(body, 'not base64 at all!'))).status).toBe(401);
  });

  it('checks the raw bytes, not re-serialised JSON', async () => {
    const spaced = '{ "destination": "Ubot",\n  "events": [] }';
    expect((await webhook(line)(request(spaced))).status).toBe(200);
    expect((await webhook(line)(request(spaced, sign(JSON.stringify(JSON.parse(spaced)), SECRET)))).status).toBe(401);
  });

  it('answers 400 to a signed body that is not a webhook', async () => {
    for (const bad of ['{"events": [', '[]', '{"destination": "Ubot"}', '{"events": [1, 2]}', '"text"']) {
      const res = await webhook(line)(request(bad));
      expect(res.status, bad).toBe(400);
      expect(JSON.parse(String(res.body))).toHaveProperty('error');
    }
  });

  it('answers 200 {ok: true} and replies to a text with quick replies (postbacks showing their label)', async () => {
    const ev = textEvent('U-hello', '你好');
    const since = fake.calls.length;
    const res = await post([ev]);
    expect(res.status).toBe(200);
    expect(JSON.parse(String(res.body))).toEqual({ ok: true });
    await fake.waitFor(() => answersTo(ev, since).length > 0);
    const [call] = answersTo(ev, since);
    expect(call!.path).toBe('/v2/bot/message/reply');
    expect(call!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    const actions = quick(call!.body.messages);
    expect(actions.length).toBeGreaterThan(0);
    for (const a of actions) {
      expect(a.type).toBe('postback');
      expect(a.displayText).toBe(a.label);
    }
  });

  it('does not answer in standby mode, and ignores events it does not handle', async () => {
    const since = fake.calls.length;
    const standby = { ...textEvent('U-standby', '你好'), mode: 'standby' };
    const unfollow = base('U-standby', { type: 'unfollow' });
    expect((await post([standby, unfollow])).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.calls.slice(since)).toEqual([]);
  });
});

describe('an eligibility interview by buttons and typing', () => {
  it('runs from interview:start to the verdict "可以申报"', async () => {
    const u = 'U-interview';
    let m = await turn(postbackEvent(u, 'interview:start'));
    expect(allText(m)).toContain('第1题');
    for (const label of ['是', '是', '石油和化学工程', '中国内地居民', '是']) m = await press(u, m, label);
    m = await turn(textEvent(u, '专业课200，公需课60，其他20'));
    m = await turn(textEvent(u, '本科'));
    m = await turn(textEvent(u, '2018年7月'));
    for (const label of ['是', '国内取得']) m = await press(u, m, label);
    m = await turn(textEvent(u, '2018年6月'));
    for (const label of ['是', '是', '否']) m = await press(u, m, label);

    // The review fits a phone: three buttons (确认, 修改, 重新开始) as quick replies.
    expect(quick(m).map((a) => a.data)).toEqual(['interview:confirm', 'interview:modify', 'interview:restart']);
    // 修改 asks which item: 14 items and 返回核对 — more than 13, so all listed as numbered lines, the first 13 as quick replies.
    m = await press(u, m, '修改答案');
    expect(quick(m)).toHaveLength(LINE_LIMITS.quickReplyItems);
    expect(allText(m)).toMatch(/\n1\. 1\. 企业在开发区（北片）注册\n/);
    // Typing "1" presses the first item: question 1 again, then back to the review.
    m = await turn(textEvent(u, '1'));
    expect(quick(m).map((a) => a.data)).toEqual(expect.arrayContaining(['answer:zone:true', 'answer:zone:false']));
    expect(quick(m).map((a) => a.data)).not.toContain('interview:confirm');
    m = await press(u, m, '是');
    expect(quick(m)[0]!.data).toBe('interview:confirm');

    m = await press(u, m, '确认，看结果');
    expect(allText(m)).toContain('可以申报');
  });
});

describe('events', () => {
  it('checks a photo: the image is fetched from the data API and read', async () => {
    fake.contents.set('img-1', jpeg(330, 441, 60_000));
    const m = await turn(base('U-photo', { type: 'message', message: { type: 'image', id: 'img-1', contentProvider: { type: 'line' }, quoteToken: 'q' } }));
    expect(allText(m)).toContain('照片');
    expect(allText(m)).toContain('符合');
  });

  it('says sorry when the image cannot be fetched, and what it accepts for other message types', async () => {
    const missing = await turn(base('U-photo2', { type: 'message', message: { type: 'image', id: 'img-missing', contentProvider: { type: 'line' }, quoteToken: 'q' } }));
    expect(allText(missing)).toContain('没能取到');
    const sticker = await turn(base('U-sticker', { type: 'message', message: { type: 'sticker', id: 's1', packageId: '1', stickerId: '1' } }));
    expect(allText(sticker)).toContain('文字消息和照片');
  });

  it('greets a new friend (follow)', async () => {
    const m = await turn(base('U-follow', { type: 'follow', follow: { isUnblocked: false } }));
    expect(m.length).toBeGreaterThan(0);
    expect(quick(m).length).toBeGreaterThan(0);
  });
});

describe('delivery', () => {
  it('pushes with a retry key when the reply token is refused', async () => {
    const ev = textEvent('U-expired', '你好');
    fake.expireReplyToken(ev.replyToken);
    const since = fake.calls.length;
    await post([ev]);
    await fake.waitFor(() => answersTo(ev, since, 'U-expired').some((c) => c.delivered));
    const [reply, push, ...more] = answersTo(ev, since, 'U-expired');
    expect(reply).toMatchObject({ path: '/v2/bot/message/reply', status: 400, delivered: false });
    expect(push).toMatchObject({ path: '/v2/bot/message/push', status: 200 });
    expect(push!.body.to).toBe('U-expired');
    expect(push!.headers['x-line-retry-key']).toMatch(UUID);
    expect(push!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(push!.body.messages).toEqual(reply!.body.messages);
    expect(more).toEqual([]);
  });

  it('retries a failed push with the same key, so the user gets it once', async () => {
    const ev = textEvent('U-retry', '你好');
    fake.expireReplyToken(ev.replyToken);
    fake.failNextPushes(1, 500);
    const since = fake.calls.length;
    await post([ev]);
    await fake.waitFor(() => answersTo(ev, since, 'U-retry').filter((c) => c.path.endsWith('/push')).length >= 2);
    const pushes = answersTo(ev, since, 'U-retry').filter((c) => c.path.endsWith('/push'));
    expect(pushes.map((c) => c.status)).toEqual([500, 409]);
    expect(pushes[1]!.headers['x-line-retry-key']).toBe(pushes[0]!.headers['x-line-retry-key']);
    expect(pushes.filter((c) => c.delivered)).toHaveLength(1);
  });

  it('pushes to the group a group message came from', async () => {
    const ev = { ...textEvent('U-member', '你好'), source: { type: 'group', groupId: 'G-1', userId: 'U-member' } };
    fake.expireReplyToken(ev.replyToken);
    const since = fake.calls.length;
    await post([ev]);
    await fake.waitFor(() => answersTo(ev, since, 'G-1').some((c) => c.delivered));
    expect(answersTo(ev, since, 'G-1').filter((c) => c.delivered)[0]!.body.to).toBe('G-1');
  });

  it('replies five messages and pushes the rest', async () => {
    const seven: Reply[] = Array.from({ length: 7 }, (_, i) => ({ text: `第${i + 1}条`, buttons: i === 6 ? [{ label: '菜单', action: 'menu' }] : [], citations: [] }));
    const chatty = channel({}, { ...bot, handle: async (user, input) => ({ ...(await bot.handle(user, input)), replies: seven }) });
    const ev = textEvent('U-chatty', '你好');
    const since = fake.calls.length;
    await post([ev], chatty);
    await fake.waitFor(() => answersTo(ev, since, 'U-chatty').length >= 2);
    const [reply, push] = answersTo(ev, since, 'U-chatty');
    expect(reply!.body.messages.map((m) => m.text)).toEqual(['第1条', '第2条', '第3条', '第4条', '第5条']);
    expect(push!.body.messages.map((m) => m.text)).toEqual(['第6条', '第7条']);
    expect(push!.headers['x-line-retry-key']).toMatch(UUID);
    expect(quick(push!.body.messages).map((a) => a.data)).toEqual(['menu']);
  });

  it('apologises when the bot fails', async () => {
    const broken = channel({}, { ...bot, handle: () => Promise.reject(new Error('store down')) });
    const m = await turn(textEvent('U-broken', '你好'), broken);
    expect(allText(m)).toContain('抱歉');
  });

  it('answers the webhook without waiting on a slow reply', async () => {
    const quickAck = channel({ ackWithinMs: 20 });
    fake.replyDelayMs = 800;
    try {
      const ev = textEvent('U-slow', '你好');
      const since = fake.calls.length;
      const res = await post([ev], quickAck);
      expect(res.status).toBe(200);
      expect(answersTo(ev, since)).toEqual([]);
      await fake.waitFor(() => answersTo(ev, since).some((c) => c.delivered));
    } finally {
      fake.replyDelayMs = 0;
    }
  });
});

describe('logs', () => {
  it('name users by a hash and never carry what they wrote', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (l: string) => { lines.push(l); } });
    const logged = channel({ log });
    const broken = channel({ log }, { ...bot, handle: () => Promise.reject(new Error('store down')) });
    const secret = '我的手机号13800000000';
    await turn(textEvent('U-private-1', secret), logged);
    await turn(textEvent('U-private-2', secret), broken);
    const all = lines.join('');
    expect(lines.length).toBeGreaterThanOrEqual(3);
    expect(all).not.toContain('13800000000');
    expect(all).not.toContain('U-private');
    expect(all).toContain('turn failed');
  });
});

describe('redelivery', () => {
  it('handles the same webhookEventId once', async () => {
    const ev = textEvent('U-dup', '你好');
    const since = fake.calls.length;
    await post([ev]);
    await post([{ ...ev, deliveryContext: { isRedelivery: true } }]);
    await post([ev]);
    await fake.waitFor(() => answersTo(ev, since).length > 0);
    await new Promise((r) => setTimeout(r, 50));
    expect(answersTo(ev, since)).toHaveLength(1);
  });

  it('handles a redelivered event it has not seen', async () => {
    const ev = { ...textEvent('U-redelivered', '你好'), deliveryContext: { isRedelivery: true } };
    const m = await turn(ev);
    expect(m.length).toBeGreaterThan(0);
  });
});

describe('rendering', () => {
  const reply = (text: string, buttons: Reply['buttons'] = []): Reply => ({ text, buttons, citations: [] });
  const WORDING = { chooseHeader: '也可以直接回复数字选择：', choose: '请选择：' };
  const renderReplies = (replies: Reply[]) => renderWith(replies, WORDING);

  it('splits a 6000-character reply into messages of at most 5000, buttons on the last', () => {
    const text = `${'政'.repeat(3000)}\n${'策'.repeat(2999)}`;
    const { messages } = renderReplies([reply(text, [{ label: '菜单', action: 'menu' }])]);
    expect(messages.length).toBe(2);
    for (const m of messages) expect(m.text.length).toBeLessThanOrEqual(5000);
    expect(messages.map((m) => m.text).join('\n')).toBe(text);
    expect(messages[0]!.quickReply).toBeUndefined();
    expect(messages[1]!.quickReply?.items).toHaveLength(1);
  });

  it('splits a text without line breaks too', () => {
    const { messages } = renderReplies([reply('x'.repeat(12_001))]);
    expect(messages.map((m) => m.text.length)).toEqual([5000, 5000, 2001]);
  });

  it('lists more than 13 buttons as numbered lines and keeps 13 quick replies', () => {
    const buttons = Array.from({ length: 15 }, (_, i) => ({ label: `选项${i + 1}`, action: `pick:${i + 1}` }));
    const { messages, numbered } = renderReplies([reply('请选择一项')]
      .concat([reply('', buttons)]));
    expect(messages).toHaveLength(1);
    expect(messages[0]!.text).toContain('\n1. 选项1\n');
    expect(messages[0]!.text).toMatch(/\n15\. 选项15$/);
    expect(messages[0]!.quickReply?.items).toHaveLength(13);
    expect(numbered?.map((b) => b.action)).toEqual(buttons.map((b) => b.action));
  });

  it('clips a long label in the quick reply and lists it in full', () => {
    const long = '这是一个超过二十个字符的按钮标签，用来测试截断效果';
    const { messages, numbered } = renderReplies([reply('问题', [{ label: long, action: 'a' }, { label: '短', action: 'b' }])]);
    const items = messages[0]!.quickReply?.items ?? [];
    const action = items[0]!.action as { label: string; displayText: string };
    expect([...action.label]).toHaveLength(20);
    expect(action.label.endsWith('…')).toBe(true);
    expect(action.displayText).toBe(long);
    expect(messages[0]!.text).toContain(`1. ${long}`);
    expect(numbered).toHaveLength(2);
  });

  it('shows only quick replies when they fit, and no empty messages', () => {
    const { messages, numbered } = renderReplies([reply('  '), reply('你好', [{ label: '是', action: 'answer:true' }])]);
    expect(messages.map((m) => m.text)).toEqual(['你好']);
    expect(numbered).toBeNull();
  });
});

describe('50 users at once', () => {
  it('answers every event, in order per user', async () => {
    const users = Array.from({ length: 50 }, (_, i) => `U-crowd-${i}`);
    const pairs = users.map((u) => [textEvent(u, '你好'), postbackEvent(u, 'interview:start')] as const);
    const since = fake.calls.length;
    const answers = await Promise.all(pairs.map(([a, b]) => post([a, b])));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    await fake.waitFor(() => pairs.every(([a, b]) => answersTo(a, since).length === 1 && answersTo(b, since).length === 1), 20_000);
    const calls = fake.calls.slice(since);
    for (const [a, b] of pairs) {
      const first = calls.findIndex((c) => c.body.replyToken === a.replyToken);
      const second = calls.findIndex((c) => c.body.replyToken === b.replyToken);
      expect(first).toBeLessThan(second);
      expect(calls[first]!.status).toBe(200);
      expect(calls[second]!.status).toBe(200);
      expect(allText(calls[second]!.body.messages)).toContain('第1题');
    }
  });
});

describe('reminders by push', () => {
  it('pushes a due reminder with a retry key derived from its claim, counts the quota and says once when it is used up', async () => {
    const logs: string[] = [];
    const own = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00'), log: () => {} });
    const c = channel({ pushQuota: 2, log: pino({ level: 'warn' }, { write: (l: string) => void logs.push(l) }) }, own);
    expect(c.name).toBe('line');
    await own.handle('line:U-remind', { kind: 'action', action: 'remind:applicant' });
    await own.handle('line:U-remind2', { kind: 'action', action: 'remind:hr' });
    const since = fake.calls.length;
    expect(await own.runDue(NINE)).toEqual({ sent: 2, failed: 0, waiting: 0 });
    const pushes = fake.calls.slice(since).filter((call) => call.path.endsWith('/push'));
    expect(pushes.map((p) => p.body.to).sort()).toEqual(['U-remind', 'U-remind2']);
    const first = pushes.find((p) => p.body.to === 'U-remind')!;
    expect(first.headers['x-line-retry-key']).toBe(retryKeyOf(`${await claimOf(own, 'line:U-remind')}#0`));
    expect(first.headers['x-line-retry-key']).toMatch(UUID);
    expect(allText(first.body.messages)).toContain('个人申报截止是2023年9月8日，还有7天');
    expect(logs.filter((l) => l.includes('LINE push quota used up'))).toHaveLength(1);
    expect(JSON.parse(logs.at(-1)!)).toMatchObject({ used: 2, quota: 2 });
    expect((await own.runDue(new Date('2023-09-01T10:00:00+08:00'))).sent).toBe(0);
    await own.close();
  });

  it('sends no more than the monthly quota: 12 due, quota 5, exactly 5 sent, the rest wait (not failed), one log line', async () => {
    const logs: string[] = [];
    const log = pino({ level: 'warn' }, { write: (l: string) => void logs.push(l) });
    const own = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00'), log: () => {} });
    channel({ pushQuota: 5, log }, own);
    const users = Array.from({ length: 12 }, (_, i) => `U-quota-${i}`);
    for (const u of users) await own.handle(`line:${u}`, { kind: 'action', action: 'remind:applicant' });
    const since = fake.calls.length;
    const deliveredTo = () => fake.calls.slice(since).filter((c) => c.delivered && users.includes(c.body.to ?? '')).map((c) => c.body.to);
    expect(await own.runDue(NINE)).toEqual({ sent: 5, failed: 0, waiting: 7 });
    expect(deliveredTo()).toHaveLength(5);
    expect(logs.filter((l) => l.includes('LINE push quota used up'))).toHaveLength(1);
    // The next run of the month: nothing pushed, nothing given up, nothing more in the log.
    const calls = fake.calls.length;
    expect(await own.runDue(after(60_000))).toEqual({ sent: 0, failed: 0, waiting: 7 });
    expect(fake.calls.length).toBe(calls);
    expect(logs.filter((l) => l.includes('LINE push quota used up'))).toHaveLength(1);
    // A higher quota (or a new month): those waiting go, each once.
    channel({ pushQuota: 20, log }, own);
    expect(await own.runDue(after(120_000))).toEqual({ sent: 7, failed: 0, waiting: 0 });
    expect(deliveredTo().sort()).toEqual([...users].sort());
    await own.close();
  });

  it('takes LINE\'s own monthly-limit refusal (a quota set higher than the plan) as waiting, not failed', async () => {
    const logs: string[] = [];
    const own = await createBot({ storeUrl: 'memory://', now: new Date('2023-08-01T09:00:00+08:00'), log: () => {} });
    channel({ log: pino({ level: 'warn' }, { write: (l: string) => void logs.push(l) }) }, own);
    for (const u of ['U-plan-1', 'U-plan-2', 'U-plan-3']) await own.handle(`line:${u}`, { kind: 'action', action: 'remind:applicant' });
    fake.monthlyLimit = fake.delivered().filter((c) => c.path.endsWith('/push')).length + 1;
    try {
      expect(await own.runDue(NINE)).toEqual({ sent: 1, failed: 0, waiting: 2 });
      expect(logs.filter((l) => l.includes('LINE push quota used up'))).toHaveLength(1);
      expect(JSON.parse(logs.find((l) => l.includes('used up'))!)).toMatchObject({ refusedByLine: true });
    } finally {
      fake.monthlyLimit = Infinity;
    }
    expect(await own.runDue(after(60_000))).toEqual({ sent: 2, failed: 0, waiting: 0 });
    await own.close();
  });
});

describe('a reply that goes by push', () => {
  it('is retried with its key for longer than a moment (2 s of 500s here), and delivered once', async () => {
    const ev = textEvent('U-reply-outage', '你好');
    fake.expireReplyToken(ev.replyToken);
    fake.failPushesFor(2000, 500);
    const since = fake.calls.length;
    await post([ev]);
    await fake.waitFor(() => answersTo(ev, since, 'U-reply-outage').some((c) => c.delivered), 10_000);
    const pushes = answersTo(ev, since, 'U-reply-outage').filter((c) => c.path.endsWith('/push'));
    expect(pushes.length).toBeGreaterThanOrEqual(4);
    expect(new Set(pushes.map((p) => p.headers['x-line-retry-key'])).size).toBe(1);
    expect(pushes.filter((p) => p.delivered)).toHaveLength(1);
  });

  it('stops being retried when the channel stops', async () => {
    const stopping = channel({ ackWithinMs: 20 });
    const ev = textEvent('U-reply-stop', '你好');
    fake.expireReplyToken(ev.replyToken);
    fake.failPushesFor(60_000, 500);
    try {
      const since = fake.calls.length;
      await post([ev], stopping);
      await fake.waitFor(() => answersTo(ev, since, 'U-reply-stop').some((c) => c.path.endsWith('/push')));
      const started = Date.now();
      await stopping.stop!();
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      fake.failPushesFor(0);
    }
  });
});

describe('redelivery after a restart (a file-backed store)', () => {
  it('a replayed event (same webhookEventId) is not handled again and pushes nothing', async () => {
    const storeUrl = `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'line-redelivery-')), 'bot.sqlite')}`;
    const now = new Date('2023-08-01T09:00:00+08:00');
    const first = await createBot({ storeUrl, now, log: () => {} });
    const before = channel({}, first);
    const ev = textEvent('U-restart', '截止时间');
    expect(allText(await turn(ev, before))).toContain('时间节点');
    await before.stop!();
    await first.close();

    const second = await createBot({ storeUrl, now, log: () => {} });
    let turns = 0;
    const after = channel({}, { ...second, handle: (user, input) => { turns++; return second.handle(user, input); } });
    // The reply token is spent: were the event handled again, its answer would go by push.
    fake.expireReplyToken(ev.replyToken);
    const since = fake.calls.length;
    expect((await post([{ ...ev, deliveryContext: { isRedelivery: true } }], after)).status).toBe(200);
    expect((await post([ev], after)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(turns).toBe(0);
    expect(fake.calls.slice(since).filter((c) => c.body.replyToken === ev.replyToken || c.body.to === 'U-restart')).toEqual([]);
    // A new event from the same person is answered as usual.
    expect(allText(await turn(textEvent('U-restart', '截止时间'), after))).toContain('时间节点');
    expect(turns).toBe(1);
    await after.stop!();
    await second.close();
  });
});

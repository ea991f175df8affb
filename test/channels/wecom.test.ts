/**
 * The WeCom channel (a self-built app's callback) against a fake WeCom API on 127.0.0.1, the real
 * bot behind it: the encrypted URL check; text answered through the message API with numbered
 * choices a typed number presses; an interview; a photo; menu clicks; the door (signature, replay,
 * CorpID, malformed); redelivery once; a token expiring; reminders; several people in order.
 */
import { encrypt, getSignature } from '@wecom/crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWecom, type WecomChannel } from '../../adapters/wecom/index.ts';
import type { Bot } from '../../src/bot/index.ts';
import { jpeg } from '../photo/images.ts';
import { AUG, testBot } from '../kit.ts';
import { aesKey, callback, startFakeWechat, type FakeWechat } from './fake-wechat.ts';

const TOKEN = 'wecomtoken';
const CORP = 'ww1234567890';
const KEY = aesKey(9);
const log = pino({ level: 'silent' });
let msgId = 7_000_000;

let bot: Bot;
let fake: FakeWechat;
let c: WecomChannel;
beforeAll(async () => {
  bot = await testBot({ now: new Date(AUG) });
  fake = await startFakeWechat();
  c = createWecom(createKit(bot, log), { corpId: CORP, agentId: 1000002, secret: 's', token: TOKEN, encodingAESKey: KEY, apiBaseUrl: fake.url });
  register(bot, c);
});
afterAll(async () => { await c.stop!(); await fake.close(); await bot.close(); });

const fields = (user: string, extra: Record<string, string | number>) => ({ ToUserName: CORP, FromUserName: user, CreateTime: Math.floor(Date.now() / 1000), AgentID: 1000002, ...extra });
const post = async (user: string, extra: Record<string, string | number>, o: { appId?: string; signature?: string; timestamp?: number } = {}) => {
  const res = await c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wecom', fields(user, extra), { token: TOKEN, aesKey: KEY, appId: o.appId ?? CORP, signature: o.signature, timestamp: o.timestamp }));
  await c.drain();
  return res;
};
const say = (user: string, text: string) => post(user, { MsgType: 'text', Content: text, MsgId: String(msgId++) });
const last = (user: string) => fake.to(user).at(-1)!.text;
/** Types the number of the choice `label` shown last. */
const choose = (user: string, label: string) => {
  const line = last(user).split('\n').find((l) => new RegExp(`^\\d+\\. ${label}$`).test(l));
  expect(line, `no choice "${label}" in ${last(user)}`).toBeDefined();
  return say(user, line!.split('.')[0]!);
};

describe('WeCom', () => {
  it('answers the URL check with the decrypted echostr, and refuses a wrong signature or CorpID', async () => {
    const get = (q: Record<string, string>) => c.routes.find((r) => r.method === 'GET')!.handle({ method: 'GET', path: '/webhooks/wecom', query: new URLSearchParams(q), headers: {}, body: Buffer.alloc(0) });
    const echostr = encrypt(KEY, 'echo-4711', CORP);
    const q = { timestamp: '1700000000', nonce: '9', echostr };
    expect(await get({ ...q, msg_signature: getSignature(TOKEN, q.timestamp, q.nonce, echostr) })).toMatchObject({ status: 200, body: 'echo-4711' });
    expect((await get({ ...q, msg_signature: '0'.repeat(40) })).status).toBe(401);
    const other = encrypt(KEY, 'echo', 'ww-other');
    expect((await get({ ...q, echostr: other, msg_signature: getSignature(TOKEN, q.timestamp, q.nonce, other) })).status).toBe(401);
  });

  it('refuses bad signatures, replays, another CorpID and malformed bodies', async () => {
    expect((await post('u-door', { MsgType: 'text', Content: 'x', MsgId: 1 }, { signature: 'c'.repeat(40) })).status).toBe(401);
    expect((await post('u-door', { MsgType: 'text', Content: 'x', MsgId: 2 }, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).status).toBe(401);
    expect((await post('u-door', { MsgType: 'text', Content: 'x', MsgId: 3 }, { appId: 'ww-other' })).status).toBe(401);
    const bad = { ...callback('/webhooks/wecom', fields('u-door', {}), { token: TOKEN, aesKey: KEY, appId: CORP }), body: Buffer.from('not xml') };
    expect((await c.routes.find((r) => r.method === 'POST')!.handle(bad)).status).toBe(400);
    expect(fake.to('u-door')).toEqual([]);
  });

  it('answers at once and replies through the message API, choices as numbered lines a typed number presses', async () => {
    const res = await say('u-text', '继续教育要多少学时');
    expect(res).toMatchObject({ status: 200, body: '' });
    const sent = fake.to('u-text').at(-1)!;
    expect(sent.path).toBe('/cgi-bin/message/send');
    expect(sent.body).toMatchObject({ msgtype: 'text', agentid: 1000002 });
    expect(sent.text).toContain('270');
    await choose('u-text', '查看原文');
    expect(last('u-text')).toContain('继续教育');
  });

  it('runs an interview by typed numbers and answers to the verdict', async () => {
    const u = 'u-interview';
    await post(u, { MsgType: 'event', Event: 'click', EventKey: 'check' });
    expect(last(u)).toContain('第1题');
    for (const label of ['是', '是', '石油和化学工程', '中国内地居民', '是']) await choose(u, label);
    await say(u, '专业课200，公需课60，其他20');
    await say(u, '本科');
    await say(u, '2018年7月');
    for (const label of ['是', '国内取得']) await choose(u, label);
    await say(u, '2018年6月');
    for (const label of ['是', '是', '否']) await choose(u, label);
    await choose(u, '确认，看结果');
    expect(fake.to(u).map((s) => s.text).join('\n')).toContain('可以申报');
  });

  it('checks a photo fetched by MediaId, and greets a new member', async () => {
    fake.media.set('wecom-media', jpeg(330, 441, 60_000));
    await post('u-photo', { MsgType: 'image', MediaId: 'wecom-media', MsgId: String(msgId++) });
    expect(last('u-photo')).toMatch(/照片/);
    await post('u-photo', { MsgType: 'event', Event: 'subscribe' });
    expect(last('u-photo')).toContain('职称申报助手');
    const before = fake.to('u-photo').length;
    await post('u-photo', { MsgType: 'event', Event: 'enter_agent' });
    expect(fake.to('u-photo')).toHaveLength(before);
  });

  it('handles a redelivered message once, and renews an expired token mid-conversation', async () => {
    const once = { MsgType: 'text', Content: '报名截止是哪天', MsgId: String(msgId++) };
    await Promise.all([post('u-dup', once), post('u-dup', once), post('u-dup', once)]);
    expect(fake.to('u-dup').filter((s) => s.text.includes('2023年9月8日'))).toHaveLength(1);
    const fetches = fake.tokenFetches;
    fake.expireTokens();
    await say('u-dup', '照片有什么要求');
    expect(last('u-dup')).toContain('JPG');
    expect(fake.tokenFetches).toBe(fetches + 1);
  });

  it('sends reminders as app messages: sent, not-allowed for a refused user, retry when unreachable', async () => {
    expect(await c.push!('u-remind', '⏰ 截止提醒：个人申报截止是2023年9月8日，还有7天。', 'k')).toBe('sent');
    expect(last('u-remind')).toContain('截止提醒');
    fake.blocked.add('u-gone');
    expect(await c.push!('u-gone', '⏰ 提醒', 'k2')).toBe('not-allowed');
    fake.unreachable = true;
    try {
      expect(await c.push!('u-remind', '⏰ 提醒', 'k3')).toBe('retry');
    } finally {
      fake.unreachable = false;
    }
  });

  it('answers several people at once, each in order', async () => {
    const users = Array.from({ length: 20 }, (_, i) => `u-many-${i}`);
    const asked = ['截止时间', '照片要什么格式', '联系人是谁'];
    const marks = ['时间节点', 'JPG', '82313758'];
    await Promise.all(users.flatMap((u) => asked.map((t) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wecom', fields(u, { MsgType: 'text', Content: t, MsgId: String(msgId++) }), { token: TOKEN, aesKey: KEY, appId: CORP })))));
    await c.drain();
    for (const u of users) {
      const texts = fake.to(u).map((s) => s.text);
      const at = marks.map((m) => texts.findIndex((t) => t.includes(m)));
      expect(at.every((i) => i >= 0)).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
  }, 30_000);
});

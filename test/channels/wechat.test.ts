/**
 * The WeChat Official Account channel against a fake WeChat API on 127.0.0.1, the real bot behind
 * it: the URL check; passive replies and the late path through the customer-service API; an
 * interview by menu clicks and msgmenu choices; numbered choices typed; a photo; safe mode with a
 * real key; bad signatures, replays, malformed and oversized XML; redelivery handled once; a token
 * expiring mid-conversation; subscription reminders; 50 people at once.
 */
import { decrypt, getSignature } from '@wecom/crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register } from '../../adapters/registry.ts';
import type { Channel } from '../../adapters/shared/contract.ts';
import type { RawResponse } from '../../adapters/shared/http.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createWechat, renderWechat, WECHAT_LIMITS, wechatMenu, wechatSpec, type WechatChannel, type WechatOptions } from '../../adapters/wechat/index.ts';
import { wecomSpec } from '../../adapters/wecom/index.ts';
import { parseConfig } from '../../src/config.ts';
import { buildXml, parseXml } from '../../adapters/wechat/xml.ts';
import type { Bot } from '../../src/bot/index.ts';
import { plain } from '../../src/core/types.ts';
import { jpeg } from '../photo/images.ts';
import { AUG, testBot } from '../kit.ts';
import { hasRedisServer, startRedisServer, type RedisServer } from '../store/redis-server.ts';
import { aesKey, callback, startFakeWechat, type FakeWechat } from './fake-wechat.ts';

const TOKEN = 'wxtoken123';
const APP_ID = 'wx1234567890abcdef';
const log = pino({ level: 'silent' });
let msgId = 1_000_000;

let bot: Bot;
let fake: FakeWechat;
beforeAll(async () => {
  bot = await testBot({ now: new Date(AUG) });
  fake = await startFakeWechat();
});
afterAll(async () => { await fake.close(); await bot.close(); });

function channelWith(extra: Partial<WechatOptions> = {}): WechatChannel {
  const c = createWechat(createKit(bot, log), { token: TOKEN, appId: APP_ID, appSecret: 'secret', apiBaseUrl: fake.url, afterPassiveMs: 0, ...extra });
  register(bot, c);
  return c;
}

/** The passive reply's text (decrypted in safe mode), or null for `success`. */
function passive(res: RawResponse, key?: string): string | null {
  const body = String(res.body);
  if (body === 'success') return null;
  const outer = parseXml(body)!;
  const inner = key ? parseXml(decrypt(key, outer.Encrypt!).message)! : outer;
  return inner.Content!;
}

const text = (user: string, content: string, extra: Record<string, string> = {}) =>
  ({ ToUserName: 'gh_account', FromUserName: user, CreateTime: Math.floor(Date.now() / 1000), MsgType: 'text', Content: content, MsgId: String(msgId++), ...extra });
const event = (user: string, ev: string, key = '') =>
  ({ ToUserName: 'gh_account', FromUserName: user, CreateTime: msgId++, MsgType: 'event', Event: ev, EventKey: key });

describe('the URL check and the door', () => {
  const ch = () => channelWith();
  const get = (c: Channel, q: Record<string, string>) => c.routes.find((r) => r.method === 'GET')!.handle({ method: 'GET', path: '/webhooks/wechat', query: new URLSearchParams(q), headers: {}, body: Buffer.alloc(0) });

  it('echoes echostr for the right signature and refuses a wrong or missing one', async () => {
    const c = ch();
    const q = { timestamp: '1700000000', nonce: '42', echostr: 'hello-123' };
    const ok = await get(c, { ...q, signature: getSignature(TOKEN, q.timestamp, q.nonce, '') });
    expect(ok).toMatchObject({ status: 200, body: 'hello-123' });
    expect((await get(c, { ...q, signature: 'f'.repeat(40) })).status).toBe(401);
    expect((await get(c, q)).status).toBe(400);
  });

  it('refuses a bad signature (401), a replayed timestamp (401), malformed XML (400) and an oversized body (413)', async () => {
    const c = ch();
    const post = c.routes.find((r) => r.method === 'POST')!;
    expect((await post.handle(callback('/webhooks/wechat', text('o-door', '你好'), { token: TOKEN, signature: 'a'.repeat(40) }))).status).toBe(401);
    expect((await post.handle(callback('/webhooks/wechat', text('o-door', '你好'), { token: 'other-token' }))).status).toBe(401);
    const old = callback('/webhooks/wechat', text('o-door', '你好'), { token: TOKEN, timestamp: Math.floor(Date.now() / 1000) - 600 });
    expect((await post.handle(old)).status).toBe(401);
    const malformed = { ...callback('/webhooks/wechat', text('o-door', '你好'), { token: TOKEN }), body: Buffer.from('<xml><Content>unclosed</xml>') };
    expect((await post.handle(malformed)).status).toBe(400);
    const dtd = { ...callback('/webhooks/wechat', text('o-door', '你好'), { token: TOKEN }), body: Buffer.from('<!DOCTYPE x [<!ENTITY a "b">]><xml><Content>&a;</Content></xml>') };
    expect((await post.handle(dtd)).status).toBe(400);
    const huge = callback('/webhooks/wechat', text('o-door', '长'.repeat(40_000)), { token: TOKEN });
    expect((await post.handle(huge)).status).toBe(413);
    const noSender = callback('/webhooks/wechat', { ToUserName: 'gh', MsgType: 'text', Content: 'x' }, { token: TOKEN });
    expect((await post.handle(noSender)).status).toBe(400);
  });

  it('in plaintext mode, refuses a signed query reused with another message (the signature does not cover the body), but takes WeChat\'s retry of the same one', async () => {
    const c = ch();
    const post = c.routes.find((r) => r.method === 'POST')!;
    const first = callback('/webhooks/wechat', text('o-replay', '报名截止是哪天'), { token: TOKEN, nonce: '777' });
    expect((await post.handle(first)).status).toBe(200);
    expect((await post.handle(first)).status).toBe(200); // a retry: the same request
    const forged = { ...first, body: callback('/webhooks/wechat', text('o-victim', '删除我的数据'), { token: TOKEN, nonce: '777' }).body };
    expect((await post.handle(forged)).status).toBe(401);
    // The URL check's signature cannot carry a message either.
    const q = { timestamp: String(Math.floor(Date.now() / 1000)), nonce: '888', echostr: 'e' };
    const signature = getSignature(TOKEN, q.timestamp, q.nonce, '');
    expect((await get(c, { ...q, signature })).status).toBe(200);
    const reuse = callback('/webhooks/wechat', text('o-victim', '删除我的数据'), { token: TOKEN, timestamp: Number(q.timestamp), nonce: q.nonce });
    expect((await post.handle(reuse)).status).toBe(401);
  });
});

describe('messages in plaintext mode', () => {
  let c: Channel;
  beforeAll(() => { c = channelWith(); });
  const post = (fields: Record<string, string | number>) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN }));

  it('answers a question with a passive reply, its citation and the choices as numbered lines; a typed number presses one', async () => {
    const res = await post(text('o-plain', '继续教育要多少学时'));
    expect(res.headers?.['content-type']).toContain('xml');
    const reply = passive(res)!;
    expect(reply).toContain('270');
    expect(reply).toContain('出处');
    expect(reply).toMatch(/\n1\. /);
    const xml = parseXml(String(res.body))!;
    expect(xml).toMatchObject({ ToUserName: 'o-plain', FromUserName: 'gh_account', MsgType: 'text' });
    const n = reply.split('\n').find((l) => l.includes('查看原文'))!.split('.')[0]!;
    const pressed = passive(await post(text('o-plain', n)))!;
    expect(pressed).toContain('继续教育');
  });

  it('greets a new follower, runs the menu CLICK keys, and ignores VIEW and unsubscribe', async () => {
    expect(passive(await post(event('o-menu', 'subscribe')))).toContain('职称申报助手');
    expect(passive(await post(event('o-menu', 'CLICK', 'faq')))).toContain(bot.knowledge.topics[0]!.title);
    expect(passive(await post(event('o-menu', 'VIEW', 'https://example.test/')))).toBeNull();
    expect(passive(await post(event('o-menu', 'unsubscribe')))).toBeNull();
  });

  it('reads a voice message by its recognition text, and says what it reads for other kinds', async () => {
    expect(passive(await post({ ...text('o-voice', ''), MsgType: 'voice', MediaId: 'v1', Format: 'amr', Recognition: '照片有什么要求' }))).toContain('JPG');
    expect(passive(await post({ ...text('o-voice', ''), MsgType: 'location', Location_X: '30' }))).toContain('文字消息和照片');
  });

  it('checks a photo fetched by MediaId', async () => {
    fake.media.set('media-1', jpeg(330, 441, 60_000));
    const reply = passive(await post({ ...text('o-photo', ''), MsgType: 'image', MediaId: 'media-1', PicUrl: 'http://x/1.jpg' }))!;
    expect(reply).toMatch(/照片/);
    expect(passive(await post({ ...text('o-photo', ''), MsgType: 'image', MediaId: 'missing' }))).toContain('没能取到');
  });

  it('handles a message delivered three times once', async () => {
    const fields = text('o-dup', '报名截止是哪天');
    const answers = await Promise.all([post(fields), post(fields), post(fields)]);
    const replies = answers.map((a) => passive(a));
    expect(replies.filter((r) => r?.includes('2023年9月8日'))).toHaveLength(1);
    expect(replies.filter((r) => r === null)).toHaveLength(2);
  });

  it('goes the late way when the turn is not ready in time: `success` at once, the answer through the customer-service API', async () => {
    const slow = channelWith({ passiveMs: 0 });
    const res = await slow.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', text('o-late', '照片有什么要求'), { token: TOKEN }));
    expect(res.body).toBe('success');
    await fake.waitFor(() => fake.to('o-late').length > 0);
    expect(fake.to('o-late')[0]).toMatchObject({ path: '/cgi-bin/message/custom/send', type: 'text' });
    expect(fake.to('o-late')[0]!.text).toContain('JPG');
  });

  it('fetches the access token once, keeps it in the store, and fetches a new one when it expires mid-conversation (42001)', async () => {
    const slow = channelWith({ passiveMs: 0 });
    const handle = (t: string) => slow.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', text('o-token', t), { token: TOKEN }));
    await handle('你好');
    await fake.waitFor(() => fake.to('o-token').length >= 1);
    const fetches = fake.tokenFetches;
    await handle('照片有什么要求');
    await fake.waitFor(() => fake.to('o-token').length >= 2);
    expect(fake.tokenFetches).toBe(fetches);
    fake.expireTokens();
    await handle('报名截止是哪天');
    await fake.waitFor(() => fake.to('o-token').some((s) => s.text.includes('2023年9月8日')));
    expect(fake.tokenFetches).toBe(fetches + 1);
  });
});

describe('safe mode', () => {
  const key = aesKey(7);
  let c: Channel;
  beforeAll(() => { c = channelWith({ encodingAESKey: key }); });
  const post = (fields: Record<string, string | number>, o: { appId?: string; signature?: string } = {}) =>
    c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN, aesKey: key, appId: o.appId ?? APP_ID, signature: o.signature }));

  it('decrypts the message and encrypts the passive reply, signed (a round trip with a real key)', async () => {
    const res = await post(text('o-safe', '评审费多少钱'));
    const outer = parseXml(String(res.body))!;
    expect(outer.MsgSignature).toBe(getSignature(TOKEN, outer.TimeStamp!, outer.Nonce!, outer.Encrypt!));
    const opened = decrypt(key, outer.Encrypt!);
    expect(opened.id).toBe(APP_ID);
    expect(parseXml(opened.message)!.Content).toContain('费');
  });

  it('refuses a wrong msg_signature, another AppID, and an Encrypt that is not one', async () => {
    expect((await post(text('o-safe', '你好'), { signature: 'b'.repeat(40) })).status).toBe(401);
    expect((await post(text('o-safe', '你好'), { appId: 'wx-other' })).status).toBe(401);
    const ts = String(Math.floor(Date.now() / 1000));
    const garbage = 'bm90IGEgY2lwaGVydGV4dA==';
    const req = { method: 'POST', path: '/webhooks/wechat', headers: {}, query: new URLSearchParams({ timestamp: ts, nonce: '1', msg_signature: getSignature(TOKEN, ts, '1', garbage) }), body: Buffer.from(`<xml><Encrypt><![CDATA[${garbage}]]></Encrypt></xml>`) };
    expect((await c.routes.find((r) => r.method === 'POST')!.handle(req)).status).toBe(400);
  });
});

describe('an eligibility interview by the menu and msgmenu choices (a verified account)', () => {
  it('runs from the 检查资格 menu to the verdict, every choice a msgmenu item whose click comes back as the button\'s action', async () => {
    const c = channelWith({ msgmenu: true });
    const post = (fields: Record<string, string | number>) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN }));
    const u = 'o-interview';
    const menu = () => fake.to(u).at(-1)!.menu;
    const press = async (label: string) => {
      const item = menu().find((i) => i.content === label);
      expect(item, `no choice "${label}" in ${JSON.stringify(menu())}`).toBeDefined();
      const res = await post(text(u, item!.content, { bizmsgmenuid: item!.id }));
      await c.drain();
      return res;
    };
    const say = async (t: string) => { const res = await post(text(u, t)); await c.drain(); return res; };

    const first = await post(event(u, 'CLICK', 'check'));
    await c.drain();
    expect(passive(first)).toContain('第1题');
    for (const label of ['是', '是', '石油和化学工程', '中国内地居民', '是']) await press(label);
    await say('专业课200，公需课60，其他20');
    await say('本科');
    await say('2018年7月');
    for (const label of ['是', '国内取得']) await press(label);
    await say('2018年6月');
    for (const label of ['是', '是', '否']) await press(label);
    const verdict = await press('确认，看结果');
    expect(passive(verdict)).toContain('可以申报');
  });

  it('falls back to numbered lines when the account may not send msgmenu (48001), logged once', async () => {
    const c = channelWith({ msgmenu: true, passiveMs: 0 });
    fake.unverified = true;
    try {
      const post = (t: string) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', text('o-unverified', t), { token: TOKEN }));
      await post('你好');
      await c.drain();
      fake.unverified = false;
      await post('照片有什么要求');
      await c.drain();
      expect(fake.to('o-unverified').some((s) => s.type === 'msgmenu')).toBe(false);
      expect(fake.to('o-unverified').at(-1)!.text).toMatch(/\n1\. /);
    } finally {
      fake.unverified = false;
    }
  });
});

describe('reminders', () => {
  it('go out as subscription messages with the template, refused users reported not-allowed', async () => {
    const c = channelWith({ reminderTemplateId: 'TPL-1' });
    expect(await c.push!('o-remind', '⏰ 截止提醒：个人申报截止是2023年9月8日，还有7天。\n详见通知', 'k1')).toBe('sent');
    const sent = fake.to('o-remind').at(-1)!;
    expect(sent.path).toBe('/cgi-bin/message/subscribe/bizsend');
    expect(sent.body).toMatchObject({ template_id: 'TPL-1', data: { thing1: { value: expect.stringContaining('截止提醒') } } });
    expect([...(sent.body.data as { thing1: { value: string } }).thing1.value].length).toBeLessThanOrEqual(WECHAT_LIMITS.templateChars);
    fake.blocked.add('o-refuses');
    expect(await c.push!('o-refuses', '⏰ 提醒', 'k2')).toBe('not-allowed');
    fake.unreachable = true;
    try {
      expect(await c.push!('o-remind', '⏰ 提醒', 'k3')).toBe('retry');
    } finally {
      fake.unreachable = false;
    }
  });

  it('without a template: the subscription says reminders are not available here, and a push is not-allowed (never silent)', async () => {
    /** The 截止提醒 menu, then the number of 我是申报人，订阅: the reply to the subscription. */
    const subscribe = async (c: Channel, u: string) => {
      const post = (fields: Record<string, string | number>) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN }));
      const intro = passive(await post(event(u, 'CLICK', 'subscribe')))!;
      const n = intro.split('\n').find((l) => l.includes('我是申报人'))!.split('.')[0]!;
      return passive(await post(text(u, n)))!;
    };
    const c = channelWith();
    expect(await subscribe(c, 'o-sub')).toContain('暂时不能主动给你发提醒');
    expect(await c.push!('o-sub', '⏰ 提醒', 'k4')).toBe('not-allowed');
    expect(await subscribe(channelWith({ reminderTemplateId: 'TPL-1' }), 'o-sub2')).toContain('订阅通知');
  });
});

describe('rendering and the menu', () => {
  it('splits a long reply within the limit and lists more than ten choices as numbered lines', () => {
    const long = plain('职'.repeat(1500));
    const { messages } = renderWechat([long], { chooseHeader: '回复数字：', choose: '请选择：' }, true);
    expect(messages.length).toBe(3);
    for (const m of messages) expect(m.type === 'text' && [...m.content].length).toBeLessThanOrEqual(WECHAT_LIMITS.textChars);
    const many = { text: '选', buttons: Array.from({ length: 12 }, (_, i) => ({ label: `选项${i}`, action: `faq:e${i}` })), citations: [] };
    const r = renderWechat([many], { chooseHeader: '回复数字：', choose: '请选择：' }, true);
    expect(r.messages.every((m) => m.type === 'text')).toBe(true);
    expect(r.numbered).toHaveLength(12);
  });

  it('defines the menu 检查资格 / 常见问题 / 截止提醒 as CLICK keys the channel understands', () => {
    const menu = wechatMenu({ check: '检查资格', faq: '常见问题', subscribe: '截止提醒' });
    expect(menu.button.map((b) => [b.name, b.key])).toEqual([['检查资格', 'check'], ['常见问题', 'faq'], ['截止提醒', 'subscribe']]);
  });
});

describe('50 people at once', () => {
  it('every reply arrives, in order per person', async () => {
    const c = channelWith({ passiveMs: 0 });
    const post = c.routes.find((r) => r.method === 'POST')!;
    const asked = ['截止时间', '照片要什么格式', '联系人是谁'];
    const marks = ['时间节点', 'JPG', '82313758'];
    const users = Array.from({ length: 50 }, (_, i) => `o-many-${i}`);
    await Promise.all(users.flatMap((u) => asked.map((t) => post.handle(callback('/webhooks/wechat', text(u, t), { token: TOKEN })))));
    await fake.waitFor(() => users.every((u) => fake.to(u).length >= 3), 20_000);
    for (const u of users) {
      const texts = fake.to(u).map((s) => s.text);
      const at = marks.map((m) => texts.findIndex((t) => t.includes(m)));
      expect(at.every((i) => i >= 0), `${u}: ${JSON.stringify(texts.map((t) => t.slice(0, 30)))}`).toBe(true);
      expect([...at].sort((a, b) => a - b)).toEqual(at);
    }
  }, 30_000);
});

describe.runIf(hasRedisServer)('two instances on one Redis', () => {
  let redis: RedisServer;
  let a: Bot;
  let b: Bot;
  beforeAll(async () => {
    redis = await startRedisServer();
    [a, b] = await Promise.all([testBot({ now: new Date(AUG), storeUrl: redis.url }), testBot({ now: new Date(AUG), storeUrl: redis.url })]);
  });
  afterAll(async () => { await Promise.all([a?.close(), b?.close()]); await redis?.stop(); });

  it('handle a message delivered three times (to either instance) once, and share one access token', async () => {
    const on = (x: Bot) => createWechat(createKit(x, log), { token: TOKEN, appId: 'wx-redis', appSecret: 's', apiBaseUrl: fake.url, passiveMs: 0 });
    const [ca, cb] = [on(a), on(b)];
    const fields = text('o-redis', '报名截止是哪天');
    const fetches = fake.tokenFetches;
    await Promise.all([ca, cb, ca].map((c) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN }))));
    await Promise.all([ca.drain(), cb.drain()]);
    expect(fake.to('o-redis').filter((s) => s.text.includes('2023年9月8日'))).toHaveLength(1);
    await Promise.all([ca, cb].map((c) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', text('o-redis', '照片有什么要求'), { token: TOKEN }))));
    await Promise.all([ca.drain(), cb.drain()]);
    expect(fake.tokenFetches - fetches).toBe(1);
  });
});

describe('configuration', () => {
  it('turns the channels on only with all their settings, and names what is missing', () => {
    expect(wechatSpec.enabled(parseConfig({}))).toBe(false);
    expect(wechatSpec.describe(parseConfig({}))).toContain('set WECHAT_TOKEN');
    expect(() => parseConfig({ WECHAT_TOKEN: 'abc123' })).toThrow(/WECHAT_TOKEN/);
    expect(() => parseConfig({ WECHAT_TOKEN: 'abc123', WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's', WECHAT_ENCODING_AES_KEY: 'short' })).toThrow(/WECHAT_ENCODING_AES_KEY/);
    const on = parseConfig({ WECHAT_TOKEN: 'abc123', WECHAT_APP_ID: 'wx1', WECHAT_APP_SECRET: 's', WECHAT_ENCODING_AES_KEY: aesKey(3), WECHAT_MSGMENU: 'true' });
    expect(wechatSpec.enabled(on)).toBe(true);
    expect(wechatSpec.describe(on)).toMatch(/safe mode.*msgmenu.*WECHAT_REMINDER_TEMPLATE_ID/);
    expect(wecomSpec.enabled(on)).toBe(false);
    expect(() => parseConfig({ WECOM_CORP_ID: 'ww1' })).toThrow(/WECOM_CORP_ID/);
    const wecom = parseConfig({ WECOM_CORP_ID: 'ww1', WECOM_AGENT_ID: '1000002', WECOM_SECRET: 's', WECOM_TOKEN: 'tok123', WECOM_ENCODING_AES_KEY: aesKey(4) });
    expect(wecomSpec.enabled(wecom)).toBe(true);
    expect(wecom.WECOM_AGENT_ID).toBe(1000002);
  });
});

describe('XML', () => {
  it('keeps `]]>` in a CDATA value and strips control characters, so the reply parses back to what was meant', () => {
    const xml = buildXml({ ToUserName: 'o', Content: 'a]]>b\u0001c\u0007\n第二行', CreateTime: 12 });
    expect(xml).toContain('<CreateTime>12</CreateTime>');
    expect(parseXml(xml)).toEqual({ ToUserName: 'o', Content: 'a]]>bc\n第二行', CreateTime: '12' });
  });
});

describe('reminders through the runner', () => {
  it('a follower who subscribed gets each reminder once as a subscription message, however often the runner runs', async () => {
    const c = channelWith({ reminderTemplateId: 'TPL-R' });
    const u = 'o-runner';
    const post = (fields: Record<string, string | number>) => c.routes.find((r) => r.method === 'POST')!.handle(callback('/webhooks/wechat', fields, { token: TOKEN }));
    const intro = passive(await post(event(u, 'CLICK', 'subscribe')))!;
    const n = intro.split('\n').find((l) => l.includes('我是申报人'))!.split('.')[0]!;
    expect(passive(await post(text(u, n)))).toContain('订阅通知');
    const at = new Date('2023-09-01T09:00:00+08:00');
    await bot.runDue(at);
    await bot.runDue(at);
    const reminders = fake.to(u).filter((s) => s.path.endsWith('/bizsend'));
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain('截止');
  });
});

describe('personal data', () => {
  it('keeps no follower id outside the follower\'s own data: event deliveries are remembered by a hash', async () => {
    const { deliveryId } = await import('../../adapters/wechat/callback.ts');
    const id = deliveryId({ FromUserName: 'o-secret-openid', CreateTime: '1', Event: 'CLICK' });
    expect(id).toMatch(/^e:[0-9a-f]{32}$/);
    expect(id).not.toContain('o-secret-openid');
    expect(deliveryId({ MsgId: '123', FromUserName: 'o-secret-openid' })).toBe('m:123');
  });
});

/**
 * The WeChat Official Account channel (公众号) at GET/POST /webhooks/wechat.
 *
 * In: the URL check (`signature` over the token, timestamp and nonce; `echostr` echoed); messages
 * in plaintext mode (`signature`) or safe mode (`msg_signature` over the encrypted body, AES-256-CBC
 * with the EncodingAESKey and the AppID check, by @wecom/crypto), refused when the timestamp is
 * more than 5 minutes off (replay); XML read by fast-xml-parser. Text, image (fetched by MediaId,
 * then the photo check), voice with the platform's recognition, events (subscribe → the welcome,
 * menu CLICK → its command, msgmenu clicks → the button's action).
 *
 * Out: a passive reply (the first message) when the turn is ready within 4.5 s; otherwise `success`
 * at once and every message through the customer-service API (客服消息). Choices become numbered
 * lines, or a clickable msgmenu (WECHAT_MSGMENU, verified accounts). Each delivery is handled once
 * (MsgId, or sender + CreateTime for events, in the store). Reminders go as subscription messages
 * (订阅通知) with the configured template; without one the person is told at subscription.
 */
import { createHash } from 'node:crypto';
import { encrypt, getSignature } from '@wecom/crypto';
import type { PushResult } from '../../src/bot/index.ts';
import type { Button, Reply } from '../../src/core/types.ts';
import type { Config } from '../../src/config.ts';
import type { Store } from '../../src/store/index.ts';
import { keys } from '../../src/store/keys.ts';
import type { Channel, ChannelSpec } from '../shared/contract.ts';
import { json, sameSecret, type RawRequest, type RawResponse } from '../shared/http.ts';
import { inflight } from '../shared/inflight.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { toInput } from './input.ts';
import { clip, numberedLines, splitText, turnButtons } from '../shared/render.ts';
import { sleep } from '../shared/time.ts';
import { errInfo, isRefusal, wxApi, WxApiError, type WxApi } from './api.ts';
import { deliveryId, readCallback } from './callback.ts';
import { buildXml } from './xml.ts';

export const WECHAT_ROUTE = '/webhooks/wechat';

/** The platform's limits (developers.weixin.qq.com: passive replies, customer-service messages). */
export const WECHAT_LIMITS = {
  /** A text message holds 2048 bytes: 600 characters of Chinese stay well inside. */
  textChars: 600,
  /** WeChat waits 5 s for the webhook's answer; the passive reply must be ready before. */
  passiveMs: 4500,
  /** A msgmenu lists at most this many choices here (more become numbered lines). */
  menuItems: 10,
  menuItemChars: 30,
  /** A subscription message's `thing` field holds 20 characters. */
  templateChars: 20,
} as const;

/** The customer-service API is not this account's (unverified): choices fall back to numbered lines. */
const NOT_AUTHORISED = 48001;

export interface WechatOptions {
  token: string;
  appId: string;
  appSecret: string;
  /** Set: safe mode (messages encrypted with this EncodingAESKey). */
  encodingAESKey?: string;
  apiBaseUrl?: string;
  reminderTemplateId?: string;
  reminderField?: string;
  /** Choices as a clickable msgmenu through the customer-service API (needs a verified account). */
  msgmenu?: boolean;
  /** How long the passive reply may take (default 4500 ms). */
  passiveMs?: number;
  /** Callbacks whose timestamp is further off than this are refused (default 300 s). */
  maxAgeSeconds?: number;
  /** Largest callback body read (default 64 KiB; WeChat's are small). */
  maxBody?: number;
  /** A passive reply goes first; the messages after it wait this long (default 150 ms). */
  afterPassiveMs?: number;
}

export const wechatSpec: ChannelSpec = {
  name: 'wechat',
  enabled: (c) => c.WECHAT_TOKEN !== undefined,
  describe: (c) => (c.WECHAT_TOKEN
    ? `WeChat Official Account: on (GET/POST ${WECHAT_ROUTE}, ${c.WECHAT_ENCODING_AES_KEY ? 'safe mode' : 'plaintext mode'}, choices as ${c.WECHAT_MSGMENU ? 'msgmenu' : 'numbered lines'}, reminders ${c.WECHAT_REMINDER_TEMPLATE_ID ? 'as subscription messages' : 'off: set WECHAT_REMINDER_TEMPLATE_ID'})`
    : 'WeChat Official Account: off (set WECHAT_TOKEN, WECHAT_APP_ID and WECHAT_APP_SECRET; WECHAT_ENCODING_AES_KEY for safe mode)'),
  create: (kit, c) => createWechat(kit, wechatOptions(c)),
};

export function wechatOptions(c: Config): WechatOptions {
  return {
    token: c.WECHAT_TOKEN!, appId: c.WECHAT_APP_ID!, appSecret: c.WECHAT_APP_SECRET!, encodingAESKey: c.WECHAT_ENCODING_AES_KEY,
    apiBaseUrl: c.WECHAT_API_BASE_URL, reminderTemplateId: c.WECHAT_REMINDER_TEMPLATE_ID, reminderField: c.WECHAT_REMINDER_FIELD, msgmenu: c.WECHAT_MSGMENU,
  };
}

/** One message to a WeChat user. */
export type WxMessage =
  | { type: 'text'; content: string }
  | { type: 'msgmenu'; head: string; items: { id: string; content: string }[] };

/** A callback's message, as far as the bot reads it. */
interface Incoming {
  user: string;
  account: string;
  /** The delivery's id for redelivery: MsgId, or sender + CreateTime for events. */
  id: string;
  fields: Record<string, string>;
}

/**
 * Replies → WeChat messages: the texts (joined, split at the limit), then the choices: a msgmenu
 * whose item ids are the buttons' actions, or numbered lines under the last text (and remembered,
 * so a typed number presses one).
 */
export function renderWechat(replies: readonly Reply[], texts: { chooseHeader: string; choose: string }, msgmenu: boolean): { messages: WxMessage[]; numbered: Button[] | null } {
  const buttons = turnButtons(replies);
  const body = replies.map((r) => r.text).filter(Boolean).join('\n\n');
  const asMenu = msgmenu && buttons.length > 0 && buttons.length <= WECHAT_LIMITS.menuItems;
  const withLines = buttons.length && !asMenu ? `${body}\n\n${numberedLines(buttons, texts.chooseHeader)}` : body;
  const messages: WxMessage[] = withLines ? splitText(withLines, WECHAT_LIMITS.textChars).map((content) => ({ type: 'text', content })) : [];
  if (asMenu) messages.push({ type: 'msgmenu', head: texts.choose, items: buttons.map((b) => ({ id: b.action, content: clip(b.label, WECHAT_LIMITS.menuItemChars) })) });
  return { messages, numbered: buttons.length && !asMenu ? buttons : null };
}

/** The channel, and a way to wait for the messages still being sent (tests, shutdown). */
export type WechatChannel = Channel & { drain(): Promise<void> };

export function createWechat(kit: ChannelKit, opts: WechatOptions): WechatChannel {
  const log = kit.log.child({ channel: 'wechat' });
  const store = kit.bot.store;
  const api = wechatApi(opts, store);
  const passiveMs = opts.passiveMs ?? WECHAT_LIMITS.passiveMs;
  const maxAge = opts.maxAgeSeconds ?? 300;
  const maxBody = opts.maxBody ?? 64 * 1024;
  const afterPassiveMs = opts.afterPassiveMs ?? 150;
  const field = opts.reminderField ?? 'thing1';
  let msgmenu = opts.msgmenu ?? false;
  const work = inflight();
  /** API errors already logged, by code and user hash: each is said once, never retried in a loop. */
  const logged = new Set<string>();

  const sign = (timestamp: string, nonce: string, sealed = '') => getSignature(opts.token, timestamp, nonce, sealed);

  // ── in ──

  async function verifyUrl(req: RawRequest): Promise<RawResponse> {
    const q = req.query;
    const [signature, timestamp, nonce, echostr] = ['signature', 'timestamp', 'nonce', 'echostr'].map((k) => q.get(k));
    if (!signature || !timestamp || !nonce || echostr === null || echostr === undefined) return json(400, { error: 'expected signature, timestamp, nonce and echostr' });
    if (!sameSecret(signature, sign(timestamp, nonce))) return json(401, { error: 'invalid signature' });
    if (!(await signatureFits(req, 'GET'))) return json(401, { error: 'signature already used' });
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: echostr };
  }

  /** The callback read and checked: its message, or the HTTP answer refusing it. */
  /**
   * In plaintext mode the signature covers the token, timestamp and nonce, not the body: a signed
   * query seen once could carry any message for the next minutes. So each signature is remembered
   * (in the store, for the replay window) with what it came with, and refused with anything else;
   * WeChat's own retries, the same request again, still pass (and are deduplicated by MsgId).
   */
  async function signatureFits(req: RawRequest, what: string): Promise<boolean> {
    if (opts.encodingAESKey) return true; // msg_signature covers the ciphertext
    const q = req.query;
    const key = keys.delivery('wechat-signature', createHash('sha256').update(`${q.get('signature')}\0${q.get('timestamp')}\0${q.get('nonce')}`).digest('hex').slice(0, 32));
    const body = createHash('sha256').update(what).update(req.body).digest('hex');
    return store.withLock(key, async () => {
      const seen = await store.get<string>(key);
      if (seen !== undefined) return seen === body;
      await store.set(key, body, (maxAge * 2 + 60) * 1000);
      return true;
    });
  }

  async function readIncoming(req: RawRequest): Promise<Incoming | RawResponse> {
    const fields = readCallback(req, { token: opts.token, encodingAESKey: opts.encodingAESKey, receiverId: opts.appId, maxAgeSeconds: maxAge, maxBody });
    if ('status' in fields) return fields as RawResponse;
    if (!(await signatureFits(req, 'POST'))) return json(401, { error: 'signature already used with another message' });
    const user = fields.FromUserName;
    if (!user || !/^[\w-]{1,64}$/.test(user)) return json(400, { error: 'expected FromUserName' });
    return { user, account: fields.ToUserName ?? '', id: deliveryId(fields), fields };
  }

  /** One turn: the replies, with how reminders arrive here said after a subscription. */
  async function turn(m: Incoming): Promise<Reply[]> {
    const user = `wx:${m.user}`;
    const input = await toInput(m.fields, user, { kit, api, log });
    if (input === null) return [];
    if (!('kind' in input)) return [input];
    const out = await kit.turn(user, input);
    const subscribed = out.result?.effects.some((e) => e.kind === 'subscribe');
    return subscribed ? [...out.replies, kit.say(opts.reminderTemplateId ? 'wechatRemindersBy' : 'wechatNoReminders', {})] : out.replies;
  }

  async function webhook(req: RawRequest): Promise<RawResponse> {
    if (work.stopping) return json(503, { error: 'shutting down' });
    const m = await readIncoming(req);
    if ('status' in m) return m;
    const user = `wx:${m.user}`;
    let ready!: (messages: WxMessage[] | null) => void;
    const rendered = new Promise<WxMessage[] | null>((resolve) => { ready = resolve; });
    let decide!: (how: 'passive' | 'late') => void;
    const decided = new Promise<'passive' | 'late'>((resolve) => { decide = resolve; });

    const task = kit.inOrder(user, async () => {
      if (!(await kit.firstDelivery('wechat', m.id))) {
        log.info({ user: kit.logId(user) }, 'wechat delivery already handled');
        ready(null);
        return;
      }
      const replies = await turn(m);
      const { messages, numbered } = renderWechat(replies, kit.flow.texts, msgmenu);
      await kit.rememberNumbered(user, numbered);
      ready(messages);
      const how = await decided;
      const rest = how === 'passive' ? messages.slice(1) : messages;
      if (how === 'passive' && rest.length) await sleep(afterPassiveMs);
      await sendAll(m.user, rest);
    }).catch((err: unknown) => {
      ready(null);
      log.error({ user: kit.logId(user), err: errInfo(err) }, 'wechat message failed');
    });
    work.track(task);

    let timer: NodeJS.Timeout | undefined;
    // The time WeChat waits runs from the request's arrival (a busy server may have held it before this).
    const left = passiveMs - (req.receivedAt === undefined ? 0 : Date.now() - req.receivedAt);
    // passiveMs 0: never a passive reply (everything through the customer-service API).
    const outcome = passiveMs <= 0 || left <= 0 ? 'late' : await Promise.race([rendered, new Promise<'late'>((resolve) => { timer = setTimeout(() => resolve('late'), left); })]);
    clearTimeout(timer);
    const first = Array.isArray(outcome) ? outcome[0] : undefined;
    if (first?.type !== 'text') {
      decide('late');
      // A turn still running goes out through the customer-service API; a redelivery or nothing to say: just `success`.
      return success();
    }
    decide('passive');
    return passiveReply(req, m, first.content);
  }

  function success(): RawResponse {
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'success' };
  }

  /** The passive reply: a text message back to the sender (encrypted in safe mode). */
  function passiveReply(req: RawRequest, m: Incoming, content: string): RawResponse {
    const created = Math.floor(Date.now() / 1000);
    const xml = buildXml({ ToUserName: m.user, FromUserName: m.account, CreateTime: created, MsgType: 'text', Content: content });
    if (!opts.encodingAESKey) return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body: xml };
    const sealed = encrypt(opts.encodingAESKey, xml, opts.appId);
    const timestamp = String(created);
    const nonce = req.query.get('nonce') ?? String(created);
    const body = buildXml({ Encrypt: sealed, MsgSignature: sign(timestamp, nonce, sealed), TimeStamp: created, Nonce: nonce });
    return { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' }, body };
  }

  // ── out ──

  /** Messages through the customer-service API, in order; stops at the first that cannot go. */
  async function sendAll(openid: string, messages: readonly WxMessage[]): Promise<PushResult> {
    for (const message of messages) {
      const result = await send(openid, message);
      if (result !== 'sent') return result;
    }
    return 'sent';
  }

  async function send(openid: string, message: WxMessage): Promise<PushResult> {
    const body = message.type === 'text'
      ? { touser: openid, msgtype: 'text', text: { content: message.content } }
      : { touser: openid, msgtype: 'msgmenu', msgmenu: { head_content: message.head, list: message.items, tail_content: '' } };
    try {
      await api.post('/cgi-bin/message/custom/send', body);
      return 'sent';
    } catch (err) {
      if (err instanceof WxApiError && err.errcode === NOT_AUTHORISED && msgmenu) {
        // Not a verified account: choices go as numbered lines from now on.
        msgmenu = false;
        logOnce(err.errcode, openid, 'the customer-service API is not authorised for this account: choices fall back to numbered lines (unset WECHAT_MSGMENU)');
        return 'not-allowed';
      }
      return failed(err, openid);
    }
  }

  /**
   * A send that failed. The platform's refusals (45015 outside the 48-hour window, 48001 not
   * authorised, 45047 too many for this interaction, 43101 subscription refused, …) are final:
   * logged once per code and user, never retried. Busy (-1), HTTP and network failures may be.
   */
  function failed(err: unknown, openid: string): PushResult {
    if (isRefusal(err)) {
      logOnce(err.errcode, openid, `wechat refused the message (errcode ${err.errcode})`);
      return 'not-allowed';
    }
    log.warn({ user: kit.logId(`wx:${openid}`), err: errInfo(err) }, 'wechat send failed');
    return 'retry';
  }

  function logOnce(code: number, openid: string, message: string): void {
    const key = `${code}:${kit.logId(`wx:${openid}`)}`;
    if (logged.has(key)) return;
    if (logged.size > 10_000) logged.clear();
    logged.add(key);
    log.warn({ user: kit.logId(`wx:${openid}`), errcode: code }, message);
  }

  return {
    name: 'wechat',
    prefix: 'wx',
    routes: [
      { method: 'GET', path: WECHAT_ROUTE, handle: verifyUrl },
      { method: 'POST', path: WECHAT_ROUTE, handle: webhook },
    ],
    // Reminders: customer-service messages only reach a person within 48 hours of their last
    // message, so they go as subscription messages with the configured template.
    async push(openid, text) {
      if (!opts.reminderTemplateId) {
        logOnce(0, openid, 'a reminder was not sent: no subscription template (WECHAT_REMINDER_TEMPLATE_ID)');
        return 'not-allowed';
      }
      try {
        await api.post('/cgi-bin/message/subscribe/bizsend', {
          touser: openid, template_id: opts.reminderTemplateId,
          data: { [field]: { value: clip(text.split('\n')[0]!, WECHAT_LIMITS.templateChars) } },
        });
        return 'sent';
      } catch (err) {
        return failed(err, openid);
      }
    },
    drain: () => work.drain(),
    stop: () => work.stop(),
  };
}

/** The Official Account menu: 检查资格 / 常见问题 / 截止提醒, each a CLICK whose key is a command. */
export function wechatMenu(names: Record<'check' | 'faq' | 'subscribe', string>): { button: { type: 'click'; name: string; key: string }[] } {
  return { button: (['check', 'faq', 'subscribe'] as const).map((key) => ({ type: 'click', name: names[key], key })) };
}

/** The Official Account's API, its token shared through the store. */
export function wechatApi(opts: Pick<WechatOptions, 'appId' | 'appSecret' | 'apiBaseUrl'>, store: Store): WxApi {
  return wxApi({
    baseUrl: opts.apiBaseUrl ?? 'https://api.weixin.qq.com',
    tokenPath: `/cgi-bin/token?grant_type=client_credential&appid=${encodeURIComponent(opts.appId)}&secret=${encodeURIComponent(opts.appSecret)}`,
    cacheKey: keys.platformToken('wechat', opts.appId),
    store,
  });
}

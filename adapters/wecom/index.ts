/**
 * The WeCom channel (企业微信), as a self-built application's callback at GET/POST /webhooks/wecom:
 * the URL check decrypts and echoes `echostr`; every callback is signed (`msg_signature`) and
 * encrypted with the app's EncodingAESKey (the CorpID checked), read with the same code as the
 * Official Account's safe mode. The callback is answered at once (empty 200) and the replies go
 * through the app message API (`/cgi-bin/message/send`, the corp access token kept in the store),
 * one person's in order; choices are numbered lines (a typed number presses one). Photos are
 * fetched by MediaId; reminders are app messages (WeCom has no 48-hour window).
 *
 * Why this mode and not the 智能机器人 long connection of @wecom/aibot-node-sdk: the callback is
 * plain HTTP both ways, so every part of it (signature, encryption, token, sends) runs end to end
 * against a fake WeCom API on 127.0.0.1; the robot's WebSocket protocol is the SDK's own, with no
 * documented server side to fake, and one connection per bot would bind the bot to one instance.
 */
import type { PushResult } from '../../src/bot/index.ts';
import { plain } from '../../src/core/types.ts';
import type { Config } from '../../src/config.ts';
import { keys } from '../../src/store/keys.ts';
import type { Channel, ChannelSpec } from '../shared/contract.ts';
import { json, sameSecret, type RawRequest, type RawResponse } from '../shared/http.ts';
import { inflight } from '../shared/inflight.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { toInput } from '../wechat/input.ts';
import { getSignature } from '@wecom/crypto';
import { errInfo, isRefusal, wxApi } from '../wechat/api.ts';
import { deliveryId, open, readCallback } from '../wechat/callback.ts';
import { renderWechat } from '../wechat/index.ts';

export const WECOM_ROUTE = '/webhooks/wecom';

export interface WecomOptions {
  corpId: string;
  agentId: number;
  secret: string;
  token: string;
  encodingAESKey: string;
  apiBaseUrl?: string;
  maxAgeSeconds?: number;
  maxBody?: number;
}

export const wecomSpec: ChannelSpec = {
  name: 'wecom',
  enabled: (c) => c.WECOM_CORP_ID !== undefined,
  describe: (c) => (c.WECOM_CORP_ID
    ? `WeCom: on (self-built app ${c.WECOM_AGENT_ID}, callback at GET/POST ${WECOM_ROUTE})`
    : 'WeCom: off (set WECOM_CORP_ID, WECOM_AGENT_ID, WECOM_SECRET, WECOM_TOKEN and WECOM_ENCODING_AES_KEY of a self-built app)'),
  create: (kit, c) => createWecom(kit, wecomOptions(c)),
};

export function wecomOptions(c: Config): WecomOptions {
  return { corpId: c.WECOM_CORP_ID!, agentId: c.WECOM_AGENT_ID!, secret: c.WECOM_SECRET!, token: c.WECOM_TOKEN!, encodingAESKey: c.WECOM_ENCODING_AES_KEY!, apiBaseUrl: c.WECOM_API_BASE_URL };
}

export type WecomChannel = Channel & { drain(): Promise<void> };

export function createWecom(kit: ChannelKit, opts: WecomOptions): WecomChannel {
  const log = kit.log.child({ channel: 'wecom' });
  const api = wxApi({
    baseUrl: opts.apiBaseUrl ?? 'https://qyapi.weixin.qq.com',
    tokenPath: `/cgi-bin/gettoken?corpid=${encodeURIComponent(opts.corpId)}&corpsecret=${encodeURIComponent(opts.secret)}`,
    cacheKey: keys.platformToken('wecom', `${opts.corpId}:${opts.agentId}`),
    store: kit.bot.store,
  });
  const check = { token: opts.token, encodingAESKey: opts.encodingAESKey, receiverId: opts.corpId, maxAgeSeconds: opts.maxAgeSeconds ?? 300, maxBody: opts.maxBody ?? 64 * 1024 };
  const work = inflight();

  /** The URL check: `echostr` is encrypted; its plaintext is the answer. */
  function verifyUrl(req: RawRequest): RawResponse {
    const q = req.query;
    const [signature, timestamp, nonce, echostr] = ['msg_signature', 'timestamp', 'nonce', 'echostr'].map((k) => q.get(k) ?? '');
    if (!signature || !timestamp || !nonce || !echostr) return json(400, { error: 'expected msg_signature, timestamp, nonce and echostr' });
    if (!sameSecret(signature, getSignature(opts.token, timestamp, nonce, echostr))) return json(401, { error: 'invalid msg_signature' });
    const opened = open(opts.encodingAESKey, echostr);
    if (!opened) return json(400, { error: 'echostr could not be decrypted' });
    if (opened.id !== opts.corpId) return json(401, { error: 'echostr for another CorpID' });
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: opened.message };
  }

  async function webhook(req: RawRequest): Promise<RawResponse> {
    if (work.stopping) return json(503, { error: 'shutting down' });
    const f = readCallback(req, check);
    if ('status' in f) return f as RawResponse;
    const from = f.FromUserName;
    if (!from || !/^[\w.@-]{1,64}$/.test(from)) return json(400, { error: 'expected FromUserName' });
    const user = `wecom:${from}`;
    const id = deliveryId(f);
    const task = kit.inOrder(user, async () => {
      if (!(await kit.firstDelivery('wecom', id))) return;
      const input = await toInput(f, user, { kit, api, log });
      if (input === null) return;
      const replies = 'kind' in input ? (await kit.turn(user, input)).replies : [input];
      const { messages, numbered } = renderWechat(replies, kit.flow.texts, false);
      await kit.rememberNumbered(user, numbered);
      for (const m of messages) if (m.type === 'text' && (await send(from, m.content)) !== 'sent') break;
    }).catch((err: unknown) => log.error({ user: kit.logId(user), err: errInfo(err) }, 'wecom message failed'));
    work.track(task);
    // Answered at once: the replies go through the message API.
    return { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: '' };
  }

  async function send(touser: string, content: string): Promise<PushResult> {
    try {
      await api.post('/cgi-bin/message/send', { touser, msgtype: 'text', agentid: opts.agentId, text: { content } });
      return 'sent';
    } catch (err) {
      // The platform's refusals (not in the app's visible range, a user id that does not exist, …) are final.
      if (isRefusal(err)) {
        log.warn({ user: kit.logId(`wecom:${touser}`), errcode: err.errcode }, 'wecom refused the message');
        return 'not-allowed';
      }
      log.warn({ user: kit.logId(`wecom:${touser}`), err: errInfo(err) }, 'wecom send failed');
      return 'retry';
    }
  }

  return {
    name: 'wecom',
    prefix: 'wecom',
    routes: [
      { method: 'GET', path: WECOM_ROUTE, handle: async (req) => verifyUrl(req) },
      { method: 'POST', path: WECOM_ROUTE, handle: webhook },
    ],
    async push(touser, text) {
      for (const m of renderWechat([plain(text)], kit.flow.texts, false).messages) {
        const result = m.type === 'text' ? await send(touser, m.content) : 'sent';
        if (result !== 'sent') return result;
      }
      return 'sent';
    },
    drain: () => work.drain(),
    stop: () => work.stop(),
  };
}

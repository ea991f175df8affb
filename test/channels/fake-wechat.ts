/**
 * A fake WeChat / WeCom API on 127.0.0.1 for tests: access tokens (which can be expired on
 * demand, answering 42001 like the platform), customer-service and subscription messages, media,
 * the menu, and WeCom's app messages, each call recorded. It refuses what the platform refuses
 * (an unknown or expired token, a blocked user 45015, an unverified account's msgmenu 48001), and
 * can drop connections. Plus the callback side: signed (and encrypted) requests as WeChat sends them.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encrypt, getSignature } from '@wecom/crypto';
import type { RawRequest } from '../../adapters/shared/http.ts';
import { buildXml } from '../../adapters/wechat/xml.ts';

export interface WxSent { path: string; to: string; type: string; text: string; menu: { id: string; content: string }[]; body: Record<string, unknown> }

export interface FakeWechat {
  url: string;
  /** Every message call that was accepted, in order. */
  sent: WxSent[];
  /** Called for each accepted message, as it is accepted. */
  onSent?: (s: WxSent) => void;
  /** Token fetches so far. */
  tokenFetches: number;
  /** Media served at /cgi-bin/media/get?media_id=. */
  media: Map<string, Uint8Array>;
  /** Users outside the 48-hour window (45015) or refusing subscriptions (43101). */
  blocked: Set<string>;
  /** The account is not verified: msgmenu and other customer-service messages answer 48001. */
  unverified: boolean;
  /** Every request's connection is dropped. */
  unreachable: boolean;
  /** Calls wait this long before answering. */
  delayMs: number;
  /** Makes every token issued so far invalid (calls answer 42001). */
  expireTokens(): void;
  menus: unknown[];
  to(user: string): WxSent[];
  waitFor(pred: () => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startFakeWechat(): Promise<FakeWechat> {
  const valid = new Set<string>();
  let issued = 0;
  const fake: FakeWechat = {
    url: '', sent: [], tokenFetches: 0, media: new Map(), blocked: new Set(), unverified: false, unreachable: false, delayMs: 0, menus: [],
    expireTokens: () => valid.clear(),
    to: (user) => fake.sent.filter((s) => s.to === user),
    async waitFor(pred, timeoutMs = 5000) {
      const until = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > until) throw new Error('fake wechat: condition not met in time');
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req, res) => {
    if (fake.unreachable) { req.socket.destroy(); return; }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void (async () => {
      if (fake.delayMs) await new Promise((r) => setTimeout(r, fake.delayMs));
      const url = new URL(req.url ?? '/', 'http://x');
      const answer = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
      if (url.pathname === '/cgi-bin/token' || url.pathname === '/cgi-bin/gettoken') {
        fake.tokenFetches++;
        const token = `TOKEN-${++issued}`;
        valid.add(token);
        return answer({ access_token: token, expires_in: 7200 });
      }
      if (!valid.has(url.searchParams.get('access_token') ?? '')) return answer({ errcode: 42001, errmsg: 'access_token expired' });
      if (url.pathname === '/cgi-bin/media/get') {
        const data = fake.media.get(url.searchParams.get('media_id') ?? '');
        if (!data) return answer({ errcode: 40007, errmsg: 'invalid media_id' });
        res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': data.length });
        return res.end(Buffer.from(data));
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      if (url.pathname === '/cgi-bin/menu/create') { fake.menus.push(body); return answer({ errcode: 0, errmsg: 'ok' }); }
      const to = String(body.touser ?? '');
      if (fake.blocked.has(to)) return answer(url.pathname.includes('subscribe') ? { errcode: 43101, errmsg: 'user refuse to accept the msg' } : { errcode: 45015, errmsg: 'response out of time limit' });
      if (url.pathname === '/cgi-bin/message/custom/send' && fake.unverified) return answer({ errcode: 48001, errmsg: 'api unauthorized' });
      if (['/cgi-bin/message/custom/send', '/cgi-bin/message/subscribe/bizsend', '/cgi-bin/message/send'].includes(url.pathname)) {
        const type = String(body.msgtype ?? 'subscribe');
        const text = type === 'text' ? String((body.text as { content: string }).content)
          : type === 'msgmenu' ? String((body.msgmenu as { head_content: string }).head_content)
            : JSON.stringify(body.data ?? '');
        const menu = type === 'msgmenu' ? (body.msgmenu as { list: { id: string; content: string }[] }).list : [];
        const sent = { path: url.pathname, to, type, text, menu, body };
        fake.sent.push(sent);
        fake.onSent?.(sent);
        return answer({ errcode: 0, errmsg: 'ok' });
      }
      res.writeHead(404);
      res.end();
    })());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}

export interface CallbackOptions {
  token: string;
  /** Safe mode: the body encrypted with this key and `appId`. */
  aesKey?: string;
  appId?: string;
  timestamp?: number;
  nonce?: string;
  /** Replaces the computed signature. */
  signature?: string;
}

/** A callback POST as WeChat (or WeCom, always encrypted) sends it, for `fields` of the message. */
export function callback(path: string, fields: Record<string, string | number>, o: CallbackOptions): RawRequest {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? String(Math.floor(Math.random() * 1e9));
  const xml = buildXml(fields);
  const query = new URLSearchParams({ timestamp, nonce });
  let body = xml;
  if (o.aesKey) {
    const sealed = encrypt(o.aesKey, xml, o.appId ?? '');
    body = buildXml({ ToUserName: String(fields.ToUserName ?? ''), Encrypt: sealed });
    query.set('msg_signature', o.signature ?? getSignature(o.token, timestamp, nonce, sealed));
    query.set('encrypt_type', 'aes');
  } else {
    query.set('signature', o.signature ?? getSignature(o.token, timestamp, nonce, ''));
  }
  return { method: 'POST', path, query, headers: { 'content-type': 'text/xml' }, body: Buffer.from(body) };
}

/** A valid EncodingAESKey (43 characters of base64 for 32 bytes). */
export function aesKey(seed = 1): string {
  return Buffer.alloc(32, seed).toString('base64').slice(0, 43);
}

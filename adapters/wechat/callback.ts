/**
 * Reading a signed callback of WeChat or WeCom (one scheme, two platforms): size, timestamp
 * (older than the window: a replay), the signature (`signature` in WeChat's plaintext mode,
 * `msg_signature` over the ciphertext otherwise), AES decryption and the receiver check (the AppID
 * or CorpID at the end of the plaintext), then the XML. The answer is the message's fields, or the
 * HTTP answer refusing the callback: 413, 401 or 400.
 */
import { createHash } from 'node:crypto';
import { decrypt, getSignature } from '@wecom/crypto';
import { json, sameSecret, type RawRequest, type RawResponse } from '../shared/http.ts';
import { parseXml } from './xml.ts';

export interface CallbackCheck {
  token: string;
  /** Set: the body is encrypted (WeChat's safe mode; always on WeCom). */
  encodingAESKey?: string;
  /** The AppID or CorpID the plaintext must end with. */
  receiverId: string;
  maxAgeSeconds: number;
  maxBody: number;
}


export function readCallback(req: RawRequest, c: CallbackCheck): Record<string, string> | RawResponse {
  if (req.body.length > c.maxBody) return json(413, { error: `body over ${c.maxBody} bytes` });
  const q = req.query;
  const timestamp = q.get('timestamp');
  const nonce = q.get('nonce');
  if (!timestamp || !nonce || !/^\d{1,12}$/.test(timestamp)) return json(401, { error: 'missing timestamp or nonce' });
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > c.maxAgeSeconds) return json(401, { error: 'timestamp too old (replay refused)' });
  const raw = req.body.toString('utf8');
  if (!c.encodingAESKey) {
    if (!sameSecret(q.get('signature'), getSignature(c.token, timestamp, nonce, ''))) return json(401, { error: 'invalid signature' });
    return parseXml(raw) ?? json(400, { error: 'malformed XML' });
  }
  const outer = parseXml(raw);
  if (!outer?.Encrypt) return json(400, { error: 'expected an XML body with Encrypt' });
  if (!sameSecret(q.get('msg_signature'), getSignature(c.token, timestamp, nonce, outer.Encrypt))) return json(401, { error: 'invalid msg_signature' });
  const opened = open(c.encodingAESKey, outer.Encrypt);
  if (!opened) return json(400, { error: 'Encrypt could not be decrypted' });
  if (opened.id !== c.receiverId) return json(401, { error: 'message for another receiver' });
  return parseXml(opened.message) ?? json(400, { error: 'malformed XML' });
}

/** The plaintext and receiver of a ciphertext, or null when it is not one. */
export function open(encodingAESKey: string, sealed: string): { message: string; id: string } | null {
  try {
    return decrypt(encodingAESKey, sealed);
  } catch {
    return null;
  }
}

/**
 * The id a delivery is remembered by (redelivery): its MsgId; for an event, which has none, the
 * sender and CreateTime (and the event), hashed, so no user id is kept outside the user's own data.
 */
export function deliveryId(f: Record<string, string>): string {
  if (f.MsgId) return `m:${f.MsgId}`;
  return `e:${createHash('sha256').update(`${f.FromUserName ?? ''}\0${f.CreateTime ?? ''}\0${f.Event ?? ''}\0${f.EventKey ?? ''}`).digest('hex').slice(0, 32)}`;
}

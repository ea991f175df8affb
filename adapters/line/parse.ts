/** The LINE webhook body: its signature over the raw bytes, and the events the channel acts on. */
import { validateSignature } from '@line/bot-sdk';

/** One event, reduced to what the channel uses. */
export type LineEvent = {
  /** Engine user id, line:<userId> (or the group or room id). */
  user: string;
  /** Where pushes go: the group or room it came from, else the user. */
  to: string;
  id: string | null;
  redelivery: boolean;
  standby: boolean;
  replyToken: string | null;
  type: string;
} & (
  | { kind: 'text'; text: string }
  | { kind: 'image'; messageId: string; external: boolean }
  | { kind: 'other-message' }
  | { kind: 'postback'; data: string }
  | { kind: 'follow' }
);

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | null => (typeof x === 'string' && x !== '' ? x : null);

/** Checks the signature over the raw bytes (never re-serialised JSON). */
export function verify(body: Buffer, secret: string, signature: string): boolean {
  try {
    return validateSignature(body, secret, signature);
  } catch {
    return false;
  }
}

/** The events of a `{destination?, events: [...]}` body, or null when it is not one. */
export function parseWebhook(body: Buffer): Obj[] | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!isObj(parsed) || !Array.isArray(parsed.events)) return null;
  if (parsed.destination !== undefined && typeof parsed.destination !== 'string') return null;
  return parsed.events.every(isObj) ? parsed.events : null;
}

/** The event the channel acts on, or null for types it ignores or events without a source. */
export function parseEvent(ev: Obj): LineEvent | null {
  const source = isObj(ev.source) ? ev.source : {};
  const userId = str(source.userId);
  const chatId = str(source.groupId) ?? str(source.roomId);
  const owner = userId ?? chatId;
  if (!owner) return null;
  const base = {
    user: `line:${owner}`,
    to: chatId ?? owner,
    id: str(ev.webhookEventId),
    redelivery: isObj(ev.deliveryContext) && ev.deliveryContext.isRedelivery === true,
    standby: ev.mode === 'standby',
    replyToken: str(ev.replyToken),
    type: typeof ev.type === 'string' ? ev.type : 'unknown',
  };
  if (ev.type === 'follow') return { ...base, kind: 'follow' };
  if (ev.type === 'postback' && isObj(ev.postback) && typeof ev.postback.data === 'string') return { ...base, kind: 'postback', data: ev.postback.data };
  if (ev.type !== 'message' || !isObj(ev.message)) return null;
  const m = ev.message;
  if (m.type === 'text' && typeof m.text === 'string') return { ...base, kind: 'text', text: m.text };
  const messageId = str(m.id);
  if (m.type === 'image' && messageId) {
    const external = isObj(m.contentProvider) && m.contentProvider.type === 'external';
    return { ...base, kind: 'image', messageId, external };
  }
  return { ...base, kind: 'other-message' };
}

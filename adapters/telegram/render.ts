/** Replies → Telegram messages: plain text split at the size limit, buttons as an inline keyboard. */
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Button, Reply } from '../../src/core/types.ts';
import { splitText } from '../shared/render.ts';

/** Telegram's limit on a message's text (UTF-16 code units after entity parsing). */
export const MAX_MESSAGE = 4096;
/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_DATA = 64;

/**
 * Button actions that do not fit in callback_data, kept in memory under short ids ("k:<n>").
 * Bounded: the oldest are forgotten first; a forgotten id reads as a stale button.
 */
export class CallbackKeys {
  private byId = new Map<string, string>();
  private byAction = new Map<string, string>();
  private next = 0;
  constructor(private readonly limit = 10_000) {}

  /** What goes into callback_data for this action. */
  encode(action: string): string {
    if (!action.startsWith('k:') && Buffer.byteLength(action, 'utf8') <= MAX_CALLBACK_DATA) return action;
    const known = this.byAction.get(action);
    if (known) return known;
    const id = `k:${(this.next++).toString(36)}`;
    this.byId.set(id, action);
    this.byAction.set(action, id);
    if (this.byId.size > this.limit) {
      const [oldId, oldAction] = this.byId.entries().next().value as [string, string];
      this.byId.delete(oldId);
      this.byAction.delete(oldAction);
    }
    return id;
  }

  /** The action a pressed button stands for; undefined for an id no longer (or never) known. */
  decode(data: string): string | undefined {
    return data.startsWith('k:') ? this.byId.get(data) : data;
  }
}

/** One Telegram message to send: plain text (no parse_mode), the keyboard only on a reply's last piece. */
export interface OutgoingMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** Renders one engine reply as Telegram messages; `choose` is the text of a reply that is only buttons. */
export function renderReply(reply: Reply, keys: CallbackKeys, choose: string): OutgoingMessage[] {
  const keyboard = reply.buttons.length ? inlineKeyboard(reply.buttons, keys) : undefined;
  const text = reply.text.trim() === '' ? (keyboard ? choose : '') : reply.text;
  if (!text) return [];
  const pieces = splitText(text, MAX_MESSAGE).flatMap((p) => (p.length > MAX_MESSAGE ? splitText(p, MAX_MESSAGE / 2) : [p]));
  return pieces.map((piece, i) => (keyboard && i === pieces.length - 1 ? { text: piece, reply_markup: keyboard } : { text: piece }));
}

/** Buttons in rows: short labels share a row (up to 3), long ones get their own. */
export function inlineKeyboard(buttons: Button[], keys: CallbackKeys): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  let width = 0;
  for (const b of buttons) {
    const w = [...b.label].length;
    if (row.length && (row.length === 3 || width + w > 14)) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push({ text: b.label, callback_data: keys.encode(b.action) });
    width += w;
  }
  if (row.length) rows.push(row);
  return { inline_keyboard: rows };
}

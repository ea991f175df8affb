/**
 * Replies → LINE text messages: texts split at 5000 characters, the turn's buttons as quick
 * replies (postbacks) on the last message, or as numbered lines when they do not fit.
 */
import { createHash } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { Button, Reply } from '../../src/core/types.ts';
import { clip, numberedLines, splitText, turnButtons } from '../shared/render.ts';

/** The Messaging API's limits (developers.line.biz reference: text, quick reply, postback action). */
export const LINE_LIMITS = {
  messagesPerCall: 5,
  textChars: 5000,
  quickReplyItems: 13,
  labelChars: 20,
  postbackDataChars: 300,
  displayTextChars: 300,
} as const;

/** The rendered replies of one turn, and the buttons listed as numbered lines (null if none). */
export interface Rendered { messages: messagingApi.TextMessage[]; numbered: Button[] | null }

/** The wording rendering needs (flows/chat.yaml). */
export interface RenderTexts { chooseHeader: string; choose: string }

/**
 * When there are more than 13 buttons or one does not fit (label over 20 characters, action over
 * 300), all of them are also listed as numbered lines; the quick replies stay for those that fit.
 */
export function renderReplies(replies: Reply[], wording: RenderTexts): Rendered {
  const buttons = turnButtons(replies);
  const fits = (b: Button) => [...b.label].length <= LINE_LIMITS.labelChars && b.action.length <= LINE_LIMITS.postbackDataChars;
  const listed = buttons.length > LINE_LIMITS.quickReplyItems || !buttons.every(fits);
  const texts = replies.map((r) => r.text.trim()).filter((t) => t !== '');
  if (listed) {
    const list = numberedLines(buttons, wording.chooseHeader);
    if (texts.length) texts[texts.length - 1] = `${texts.at(-1)}\n\n${list}`;
    else texts.push(list);
  } else if (!texts.length && buttons.length) {
    texts.push(wording.choose);
  }
  const messages: messagingApi.TextMessage[] = texts.flatMap(splitForLine).map((text) => ({ type: 'text', text }));
  const items = buttons
    .filter((b) => b.action.length <= LINE_LIMITS.postbackDataChars)
    .slice(0, LINE_LIMITS.quickReplyItems)
    .map((b): messagingApi.QuickReplyItem => ({
      type: 'action',
      action: { type: 'postback', label: clip(b.label, LINE_LIMITS.labelChars), data: b.action, displayText: clip(b.label, LINE_LIMITS.displayTextChars) },
    }));
  const last = messages.at(-1);
  if (last && items.length) last.quickReply = { items };
  return { messages, numbered: listed ? buttons : null };
}

/** A text in pieces LINE accepts: at most 5000 characters, counted in UTF-16 units to be safe. */
function splitForLine(text: string): string[] {
  return splitText(text, LINE_LIMITS.textChars).flatMap((piece) =>
    piece.length <= LINE_LIMITS.textChars ? [piece] : splitText(piece, LINE_LIMITS.textChars / 2));
}

/** A UUID (v4 layout) derived from a stable key: the same reminder always gets the same retry key. */
export function retryKeyOf(key: string): string {
  const h = createHash('sha256').update(key).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * Rendering helpers every channel shares: message splitting at a size limit, clipping labels,
 * buttons as numbered lines for channels (or moments) without real buttons.
 */
import type { Button, Reply } from '../../src/core/types.ts';

/**
 * Splits a text into pieces of at most `max` characters (code points), at line breaks where it
 * can, so a long reply arrives whole on channels with a message size limit.
 */
export function splitText(text: string, max: number): string[] {
  const chars = [...text];
  if (chars.length <= max) return [text];
  const out: string[] = [];
  let rest = chars;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const nl = window.lastIndexOf('\n');
    const cut = nl > max / 2 ? nl + 1 : max;
    out.push(rest.slice(0, cut).join('').replace(/\n$/, ''));
    rest = rest.slice(cut);
  }
  if (rest.length) out.push(rest.join(''));
  return out;
}

/** At most `max` characters (code points), an ellipsis marking a cut. */
export function clip(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, max - 1).join('')}…`;
}

/** The buttons of a turn's replies, each action once, in order. */
export function turnButtons(replies: readonly Reply[]): Button[] {
  const seen = new Set<string>();
  return replies.flatMap((r) => r.buttons).filter((b) => !seen.has(b.action) && seen.add(b.action));
}

/** Buttons as numbered lines under a header ("1. 检查我能否申报"). */
export function numberedLines(buttons: readonly Button[], header: string): string {
  return [header, ...buttons.map((b, i) => `${i + 1}. ${b.label}`)].join('\n');
}

/** "3", "３", "3." → 3; anything else → null (a typed number that may press a numbered button). */
export function bareNumber(text: string): number | null {
  const m = /^\s*([0-9０-９]{1,2})\s*[.。、]?\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]!.replace(/[０-９]/g, (d) => String(d.charCodeAt(0) - 0xff10)));
  return n >= 1 ? n : null;
}

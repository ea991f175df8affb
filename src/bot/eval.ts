/**
 * The question eval: items shaped like ../shared/eval/qa-dev.json (`q`, one question) or
 * qa-dev-conversations.json (`turns`, a conversation whose last reply is judged), each asked by a
 * new person who has already been greeted, through the dialogue step with the bot's knowledge.
 * An item passes when every fact group of `all` has one of its strings in the judged reply and no
 * string of `none` is in it; a `fallback: true` item passes only when the bot falls back, any
 * other fails then. The clock is the item's `now`, else the run's (default: inside the season of the
 * edition the bot serves, `evalNow`).
 */
import { z } from 'zod';
import { step } from '../dialogue/step.ts';
import type { Knowledge } from '../knowledge/load.ts';
import type { Bot } from './index.ts';

/** Days before the personal deadline the eval's clock stands by default (2023: 2023-08-01). */
export const EVAL_DAYS_BEFORE = 38;

/** The clock an item is asked at when neither it nor the run says: 9:00 Beijing time, 38 days before the edition's personal deadline. */
export function evalNow(k: Knowledge): string {
  const day = new Date(Date.parse(`${k.params.individualDeadline.value}T00:00:00Z`) - EVAL_DAYS_BEFORE * 86_400_000).toISOString().slice(0, 10);
  return `${day}T09:00:00+08:00`;
}

const instant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO-8601 instant');

export const evalItemSchema = z.strictObject({
  id: z.string(),
  q: z.string().optional(),
  turns: z.array(z.string()).min(1).optional(),
  all: z.array(z.array(z.string()).min(1)).optional(),
  none: z.array(z.string().min(1)).optional(),
  fallback: z.boolean().optional(),
  now: instant.optional(),
}).refine((i) => (i.q === undefined) !== (i.turns === undefined), 'give exactly one of q and turns');
export const evalFileSchema = z.array(evalItemSchema);
export type EvalItem = z.infer<typeof evalItemSchema>;

export interface EvalOutcome {
  item: EvalItem;
  pass: boolean;
  fallback: boolean;
  text: string;
  missing: string[][];
  /** `none` strings found in the reply. */
  unwanted: string[];
}

export function judge(item: EvalItem, text: string, fallback: boolean): EvalOutcome {
  const unwanted = (item.none ?? []).filter((s) => text.includes(s));
  if (item.fallback) return { item, pass: fallback && unwanted.length === 0, fallback, text, missing: [], unwanted };
  const missing = (item.all ?? []).filter((group) => !group.some((s) => text.includes(s)));
  return { item, pass: !fallback && missing.length === 0 && unwanted.length === 0, fallback, text, missing, unwanted };
}

/** The messages an item sends, in order. */
export function turnsOf(item: EvalItem): string[] {
  return item.turns ?? [item.q!];
}

/** Asks every item as a new, already greeted person; `now` is the run's clock (ISO). */
export async function runEval(bot: Pick<Bot, 'env'>, items: readonly EvalItem[], now?: string): Promise<EvalOutcome[]> {
  const out: EvalOutcome[] = [];
  now ??= evalNow(bot.env().knowledge);
  for (const item of items) {
    // The edition in force at the item's instant (a source that keeps one knowledge ignores it).
    const at = new Date(item.now ?? now);
    const env = { ...bot.env(at), now: at };
    let session = step(undefined, { kind: 'text', text: '你好' }, env).session;
    let last = null as ReturnType<typeof step> | null;
    for (const text of turnsOf(item)) {
      last = step(session, { kind: 'text', text }, env);
      session = last.session;
    }
    out.push(judge(item, last!.replies.map((x) => x.text).join('\n'), last!.fallback));
  }
  return out;
}

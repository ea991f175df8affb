/**
 * `npm run eval:qa -- FILE… [--min 0.95] [--now ISO] [--dict mini|full]`: the hit rate of each
 * question file (single questions and conversations), and each miss.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createBot } from '../bot/index.ts';
import { evalFileSchema, evalNow, runEval, turnsOf } from '../bot/eval.ts';

const { values, positionals } = parseArgs({ options: { min: { type: 'string' }, dict: { type: 'string' }, now: { type: 'string' } }, allowPositionals: true });
if (positionals.length === 0) {
  console.error('usage: npm run eval:qa -- FILE… [--min 0.95] [--now ISO-8601] [--dict mini|full]');
  process.exit(2);
}
if (values.now !== undefined && Number.isNaN(Date.parse(values.now))) {
  console.error(`eval:qa: --now: expected an ISO-8601 instant, got "${values.now}"`);
  process.exit(2);
}
const bot = await createBot({ dictionary: values.dict === 'full' ? 'full' : 'mini' });
// By default each question is asked inside the season of the edition in force today.
const now = values.now ?? evalNow(bot.env().knowledge);
let failed = false;
for (const file of positionals) {
  const parsed = evalFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    console.error(`eval:qa: ${file}: [${issue.path.join('.')}] ${issue.message}`);
    process.exit(2);
  }
  const outcomes = await runEval(bot, parsed.data, now);
  for (const o of outcomes.filter((x) => !x.pass)) {
    const why = o.item.fallback ? (o.fallback ? `said ${o.unwanted.join('|')}` : 'expected a fallback')
      : o.fallback ? 'fell back' : [o.missing.length ? `missing ${o.missing.map((g) => g.join('|')).join(', ')}` : '', o.unwanted.length ? `said ${o.unwanted.join('|')}` : ''].filter(Boolean).join('; ');
    console.log(`MISS ${o.item.id} ${turnsOf(o.item).join(' ⏎ ')}\n  ${why}\n  reply: ${o.text.replace(/\n/g, ' / ').slice(0, 240)}`);
  }
  const passed = outcomes.filter((o) => o.pass).length;
  const rate = passed / outcomes.length;
  console.log(`${file}: hit rate ${passed}/${outcomes.length} = ${(rate * 100).toFixed(1)}%`);
  if (values.min !== undefined && rate < Number(values.min)) failed = true;
}
await bot.close();
process.exit(failed ? 1 : 0);

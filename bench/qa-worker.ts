/**
 * One benchmark run in a fresh process (jieba loads one dictionary per process): cold start to
 * the first answer, then the dev questions repeated, timing each answer; prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createBot } from '../src/bot/index.ts';
import { evalFileSchema, runEval, turnsOf } from '../src/bot/eval.ts';

const dict = process.argv[2] === 'full' ? 'full' : 'mini';
const file = process.argv[3]!;
const repeats = Number(process.argv[4] ?? 100);

const bot = await createBot({ dictionary: dict, now: new Date('2023-08-01T09:00:00+08:00') });
await bot.handle('bench', { kind: 'text', text: '继续教育要多少学时' });
const coldStartMs = performance.now(); // since this process started
const rssAfterStartMB = process.memoryUsage().rss / 2 ** 20;

const items = evalFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
const outcomes = await runEval(bot, items);
const hitRate = outcomes.filter((o) => o.pass).length / outcomes.length;

const latencies: number[] = [];
const started = performance.now();
for (let r = 0; r < repeats; r++) {
  for (const item of items) {
    const t = performance.now();
    for (const text of turnsOf(item)) await bot.handle(`bench-${r % 50}`, { kind: 'text', text });
    latencies.push(performance.now() - t);
  }
}
const elapsed = performance.now() - started;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))]!;

console.log(JSON.stringify({
  dict,
  coldStartMs: round(coldStartMs),
  rssAfterStartMB: round(rssAfterStartMB),
  answers: latencies.length,
  answersPerSecond: round(latencies.length / (elapsed / 1000)),
  p50Ms: round(pct(0.5), 3),
  p99Ms: round(pct(0.99), 3),
  maxMs: round(latencies.at(-1)!, 3),
  peakRssMB: round(process.resourceUsage().maxRSS / 1024),
  hitRate: round(hitRate, 4),
}));

function round(x: number, digits = 1): number {
  return Number(x.toFixed(digits));
}

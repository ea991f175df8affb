/**
 * The office log's cost: 10,000 questions (the dev questions, with their reading's focus and
 * entry, from 500 users over 10 days) recorded into a fresh SQLite store, then read back and turned
 * into the console's report. Its size is what the store holds for them (the JSON of the records).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBot } from '../src/bot/index.ts';
import { evalFileSchema } from '../src/bot/eval.ts';
import { buildReport } from '../src/office/stats.ts';

export interface OfficeBench { records: number; storedKB: number; bytesPerRecord: number; sqliteFileKB: number; writeMsPerRecord: number; readMs: number; reportMs: number }

export async function runOfficeBench(questionsFile: string, n = 10_000): Promise<OfficeBench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'office-bench-'));
  const file = path.join(dir, 'bot.sqlite');
  const bot = await createBot({ storeUrl: `sqlite://${file}`, now: new Date('2023-08-01T09:00:00+08:00') });
  try {
    const texts = evalFileSchema.parse(JSON.parse(readFileSync(questionsFile, 'utf8'))).flatMap((i) => i.turns ?? [i.q!]);
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const at = new Date(Date.parse('2023-08-01T01:00:00Z') + (i % 10) * 86_400_000 + i * 1000);
      await bot.office.record(`web:user${i % 500}`, { type: 'question', qid: i.toString(16).padStart(12, '0'), text: texts[i % texts.length]!, focus: ['years', 'can-i'], entry: 'faq:bachelor-years', score: 0.873, fallback: i % 7 === 0 }, at);
    }
    await bot.office.flush();
    const writeMs = performance.now() - started;
    const t = performance.now();
    const records = await bot.office.read();
    const readMs = performance.now() - t;
    const r = performance.now();
    buildReport(records, { knowledge: bot.knowledge, index: bot.index, today: '2023-08-10' });
    const reportMs = performance.now() - r;
    const stored = Buffer.byteLength(JSON.stringify(records));
    return {
      records: records.length, storedKB: Math.round(stored / 1024), bytesPerRecord: Math.round(stored / records.length),
      sqliteFileKB: Math.round(statSync(file).size / 1024), writeMsPerRecord: Number((writeMs / n).toFixed(3)), readMs: Math.round(readMs), reportMs: Math.round(reportMs),
    };
  } finally {
    await bot.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

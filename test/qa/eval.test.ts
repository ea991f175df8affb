import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { evalFileSchema, judge, runEval } from '../../src/bot/eval.ts';

let bot: Bot;
beforeAll(async () => { bot = await createBot(); });

const root = path.resolve(import.meta.dirname, '../..');
/** The question sets and the hit rate each must keep. */
const SETS = [
  // The dev set shipped beside the project (../shared), as CI lays it out.
  { file: path.resolve(root, '../shared/eval/qa-dev.json'), min: 0.95 },
  // Written without seeing the knowledge base, to watch generalisation.
  { file: path.resolve(root, '../shared/eval/qa-dev-conversations.json'), min: 0.95 },
  { file: path.join(root, 'test/fixtures/qa-blind.json'), min: 0.9 },
  { file: path.join(root, 'test/fixtures/qa-extra.json'), min: 0.95 },
  // Written by helpers who saw only the notice: messages as people type them, and conversations
  // whose last reply is judged (test/fixtures/blind/README.md says how each set was made).
  ...([
    ['2-single', 0.92], ['2-conversations', 0.92], ['3-single', 0.92], ['3-conversations', 0.92],
    ['4-single', 0.9], ['4-conversations', 0.9], ['5-single', 0.9], ['5-conversations', 0.9], ['6-conversations', 0.85], ['7-offtopic', 0.72],
  ] as const).map(([set, min]) => ({ file: path.join(root, `test/fixtures/blind/qa-blind-${set}.json`), min })),
];

describe('question eval', () => {
  it.each(SETS)('keeps the hit rate of $file at or above $min', async ({ file, min }) => {
    expect(existsSync(file), `${file} is missing`).toBe(true);
    const items = evalFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    const outcomes = await runEval(bot, items);
    const misses = outcomes.filter((o) => !o.pass).map((o) => `${o.item.id} ${(o.item.q ?? o.item.turns!.join(' ⏎ '))}`);
    expect(1 - misses.length / items.length, misses.join('\n')).toBeGreaterThanOrEqual(min);
  });

  it('judges as the issue says: every fact group, and fallbacks both ways', () => {
    const item = { id: 'x', q: 'q', all: [['5年', '五年'], ['本科']] };
    expect(judge(item, '本科满五年', false).pass).toBe(true);
    expect(judge(item, '本科满五年', true).pass).toBe(false);
    expect(judge(item, '满5年', false).missing).toEqual([['本科']]);
    expect(judge({ id: 'y', q: 'q', fallback: true }, '', true).pass).toBe(true);
    expect(judge({ id: 'y', q: 'q', fallback: true }, '', false).pass).toBe(false);
  });

  it('flags an FAQ answer saying the notice is silent as a fallback, with the contact', async () => {
    const entry = bot.knowledge.faq.find((f) => f.notInNotice)!;
    await bot.handle('silent', { kind: 'text', text: '你好' });
    const r = await bot.handle('silent', { kind: 'text', text: entry.questions[0]! });
    expect(r.fallback).toBe(true);
    expect(r.replies[0]!.text).toContain(bot.knowledge.params.contact.value.phone);
  });
});

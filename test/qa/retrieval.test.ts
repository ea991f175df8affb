import { beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { answerQuestion, excerpt } from '../../src/qa/answer.ts';

let bot: Bot;
beforeAll(async () => { bot = await createBot({ now: new Date('2023-08-01T09:00:00+08:00') }); });

const ask = (q: string) => answerQuestion(q, bot.knowledge, bot.index);
const cites = (q: string): string[] => {
  const a = ask(q);
  return a.kind === 'answer' ? a.clauseIds : [];
};

describe('retrieval', () => {
  it('answers from the clause that holds the fact, with its citation', () => {
    expect(cites('继续教育要多少学时')).toContain('s3-3');
    expect(cites('纸质材料寄到哪里')).toContain('a3-1');
    expect(cites('照片宽高比是多少')).toContain('a1-2-1');
  });

  it('keeps numbers whole, so a number in the question finds its clause', () => {
    const a = ask('270学时是什么要求');
    expect(a.kind).toBe('answer');
    expect(a.kind === 'answer' && a.text).toContain('270');
  });

  it('does not answer a question whose subject the notice never names, whatever asking words it shares', () => {
    for (const q of ['停车场在哪', '厕所在哪里', '电梯在哪', 'where can I park']) expect(ask(q).kind, q).toBe('fallback');
    // The same asking words with a subject the notice names are answered.
    for (const q of ['纸质材料交到哪', '办公室在哪', '评审费在哪里交']) expect(ask(q).kind, q).toBe('answer');
  });

  it('reads Traditional characters', () => {
    expect(cites('繼續教育學時要多少')).toContain('s3-3');
  });

  it('repairs homophone typos', () => {
    const s = bot.index.search('证件找有什么要求');
    expect(s.terms).toContain('照片'); // 证件找 → 证件照 → the notice's 照片
    expect(bot.index.search('照骗尺寸').terms).toContain('照片');
    expect(bot.index.search('公式几天').terms).toContain('公示');
  });

  it('does not "repair" ordinary words into notice words', () => {
    expect(bot.index.search('帮我写一首诗').terms).not.toContain('以后');
    expect(ask('帮我写一首诗').kind).toBe('fallback');
  });

  it('falls back on questions the notice does not cover', () => {
    for (const q of ['正高级职称怎么评', '今天天气怎么样', '高级工程师要几年']) expect(ask(q).kind, q).toBe('fallback');
  });

  it('answers English questions', () => {
    const a = ask('What is the deadline for individual applications?');
    expect(a.kind).toBe('answer');
    expect(a.kind === 'answer' && a.text).toContain('9月8日');
  });

  it('finds each FAQ entry from each of its own phrasings', () => {
    const misses: string[] = [];
    for (const f of bot.knowledge.faq) {
      for (const q of f.questions) {
        const a = ask(q);
        if (a.kind !== 'answer' || a.source !== 'faq' || a.id !== f.id) {
          // Another entry that answers the same phrasing equally well is fine only if it cites the same clause.
          const same = a.kind === 'answer' && a.clauseIds.some((c) => f.clauses.includes(c));
          if (!same) misses.push(`${f.id}: ${q}`);
        }
      }
    }
    const total = bot.knowledge.faq.reduce((n, f) => n + f.questions.length, 0);
    expect(misses.length / total, misses.join('\n')).toBeLessThan(0.05);
  });
});

describe('excerpt', () => {
  it('returns a short clause whole and cuts a long one to the sentences that match', () => {
    expect(excerpt('短句。', ['x'])).toBe('短句。');
    const long = `${'无关内容。'.repeat(80)}照片宽高比0.65至0.8。${'其他内容。'.repeat(20)}`;
    const out = excerpt(long, ['照片']);
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out).toContain('照片宽高比0.65至0.8。');
  });
});

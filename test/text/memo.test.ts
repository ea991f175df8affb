import { describe, expect, it } from 'vitest';
import { memoize } from '../../src/text/memo.ts';
import { normalize } from '../../src/text/normalize.ts';

describe('memoize', () => {
  it('computes each text once while it is remembered', () => {
    let calls = 0;
    const m = memoize((s) => { calls++; return s.length; }, { entries: 10, chars: 1000 });
    expect([m('ab'), m('ab'), m('abc'), m('ab')]).toEqual([2, 2, 3, 2]);
    expect(calls).toBe(2);
  });

  it('remembers undefined results too', () => {
    let calls = 0;
    const m = memoize((s) => { calls++; return s === 'x' ? undefined : s; }, { entries: 10, chars: 1000 });
    m('x');
    m('x');
    expect(calls).toBe(1);
  });

  it('never holds more than its entries or its characters: a stream of new texts does not grow it', () => {
    const m = memoize((s) => s.toUpperCase(), { entries: 50, chars: 400 });
    for (let i = 0; i < 10_000; i++) {
      m(`text number ${i}`);
      expect(m.size.entries).toBeLessThanOrEqual(50);
      expect(m.size.chars).toBeLessThanOrEqual(400);
    }
    // A text longer than the whole budget is computed, not kept.
    expect(m('x'.repeat(500))).toBe('X'.repeat(500));
    expect(m.size.chars).toBeLessThanOrEqual(400);
  });

  it('gives the same results after starting afresh', () => {
    const m = memoize((s) => `${s}!`, { entries: 2, chars: 100 });
    const first = ['a', 'b', 'c', 'a', 'b', 'c'].map(m);
    expect(first).toEqual(['a!', 'b!', 'c!', 'a!', 'b!', 'c!']);
    m.clear();
    expect(m.size).toEqual({ entries: 0, chars: 0 });
  });
});

describe('normalize (remembered)', () => {
  it('gives the same result asked again, for any text', () => {
    const texts = ['繼續教育的公需課', '２７０学时　ＪＰＧ', '一式三份，五个工作日', '  多个   空格  '];
    const first = texts.map(normalize);
    expect(texts.map(normalize)).toEqual(first);
    expect(first).toEqual(['继续教育的公需课', '270学时 jpg', '一式3份,5个工作日', '多个 空格']);
  });
});

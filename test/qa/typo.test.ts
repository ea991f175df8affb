import fc from 'fast-check';
import Fuse from 'fuse.js';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { buildIndex } from '../../src/qa/search.ts';
import { nearSpellings, pinyinLoaded } from '../../src/qa/typo.ts';
import type { Segmenter } from '../../src/text/segmenter.ts';

const k = loadKnowledge();
const pairs: Segmenter = {
  cut: (text) => text.match(/[a-z0-9]+|\p{Script=Han}{1,2}/gu) ?? [],
  words: (text) => text.match(/[a-z0-9]+|\p{Script=Han}{1,2}|[^a-z0-9\p{Script=Han}]/gu) ?? [],
};

describe('typo repair', () => {
  // First in this file: nothing before has looked a word up by sound.
  it('loads pinyin-pro at the first word looked up by sound, not to build the index', () => {
    const index = buildIndex(k, pairs);
    expect(pinyinLoaded()).toBe(false);
    index.search('继续教育要多少学时');
    index.search('证件找有什么要求');
    expect(pinyinLoaded()).toBe(true);
  });

  it('finds what a fuse.js search of every word finds, scanning only the words that can match', () => {
    // Words of three to five characters from the FAQ's phrasings, and more made by changing one character.
    const han = k.faq.flatMap((f) => f.questions).join('').replace(/[^\p{Script=Han}]/gu, '');
    const seen = new Set<string>();
    for (let i = 0; i + 5 <= han.length && seen.size < 1500; i += 2) seen.add(han.slice(i, i + 3 + (i % 3)));
    const words = [...seen];
    const chars = [...new Set(han)];
    const fuse = new Fuse(words, { threshold: 0.34, includeScore: true, ignoreLocation: true });
    const near = nearSpellings(words);
    const misspelt = fc.tuple(fc.nat(words.length - 1), fc.nat(5), fc.nat(chars.length - 1), fc.constantFrom('replace', 'insert', 'drop', 'random'))
      .map(([w, at, c, how]) => {
        const cs = [...words[w]!];
        const i = at % cs.length;
        if (how === 'replace') cs[i] = chars[c]!;
        else if (how === 'insert') cs.splice(i, 0, chars[c]!);
        else if (how === 'drop') cs.splice(i, 1);
        else return Array.from({ length: 3 + (at % 4) }, (_, j) => chars[(c + j * 7919) % chars.length]!).join('');
        return cs.join('');
      })
      .filter((s) => s.length >= 3);
    let repaired = 0;
    fc.assert(fc.property(misspelt, (s) => {
      const expected = fuse.search(s, { limit: 3 }).find((r) => r.item.length === s.length)?.item;
      if (expected) repaired++;
      expect(near(s)).toBe(expected);
    }), { numRuns: 600 });
    expect(repaired).toBeGreaterThan(50);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wordList, type WordHit } from '../../src/text/words.ts';

/** The plain reading of wordList's contract: longest words first, each word's occurrences left to right, no overlaps. */
function reference(words: readonly string[], text: string): WordHit[] {
  const sorted = [...new Set(words.filter((w) => w.length > 0))].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const taken: boolean[] = [];
  const hits: WordHit[] = [];
  for (const word of sorted) {
    const starts: number[] = [];
    if (/^[\x00-\x7f]+$/.test(word)) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      const re = new RegExp(`(?<![a-z0-9])${escaped}(?![a-z0-9])`, 'g');
      for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
    } else {
      for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) starts.push(at);
    }
    for (const at of starts) {
      const end = at + word.length;
      if (taken.slice(at, end).some(Boolean)) continue;
      for (let k = at; k < end; k++) taken[k] = true;
      hits.push({ word, at, end });
    }
  }
  return hits.sort((a, b) => a.at - b.at);
}

describe('wordList', () => {
  it('finds Chinese words as substrings and ASCII words on word boundaries, longest first', () => {
    const list = wordList(['继续教育', '教育', 'no', 'hr']);
    expect(list.find('继续教育学时 no, know hr')).toEqual([
      { word: '继续教育', at: 0, end: 4 }, { word: 'no', at: 7, end: 9 }, { word: 'hr', at: 16, end: 18 },
    ]);
    expect(list.has('know')).toBe(false);
    expect(list.has('教育')).toBe(true);
  });

  it('agrees with the plain reading on any words and text', () => {
    const alphabet = fc.constantFrom('教', '育', '继', '续', '中', '级', 'a', 'b', 'n', 'o', ' ', '1', '-', '?');
    const word = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((cs) => cs.join(''));
    fc.assert(fc.property(fc.array(word, { maxLength: 12 }), fc.array(alphabet, { maxLength: 40 }).map((cs) => cs.join('')), (words, text) => {
      const list = wordList(words);
      const expected = reference(words, text);
      expect(list.find(text)).toEqual(expected);
      expect(list.has(text)).toBe(expected.length > 0);
    }), { numRuns: 2000 });
  });
});

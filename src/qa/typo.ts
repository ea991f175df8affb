/**
 * Typo repair. Chinese typing errors are mostly homophones picked from the pinyin input method
 * (证件找 for 证件照, 照骗 for 照片, 公式 for 公示). A word of the question that the knowledge
 * base does not know is looked up by sound, alone or joined with a neighbour: toneless pinyin
 * with the usual fuzzy-sound pairs folded (zh/z, ch/c, sh/s, n/l, -ng/-n), and it must share a
 * character with the known word it becomes. Known words are never touched. An unknown word of
 * three or more characters that sounds like nothing known is matched with fuse.js (one wrong
 * or missing character).
 */
import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';

const HAN = /^\p{Script=Han}+$/u;

/** An input method's fuzzy-sound folding of one toneless syllable. */
function foldSyllable(s: string): string {
  return s.replace(/^([zcs])h/, '$1').replace(/^l/, 'n').replace(/ng$/, 'n');
}

function syllables(word: string): string[] {
  return pinyin(word, { toneType: 'none', type: 'array' });
}

export interface TypoFixer {
  /** The words with sound-alike or near misspellings of known words replaced. */
  fixWords(words: readonly string[]): string[];
}

/**
 * `vocabulary`: the words the knowledge base uses, with how often (candidates for a repair; the
 * most frequent wins among sound-alikes); `isKnown`: whether a word needs no repair (known, or a
 * stop word).
 */
export function typoFixer(vocabulary: ReadonlyMap<string, number>, isKnown: (word: string) => boolean): TypoFixer {
  const candidates = [...vocabulary.keys()]
    .filter((w) => HAN.test(w) && w.length >= 2 && w.length <= 6)
    .sort((a, b) => vocabulary.get(b)! - vocabulary.get(a)!);
  // Exact sound first (公式 → 公示), then the fuzzy-folded sound (证件找 → 证件照).
  const exact = new Map<string, string>();
  const folded = new Map<string, string>();
  for (const word of candidates) {
    const s = syllables(word);
    const e = s.join(' ');
    const f = s.map(foldSyllable).join(' ');
    if (!exact.has(e)) exact.set(e, word);
    if (!folded.has(f)) folded.set(f, word);
  }
  const fuse = new Fuse(candidates.filter((w) => w.length >= 3), { threshold: 0.34, includeScore: true, ignoreLocation: true });
  const sharesCharacter = (a: string, b: string): boolean => [...a].some((ch) => b.includes(ch));
  const soundAlike = memo((s: string): string | undefined => {
    if (!HAN.test(s) || s.length < 2 || s.length > 6) return undefined;
    const syl = syllables(s);
    for (const word of [exact.get(syl.join(' ')), folded.get(syl.map(foldSyllable).join(' '))]) {
      if (word && word !== s && sharesCharacter(word, s)) return word;
    }
    return undefined;
  });
  // fuse.js scans every candidate: remember what a word was matched to.
  const nearSpelling = memo((s: string): string | undefined => {
    if (!HAN.test(s) || s.length < 3) return undefined;
    return fuse.search(s, { limit: 3 }).find((r) => r.item.length === s.length)?.item;
  });

  /**
   * Repairs the span prev + word + next (characters) around an unknown word: the longest
   * window of 2 to 4 characters that covers part of the unknown word and sounds like a known
   * word is replaced. Returns the repaired span, or undefined.
   */
  const repairSpan = (prev: string, word: string, next: string): string | undefined => {
    const span = prev + word + next;
    const from = prev.length;
    const to = from + word.length; // the unknown word is span[from, to)
    for (let n = Math.min(4, span.length); n >= 2; n--) {
      for (let i = Math.max(0, from - n + 1); i < to && i + n <= span.length; i++) {
        const fixed = soundAlike(span.slice(i, i + n));
        if (fixed) return span.slice(0, i) + fixed + span.slice(i + n);
      }
    }
    return undefined;
  };

  return {
    fixWords(words) {
      const out = [...words];
      for (let i = 0; i < out.length; i++) {
        const w = out[i]!;
        if (isKnown(w) || !HAN.test(w)) continue;
        const prev = i > 0 && HAN.test(out[i - 1]!) && !isKnown(out[i - 1]!) ? '' : (out[i - 1] ?? '');
        const next = out[i + 1] ?? '';
        const usePrev = HAN.test(prev) ? prev : '';
        const useNext = HAN.test(next) ? next : '';
        const fixed = repairSpan(usePrev, w, useNext);
        if (fixed !== undefined) {
          // Replace prev, word and next by the repaired span as one piece; it is segmented again later.
          out.splice(i - (usePrev ? 1 : 0), 1 + (usePrev ? 1 : 0) + (useNext ? 1 : 0), fixed);
          continue;
        }
        const near = nearSpelling(w);
        if (near) out[i] = near;
      }
      return out;
    },
  };
}

/** Remembers a pure function's results (at most `limit`, then starts afresh). */
function memo<T>(fn: (s: string) => T, limit = 10_000): (s: string) => T {
  const cache = new Map<string, T>();
  return (s) => {
    if (cache.has(s)) return cache.get(s)!;
    if (cache.size >= limit) cache.clear();
    const v = fn(s);
    cache.set(s, v);
    return v;
  };
}

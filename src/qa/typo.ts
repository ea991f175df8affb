/**
 * Typo repair. Chinese typing errors are mostly homophones picked from the pinyin input method
 * (证件找 for 证件照, 照骗 for 照片, 公式 for 公示). A word of the question that the knowledge
 * base does not know is looked up by sound, alone or joined with a neighbour: toneless pinyin
 * with the usual fuzzy-sound pairs folded (zh/z, ch/c, sh/s, n/l, -ng/-n), and it must share a
 * character with the known word it becomes. Known words are never touched. An unknown word of
 * three or more characters that sounds like nothing known is matched with fuse.js (one wrong
 * or missing character).
 *
 * pinyin-pro costs about 0.1 s and 20 MB to load: it is loaded the first time a word is looked
 * up by sound, and the known words' sounds are worked out then (or come with a cached index).
 */
import Fuse from 'fuse.js';
import { createRequire } from 'node:module';
import type { pinyin as Pinyin } from 'pinyin-pro';

const HAN = /^\p{Script=Han}+$/u;

/** fuse.js's threshold: a match may have errors up to this share of the word's length. */
const FUSE_THRESHOLD = 0.34;

let pinyin: typeof Pinyin | undefined;

function syllables(word: string): string[] {
  pinyin ??= (createRequire(import.meta.url)('pinyin-pro') as { pinyin: typeof Pinyin }).pinyin;
  return pinyin(word, { toneType: 'none', type: 'array' });
}

/** Whether pinyin-pro has been loaded in this process (for tests: it must not be at start). */
export function pinyinLoaded(): boolean {
  return pinyin !== undefined;
}

/** An input method's fuzzy-sound folding of one toneless syllable. */
function foldSyllable(s: string): string {
  return s.replace(/^([zcs])h/, '$1').replace(/^l/, 'n').replace(/ng$/, 'n');
}

export interface TypoFixer {
  /** The words with sound-alike or near misspellings of known words replaced. */
  fixWords(words: readonly string[]): string[];
}

/** Sound → the most frequent known word with it: exact toneless pinyin, and with fuzzy sounds folded. */
export interface Sounds {
  exact: [string, string][];
  folded: [string, string][];
}

/**
 * The words a misspelt word may be repaired into, most frequent first: the knowledge base's
 * Chinese words of two to six characters (`vocabulary`: each word with how often it is used).
 */
export function repairCandidates(vocabulary: ReadonlyMap<string, number>): string[] {
  return [...vocabulary.keys()]
    .filter((w) => HAN.test(w) && w.length >= 2 && w.length <= 6)
    .sort((a, b) => vocabulary.get(b)! - vocabulary.get(a)!);
}

/**
 * `candidates`: what a word may be repaired into, most frequent first (see `repairCandidates`;
 * the most frequent wins among sound-alikes); `isKnown`: whether a word needs no repair (known,
 * or a stop word); `sounds`: the candidates' sounds when known already (from a cached index);
 * `keepSounds` hears of them once worked out here (for the cache).
 */
export function typoFixer(candidates: readonly string[], isKnown: (word: string) => boolean, sounds?: Sounds, keepSounds?: (sounds: Sounds) => void): TypoFixer {
  // Exact sound first (公式 → 公示), then the fuzzy-folded sound (证件找 → 证件照).
  let table: { exact: Map<string, string>; folded: Map<string, string> } | undefined = sounds && { exact: new Map(sounds.exact), folded: new Map(sounds.folded) };
  const soundTable = () => {
    if (table) return table;
    const exact = new Map<string, string>();
    const folded = new Map<string, string>();
    for (const word of candidates) {
      const s = syllables(word);
      const e = s.join(' ');
      const f = s.map(foldSyllable).join(' ');
      if (!exact.has(e)) exact.set(e, word);
      if (!folded.has(f)) folded.set(f, word);
    }
    table = { exact, folded };
    keepSounds?.({ exact: [...exact], folded: [...folded] });
    return table;
  };
  const near = nearSpellings(candidates.filter((w) => w.length >= 3));
  const sharesCharacter = (a: string, b: string): boolean => [...a].some((ch) => b.includes(ch));
  const soundAlike = memo((s: string): string | undefined => {
    if (!HAN.test(s) || s.length < 2 || s.length > 6) return undefined;
    const syl = syllables(s);
    const { exact, folded } = soundTable();
    for (const word of [exact.get(syl.join(' ')), folded.get(syl.map(foldSyllable).join(' '))]) {
      if (word && word !== s && sharesCharacter(word, s)) return word;
    }
    return undefined;
  });
  // Remember what a word was matched to.
  const nearSpelling = memo((s: string): string | undefined => {
    if (!HAN.test(s) || s.length < 3) return undefined;
    return near(s);
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

/**
 * fuse.js's best match among `words` of the same length as the word asked (one of its three
 * best), as a search of all of them would give, but fuse.js scans only the words that can match:
 * a match with e errors keeps at least length − e of the word's characters, so a word is
 * scanned only when that many of the asked word's characters are in it. A fuse.js search of
 * every word costs about 1 ms per thousand words; this one a few dozen.
 */
export function nearSpellings(words: readonly string[]): (s: string) => string | undefined {
  const options = { threshold: FUSE_THRESHOLD, includeScore: true, ignoreLocation: true };
  let all: Fuse<string> | undefined;
  // Word indexes by character (UTF-16 unit, as fuse.js compares them; each word once per unit it has), made at the first look-up.
  let index: { byChar: Map<string, number[]>; shared: Int32Array } | undefined;
  const made = () => {
    if (index) return index;
    const byChar = new Map<string, number[]>();
    for (const [i, w] of words.entries()) {
      for (const ch of new Set(w.split(''))) {
        const list = byChar.get(ch);
        if (list) list.push(i);
        else byChar.set(ch, [i]);
      }
    }
    return (index = { byChar, shared: new Int32Array(words.length) });
  };
  return (s) => {
    // fuse.js cuts a word of more than 32 characters into pieces scored apart: then all are scanned.
    if (s.length > 32) return (all ??= new Fuse([...words], options)).search(s, { limit: 3 }).find((r) => r.item.length === s.length)?.item;
    const { byChar, shared } = made();
    let errors = 0;
    while ((errors + 1) / s.length <= FUSE_THRESHOLD) errors++;
    const touched: number[] = [];
    for (let k = 0; k < s.length; k++) {
      for (const i of byChar.get(s[k]!) ?? []) {
        if (shared[i] === 0) touched.push(i);
        shared[i]!++;
      }
    }
    // In the words' order, so fuse.js breaks ties as it would over all of them.
    const scanned = touched.filter((i) => shared[i]! >= s.length - errors).sort((a, b) => a - b).map((i) => words[i]!);
    for (const i of touched) shared[i] = 0;
    if (!scanned.length) return undefined;
    return new Fuse(scanned, options).search(s, { limit: 3 }).find((r) => r.item.length === s.length)?.item;
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

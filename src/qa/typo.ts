/**
 * Typo repair. Chinese typing errors are mostly homophones picked from the pinyin input method
 * (证件找 for 证件照, 照骗 for 照片, 公式 for 公示), so before segmentation every short run of
 * characters that is not a known word but sounds like one (toneless pinyin, with the usual
 * fuzzy-sound pairs zh/z, ch/c, sh/s, n/l, -ng/-n folded) and shares a character with it is
 * replaced by that word. After segmentation, an unknown word of three or more characters is
 * matched against the known words with fuse.js (one wrong or missing character).
 */
import Fuse from 'fuse.js';
import { pinyin } from 'pinyin-pro';

const HAN = /^\p{Script=Han}+$/u;
const HAN_RUN = /\p{Script=Han}+/gu;

/** An input method's fuzzy-sound folding of one toneless syllable. */
function foldSyllable(s: string): string {
  return s.replace(/^([zcs])h/, '$1').replace(/^l/, 'n').replace(/ng$/, 'n');
}

function soundKey(syllables: readonly string[]): string {
  return syllables.map(foldSyllable).join(' ');
}

function syllablesOf(text: string): string[] {
  return pinyin(text, { toneType: 'none', type: 'array' });
}

export interface TypoFixer {
  /** The text with sound-alike misspellings of known words replaced. */
  fixText(text: string): string;
  /** Terms with unknown long words replaced by the nearest known word of the same length. */
  fixTerms(terms: readonly string[]): string[];
}

/** `vocabulary`: the words the knowledge base knows (terms, synonyms, dictionary words). */
export function typoFixer(vocabulary: ReadonlySet<string>): TypoFixer {
  const words = [...vocabulary].filter((w) => HAN.test(w) && w.length >= 2 && w.length <= 6);
  const bySound = new Map<string, string>();
  for (const word of words) {
    const key = soundKey(syllablesOf(word));
    if (!bySound.has(key)) bySound.set(key, word);
  }
  const longWords = words.filter((w) => w.length >= 3);
  const fuse = new Fuse(longWords, { threshold: 0.34, includeScore: true, ignoreLocation: true });
  const known = (w: string): boolean => vocabulary.has(w);
  const sharesCharacter = (a: string, b: string): boolean => [...a].some((ch) => b.includes(ch));

  const fixRun = (run: string): string => {
    const syllables = syllablesOf(run);
    if (syllables.length !== run.length) return run;
    let out = '';
    let i = 0;
    while (i < run.length) {
      let replaced = false;
      // Longest window first, so 证件找 becomes 证件照 rather than a shorter fix inside it.
      for (let n = Math.min(4, run.length - i); n >= 2 && !replaced; n--) {
        const window = run.slice(i, i + n);
        if (known(window)) break;
        const word = bySound.get(soundKey(syllables.slice(i, i + n)));
        if (word && word !== window && sharesCharacter(word, window)) {
          out += word;
          i += n;
          replaced = true;
        }
      }
      if (!replaced) out += run[i++];
    }
    return out;
  };

  return {
    fixText: (text) => text.replace(HAN_RUN, fixRun),
    fixTerms: (terms) => terms.map((term) => {
      if (known(term) || term.length < 3 || !HAN.test(term)) return term;
      const best = fuse.search(term, { limit: 3 }).find((r) => r.item.length === term.length);
      return best?.item ?? term;
    }),
  };
}

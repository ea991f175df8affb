/**
 * From text to search terms: normalise (Simplified, half-width, digits), segment, drop stop
 * words and punctuation, fold English plurals, map colloquial words to the notice's terms.
 */
import type { Segmenter } from '../text/segmenter.ts';
import { normalize } from '../text/normalize.ts';

export interface TermRules {
  stopwords: ReadonlySet<string>;
  /** normalised variant → normalised canonical term */
  synonyms: ReadonlyMap<string, string>;
}

const MEANINGLESS = /^[\s\p{P}\p{S}]+$/u;

/** English words reduced to a crude stem so "documents" meets "document". */
function foldEnglish(word: string): string {
  if (!/^[a-z]+$/.test(word) || word.length <= 3) return word;
  if (word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Search terms of a text, in order, repeats kept (term frequency matters to scoring). */
export function terms(text: string, segmenter: Segmenter, rules: TermRules): string[] {
  const out: string[] = [];
  for (const raw of segmenter.cut(normalize(text))) {
    const word = foldEnglish(raw.trim());
    if (!word || MEANINGLESS.test(word) || rules.stopwords.has(word)) continue;
    out.push(rules.synonyms.get(word) ?? word);
  }
  return out;
}

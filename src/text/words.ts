/**
 * Finding listed words in a normalised text: Chinese words as substrings, ASCII words on word
 * boundaries ("no" is not inside "know"), longest first, without overlaps.
 */

export interface WordHit { word: string; at: number; end: number }

/** A compiled word list: `find` returns the non-overlapping hits, in text order. */
export interface WordList {
  readonly words: readonly string[];
  find(text: string): WordHit[];
  has(text: string): boolean;
}

const ASCII = /^[\x00-\x7f]+$/;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles words (already normalised) into a list that finds them longest first. */
export function wordList(words: readonly string[]): WordList {
  const sorted = [...new Set(words.filter((w) => w.length > 0))].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const patterns = sorted.map((w) => (ASCII.test(w) ? new RegExp(`(?<![a-z0-9])${escape(w)}(?![a-z0-9])`, 'g') : null));
  const find = (text: string): WordHit[] => {
    const taken: boolean[] = [];
    const hits: WordHit[] = [];
    sorted.forEach((word, i) => {
      const re = patterns[i];
      const starts: number[] = [];
      if (re) {
        re.lastIndex = 0;
        for (let m = re.exec(text); m; m = re.exec(text)) starts.push(m.index);
      } else {
        for (let at = text.indexOf(word); at >= 0; at = text.indexOf(word, at + 1)) starts.push(at);
      }
      for (const at of starts) {
        const end = at + word.length;
        let free = true;
        for (let k = at; k < end; k++) if (taken[k]) { free = false; break; }
        if (!free) continue;
        for (let k = at; k < end; k++) taken[k] = true;
        hits.push({ word, at, end });
      }
    });
    return hits.sort((a, b) => a.at - b.at);
  };
  return { words: sorted, find, has: (text) => find(text).length > 0 };
}

/** Word lists by label: `find` tells which label each hit belongs to. */
export interface LabelledList<L extends string> {
  find(text: string): (WordHit & { label: L })[];
}

export function labelledList<L extends string>(table: Readonly<Partial<Record<L, readonly string[]>>>): LabelledList<L> {
  const labelOf = new Map<string, L>();
  for (const [label, words] of Object.entries(table) as [L, string[]][]) {
    for (const w of words ?? []) if (!labelOf.has(w)) labelOf.set(w, label);
  }
  const list = wordList([...labelOf.keys()]);
  return { find: (text) => list.find(text).map((h) => ({ ...h, label: labelOf.get(h.word)! })) };
}

/**
 * The text with the hits of each list replaced by `fill(hit)` (a blank, a space, nothing), list by
 * list, except hits `keep` says stay. Later lists see the earlier lists' replacements.
 */
export function replaceWords(text: string, lists: readonly { find(text: string): WordHit[] }[], fill: (h: WordHit) => string, keep: (h: WordHit) => boolean = () => false): string {
  let t = text;
  for (const list of lists) {
    for (const h of list.find(t).reverse()) if (!keep(h)) t = t.slice(0, h.at) + fill(h) + t.slice(h.end);
  }
  return t;
}

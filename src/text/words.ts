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

/** Positions in a text are below this (2^32: far beyond any message), so rank × SLOT + position orders by rank, then position. */
const SLOT = 2 ** 32;

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Compiles words (already normalised) into a list that finds them longest first. */
export function wordList(words: readonly string[]): WordList {
  const sorted = [...new Set(words.filter((w) => w.length > 0))].sort((a, b) => b.length - a.length || a.localeCompare(b));
  const patterns = sorted.map((w) => (ASCII.test(w) ? new RegExp(`(?<![a-z0-9])${escape(w)}(?![a-z0-9])`, 'g') : null));
  // The words by their first character's code (ranks ascending): a text is scanned once instead of once per word.
  const byFirst = new Map<number, number[]>();
  // Which codes start a word, one bit each: most characters of a text start none, and this says so cheaper than the map.
  const starts = new Uint8Array(8192);
  sorted.forEach((w, rank) => {
    const code = w.charCodeAt(0);
    starts[code >> 3]! |= 1 << (code & 7);
    const list = byFirst.get(code);
    if (list) list.push(rank);
    else byFirst.set(code, [rank]);
  });

  /**
   * Where each word occurs, as rank × SLOT + at (so they sort by rank, then position): a Chinese
   * word at every position it starts at, an ASCII word where its pattern matches (on word
   * boundaries, one match after another). Null when none (most lists, most texts).
   */
  const occurrences = (text: string, firstOnly: boolean): number[] | null => {
    let found: number[] | null = null;
    let asciiSeen: number[] | null = null;
    for (let at = 0; at < text.length; at++) {
      const code = text.charCodeAt(at);
      if (!(starts[code >> 3]! & (1 << (code & 7)))) continue;
      for (const rank of byFirst.get(code)!) {
        if (!text.startsWith(sorted[rank]!, at)) continue;
        if (patterns[rank]) {
          if (!asciiSeen?.includes(rank)) (asciiSeen ??= []).push(rank);
        } else {
          (found ??= []).push(rank * SLOT + at);
          if (firstOnly) return found;
        }
      }
    }
    for (const rank of asciiSeen ?? []) {
      const re = patterns[rank]!;
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        (found ??= []).push(rank * SLOT + m.index);
        if (firstOnly) return found;
      }
    }
    return found;
  };

  const find = (text: string): WordHit[] => {
    const found = occurrences(text, false);
    if (!found) return [];
    // Longest words first (the order of `sorted`), each word's occurrences left to right; an
    // occurrence overlapping one taken before is skipped.
    found.sort((a, b) => a - b);
    const taken = new Uint8Array(text.length);
    const hits: WordHit[] = [];
    for (const code of found) {
      const word = sorted[Math.floor(code / SLOT)]!;
      const at = code % SLOT;
      const end = at + word.length;
      let free = true;
      for (let k = at; k < end; k++) if (taken[k]) { free = false; break; }
      if (!free) continue;
      taken.fill(1, at, end);
      hits.push({ word, at, end });
    }
    return hits.sort((a, b) => a.at - b.at);
  };
  // The first occurrence found is never overlapped (nothing is taken before it): any occurrence is a hit.
  return { words: sorted, find, has: (text) => occurrences(text, true) !== null };
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

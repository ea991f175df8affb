/**
 * Retrieval over the FAQ phrasings, the FAQ answers and the notice's clauses: an inverted index
 * with IDF weights. A document's similarity to a question combines how much of the question it
 * explains and how much of itself the question covers, both weighted by IDF, so scores lie in
 * 0…1 and one threshold can tell "the notice answers this" from "it does not".
 */
import type { Knowledge } from '../knowledge/load.ts';
import { normalize } from '../text/normalize.ts';
import type { Segmenter } from '../text/segmenter.ts';
import { terms, type TermRules } from './tokenize.ts';
import { typoFixer, type TypoFixer } from './typo.ts';

export type Hit =
  | { kind: 'faq'; id: string; score: number }
  | { kind: 'clause'; id: string; score: number };

interface Doc {
  kind: 'faq' | 'clause';
  ref: string;
  /** unique terms */
  terms: Set<string>;
  /** multiplier on this document's similarity (answers weigh less than phrasings) */
  weight: number;
}

export interface SearchResult {
  /** The question's search terms after typo repair. */
  terms: string[];
  /** Best FAQ entry and best clause, each with its similarity in 0…1. */
  faq?: Hit;
  clause?: Hit;
  /** Ranked FAQ entries (best first), for "related questions". */
  faqRanking: Hit[];
  /** An out-of-scope rule the question names, if any. */
  outOfScope?: string;
}

export interface SearchIndex {
  search(question: string): SearchResult;
  /** Terms known to the index (for tests and the typo repair). */
  vocabulary: ReadonlySet<string>;
}

/** How much an FAQ answer's match counts, relative to a phrasing's. */
const ANSWER_WEIGHT = 0.8;
/** β of the F-measure: question coverage counts β² times as much as document coverage. */
const BETA2 = 4;

export function buildIndex(k: Knowledge, segmenter: Segmenter): SearchIndex {
  const rules: TermRules = { stopwords: k.stopwords, synonyms: k.synonyms };
  const toTerms = (text: string): string[] => terms(text, segmenter, rules);

  const docs: Doc[] = [];
  for (const f of k.faq) {
    for (const q of f.questions) docs.push({ kind: 'faq', ref: f.id, terms: new Set(toTerms(q)), weight: 1 });
    docs.push({ kind: 'faq', ref: f.id, terms: new Set(toTerms(f.answer)), weight: ANSWER_WEIGHT });
  }
  for (const c of k.clauses) {
    docs.push({ kind: 'clause', ref: c.id, terms: new Set(toTerms(`${c.title} ${c.text} ${c.keywords.join(' ')}`)), weight: 1 });
  }

  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => {
    for (const t of d.terms) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  const n = docs.length;
  const idf = new Map<string, number>();
  for (const [t, list] of postings) idf.set(t, Math.log(1 + n / list.length));
  const maxIdf = Math.log(1 + n);
  const docMass = docs.map((d) => sum([...d.terms].map((t) => idf.get(t)!)));

  const vocabulary = new Set(postings.keys());
  const typoVocabulary = new Set([...vocabulary, ...k.synonyms.keys(), ...k.userWords]);
  const fixer: TypoFixer = typoFixer(typoVocabulary);
  const outOfScope = k.outOfScope.map((r) => ({ id: r.id, terms: r.terms.map(normalize) }));

  return {
    vocabulary,
    search(question) {
      const fixed = fixer.fixTerms(toTerms(fixer.fixText(normalize(question)))).map((t) => k.synonyms.get(t) ?? t);
      const unique = [...new Set(fixed)];
      // An unknown word weighs like a rare one: a question mostly about something else scores low.
      const weightOf = (t: string): number => idf.get(t) ?? maxIdf;
      const queryMass = sum(unique.map(weightOf));

      const matched = new Map<number, number>();
      for (const t of unique) {
        const w = idf.get(t);
        if (w === undefined) continue;
        for (const d of postings.get(t)!) matched.set(d, (matched.get(d) ?? 0) + w);
      }
      const bestByRef = new Map<string, Hit>();
      for (const [d, mass] of matched) {
        const doc = docs[d]!;
        const cq = mass / queryMass;
        const cd = mass / docMass[d]!;
        // Clauses are long: only how much of the question they explain counts.
        const sim = doc.kind === 'clause' ? cq : ((1 + BETA2) * cq * cd) / (BETA2 * cd + cq);
        const score = sim * doc.weight;
        const key = `${doc.kind}:${doc.ref}`;
        if ((bestByRef.get(key)?.score ?? -1) < score) bestByRef.set(key, { kind: doc.kind, id: doc.ref, score });
      }
      const ranked = [...bestByRef.values()].sort((a, b) => b.score - a.score);
      const normalized = normalize(question);
      return {
        terms: fixed,
        faq: ranked.find((h) => h.kind === 'faq'),
        clause: ranked.find((h) => h.kind === 'clause'),
        faqRanking: ranked.filter((h) => h.kind === 'faq'),
        outOfScope: outOfScope.find((r) => r.terms.some((t) => normalized.includes(t)))?.id,
      };
    },
  };
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

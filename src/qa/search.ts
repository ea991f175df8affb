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
  /** The out-of-scope example most like the question (knowledge/out-of-scope-examples.yaml), scored like an FAQ phrasing. */
  nearestOutOfScope?: { kind: string; text: string; score: number };
  /** The share of the question's weight in words only out-of-scope examples use (酒店, 馆子, 天气): the notice never does. */
  outOfScopeOnly: number;
}

export interface SearchIndex {
  search(question: string): SearchResult;
  /** Terms known to the index (for tests and the typo repair). */
  vocabulary: ReadonlySet<string>;
  /** A text's whole words, as the index segments it. */
  words(text: string): string[];
}

/** How many of the latest search results are kept for the same text asked again (more costs peak memory; see npm run bench). */
const RECENT_SEARCHES = 1;

/** How much an FAQ answer's match counts, relative to a phrasing's. */
const ANSWER_WEIGHT = 0.8;
/** β of the F-measure: question coverage counts β² times as much as document coverage. */
const BETA2 = 4;
/** Tuning knobs, exported for the tuning script: see bench/tune.ts. */
export const SCORING = {
  /** Weight of an unknown word, as a share of the rarest known word's IDF. */
  unknownWeight: 0.5,
  /** Share of an FAQ entry's score that comes from the whole entry's coverage of the question. */
  entryBlend: 0.4,
  /** Weight multiplier of the notice's own terms. */
  domainBoost: 1.5,
  /** How much an out-of-scope example asking another thing (its focus) counts. */
  otherFocus: 0.8,
};

export function buildIndex(k: Knowledge, segmenter: Segmenter): SearchIndex {
  const rules: TermRules = { stopwords: k.stopwords, synonyms: k.synonyms };
  const toTerms = (text: string): string[] => terms(text, segmenter, rules);

  // Documents: each FAQ phrasing, each FAQ answer, each clause. IDF is counted over units (an
  // FAQ entry with all its phrasings, or a clause), so a topic asked about in many phrasings
  // does not make its own words look common.
  const docs: Doc[] = [];
  const unitTerms: Set<string>[] = [];
  for (const f of k.faq) {
    const unit = new Set<string>();
    for (const q of f.questions) docs.push({ kind: 'faq', ref: f.id, terms: collect(toTerms(q), unit), weight: 1 });
    docs.push({ kind: 'faq', ref: f.id, terms: collect(toTerms(f.answer), unit), weight: ANSWER_WEIGHT });
    // The English answer says the same in the words an English question uses.
    if (f.answerEn) docs.push({ kind: 'faq', ref: f.id, terms: collect(toTerms(f.answerEn), unit), weight: ANSWER_WEIGHT });
    unitTerms.push(unit);
  }
  for (const c of k.clauses) {
    const unit = new Set(toTerms(`${c.title} ${c.text} ${c.keywords.join(' ')}`));
    docs.push({ kind: 'clause', ref: c.id, terms: unit, weight: 1 });
    unitTerms.push(unit);
  }

  const postings = postingsOf(docs);
  const unitCount = new Map<string, number>();
  for (const unit of unitTerms) for (const t of unit) unitCount.set(t, (unitCount.get(t) ?? 0) + 1);
  const n = unitTerms.length;
  // The notice's own terms (clause keywords, dictionary words, synonym targets) say more about
  // what a question is about than general words such as 后果 or 时间, however rare those are.
  const domain = new Set([...k.clauses.flatMap((c) => c.keywords), ...k.userWords, ...k.synonyms.values()].flatMap(toTerms));
  const idf = new Map<string, number>();
  for (const [t, count] of unitCount) idf.set(t, Math.log(1 + n / count) * (domain.has(t) ? SCORING.domainBoost : 1));
  const maxIdf = Math.log(1 + n);
  const docMass = docs.map((d) => sum([...d.terms].map((t) => idf.get(t)!)));

  const vocabulary = new Set(postings.keys());
  // Out-of-scope examples: scored with the same weights, in their own postings, so they never
  // change how the notice's own documents are weighed.
  // Each example's focus: an example asking another thing ("软件著作权怎么登记") is less like a
  // question about the notice's number ("软件著作权要几个才算") than its words say.
  const focusOf = (text: string) => new Set(k.lexicon.focus.find(normalize(text)).map((h) => h.label));
  const oosDocs = k.outOfScopeExamples.map((e) => ({ ...e, terms: new Set(toTerms(e.text)), focus: focusOf(e.text) }));
  const oosPostings = postingsOf(oosDocs);
  const oosVocabulary = new Set(oosPostings.keys());
  const fixer: TypoFixer = typoFixer(wordFrequencies(k, segmenter), (w) => k.stopwords.has(w) || toTerms(w).every((t) => vocabulary.has(t) || oosVocabulary.has(t)));
  const outOfScope = k.outOfScope.map((r) => ({ id: r.id, terms: r.terms.map(normalize) }));
  const recent = new Map<string, SearchResult>();

  return {
    vocabulary,
    words: (text) => segmenter.words(normalize(text)),
    search(question) {
      // A follow-up is weighed by the plain answer and by the entries near the last subject, both
      // searching the same text at once: the latest result is kept for that.
      const hit = recent.get(question);
      if (hit) return hit;
      const result = searchOnce(question);
      if (recent.size >= RECENT_SEARCHES) recent.delete(recent.keys().next().value!);
      recent.set(question, result);
      return result;
    },
  };

  function searchOnce(question: string): SearchResult {
    const normalized = normalize(question);
    const words = segmenter.words(normalized);
    const fixed = toTerms(fixer.fixWords(words).join(''));
    // A term names the question's topic when it is one of its words; a long term (three or
    // more characters) also inside a word. So 员工资料 does not name 工资.
    const wordSet = new Set(words);
    const namesTerm = (t: string): boolean => wordSet.has(t) || (t.length >= 3 && normalized.includes(t));
    const unique = [...new Set(fixed)];
    // An unknown word weighs like a rare one: a question mostly about something else scores low.
    const weightOf = (t: string): number => idf.get(t) ?? SCORING.unknownWeight * maxIdf;
    const queryMass = sum(unique.map(weightOf));

    const matched = new Map<number, number>();
    const unitMatched = new Map<string, number>();
    for (const t of unique) {
      const w = idf.get(t);
      if (w === undefined) continue;
      const seen = new Set<string>();
      for (const d of postings.get(t)!) {
        matched.set(d, (matched.get(d) ?? 0) + w);
        const ref = `${docs[d]!.kind}:${docs[d]!.ref}`;
        if (!seen.has(ref)) { seen.add(ref); unitMatched.set(ref, (unitMatched.get(ref) ?? 0) + w); }
      }
    }
    const bestByRef = new Map<string, Hit>();
    for (const [d, mass] of matched) {
      const doc = docs[d]!;
      const key = `${doc.kind}:${doc.ref}`;
      const cq = mass / queryMass;
      const cd = mass / docMass[d]!;
      let score: number;
      if (doc.kind === 'clause') {
        // Clauses are long: only how much of the question they explain counts.
        score = cq;
      } else {
        // The best phrasing (F-measure leaning on question coverage), blended with how much of
        // the question the entry as a whole (all phrasings and the answer) covers.
        const f = (((1 + BETA2) * cq * cd) / (BETA2 * cd + cq)) * doc.weight;
        score = (1 - SCORING.entryBlend) * f + SCORING.entryBlend * (unitMatched.get(key)! / queryMass);
      }
      if ((bestByRef.get(key)?.score ?? -1) < score) bestByRef.set(key, { kind: doc.kind, id: doc.ref, score });
    }
    const ranked = [...bestByRef.values()].sort((a, b) => b.score - a.score);
    // The nearest out-of-scope example, by the same F-measure as a phrasing.
    const oosMatched = new Map<number, number>();
    for (const t of unique) {
      const list = oosPostings.get(t);
      if (!list) continue;
      const w = weightOf(t);
      for (const d of list) oosMatched.set(d, (oosMatched.get(d) ?? 0) + w);
    }
    let nearestOutOfScope: SearchResult['nearestOutOfScope'];
    const asked = focusOf(normalized);
    for (const [d, mass] of oosMatched) {
      const doc = oosDocs[d]!;
      const docMassOos = sum([...doc.terms].map(weightOf));
      const cq = mass / queryMass;
      const cd = mass / docMassOos;
      const otherFocus = asked.size > 0 && doc.focus.size > 0 && ![...asked].some((f) => doc.focus.has(f));
      const score = (((1 + BETA2) * cq * cd) / (BETA2 * cd + cq)) * (otherFocus ? SCORING.otherFocus : 1);
      if (!nearestOutOfScope || score > nearestOutOfScope.score) nearestOutOfScope = { kind: doc.kind, text: doc.text, score };
    }
    return {
      terms: fixed,
      faq: ranked.find((h) => h.kind === 'faq'),
      clause: ranked.find((h) => h.kind === 'clause'),
      faqRanking: ranked.filter((h) => h.kind === 'faq'),
      outOfScope: outOfScope.find((r) => r.terms.some((t) => namesTerm(t)))?.id,
      nearestOutOfScope,
      outOfScopeOnly: sum(unique.filter((t) => !idf.has(t) && oosVocabulary.has(t)).map(weightOf)) / (queryMass || 1),
    };
  }
}

/** Which documents hold each term: term → document indexes, in order. */
function postingsOf(docs: readonly { terms: ReadonlySet<string> }[]): Map<string, number[]> {
  const postings = new Map<string, number[]>();
  docs.forEach((d, i) => {
    for (const t of d.terms) {
      const list = postings.get(t);
      if (list) list.push(i);
      else postings.set(t, [i]);
    }
  });
  return postings;
}

/**
 * Whole words of the knowledge base (plain segmentation, not search fragments) with their
 * frequency, plus the dictionary's own terms: what a misspelt word may be repaired into.
 */
function wordFrequencies(k: Knowledge, segmenter: Segmenter): Map<string, number> {
  const freq = new Map<string, number>();
  const add = (w: string, n = 1) => freq.set(w, (freq.get(w) ?? 0) + n);
  const texts = [...k.clauses.flatMap((c) => [c.text, ...c.keywords]), ...k.faq.flatMap((f) => [...f.questions, f.answer])];
  for (const text of texts) for (const w of segmenter.words(normalize(text))) add(w);
  for (const w of [...k.userWords, ...k.synonyms.keys(), ...k.synonyms.values()]) add(w, 1);
  return freq;
}

/** Adds the terms to `unit` and returns them as a set. */
function collect(terms: string[], unit: Set<string>): Set<string> {
  for (const t of terms) unit.add(t);
  return new Set(terms);
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

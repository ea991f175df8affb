/**
 * Retrieval over the FAQ phrasings, the FAQ answers and the notice's clauses: an inverted index
 * with IDF weights. A document's similarity to a question combines how much of the question it
 * explains and how much of itself the question covers, both weighted by IDF, so scores lie in
 * 0…1 and one threshold can tell "the notice answers this" from "it does not".
 *
 * Terms, documents and units (an FAQ entry with all its documents, or a clause) are numbered:
 * a search adds weights into typed arrays, with no string built or looked up per posting.
 * What building works out is plain data (`IndexData`), which an index cache keeps (index-cache.ts).
 */
import type { Knowledge } from '../knowledge/load.ts';
import { memoize } from '../text/memo.ts';
import { normalize } from '../text/normalize.ts';
import type { Segmenter } from '../text/segmenter.ts';
import { cached, codeVersion, hashOf, type IndexCacheOptions } from './index-cache.ts';
import { terms, type TermRules } from './tokenize.ts';
import { repairCandidates, typoFixer, type Sounds, type TypoFixer } from './typo.ts';

export type Hit =
  | { kind: 'faq'; id: string; score: number }
  | { kind: 'clause'; id: string; score: number };

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

/**
 * What building an index works out from the knowledge and the segmenter, as plain data (JSON
 * keeps it exactly). Documents are each FAQ phrasing, each FAQ answer (Chinese and English) and
 * each clause; units are the FAQ entries, then the clauses.
 */
export interface IndexData {
  /** Term id → term, in order of first use by a document. */
  terms: string[];
  /** IDF by term id (domain terms boosted). */
  idf: number[];
  /** ln(1 + number of units): the rarest term's IDF without the boost. */
  maxIdf: number;
  /** The documents of term t: postingDocs[postingStart[t] … postingStart[t + 1]), in order. */
  postingStart: number[];
  postingDocs: number[];
  /** The units of term t, each once, in order of its documents: unitDocs[unitStart[t] … unitStart[t + 1]). */
  unitStart: number[];
  unitDocs: number[];
  /** By document: its unit, its weight (answers weigh less than phrasings), its IDF mass. */
  docUnit: number[];
  docWeight: number[];
  docMass: number[];
  /** By unit: kind and id. */
  unitKind: ('faq' | 'clause')[];
  unitRef: string[];
  /** Each out-of-scope example's terms, each once, in order. */
  outOfScopeTerms: string[][];
  /** What a misspelt word may be repaired into, most frequent first. */
  repair: string[];
  /** The repair candidates' sounds, once worked out (pinyin-pro is loaded only for them). */
  sounds?: Sounds;
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

/** Per-index memory of segmentations and of "is this word known" (pure for one index). */
const TEXT_MEMO = { entries: 4096, chars: 256 * 1024 };

/**
 * The search index of the knowledge. With jieba (a segmenter that has a fingerprint) the
 * built data comes from the index cache when it holds it for this knowledge, dictionary and
 * code, and is written there when not (see index-cache.ts; `cache: false` builds it here).
 */
export function buildIndex(k: Knowledge, segmenter: Segmenter, cache?: IndexCacheOptions | false): SearchIndex {
  const code = codeVersion();
  if (cache === false || !segmenter.fingerprint || code === null) return indexFrom(compileIndex(k, segmenter), k, segmenter);
  const key = hashOf([indexInputs(k), segmenter.fingerprint(), code]);
  const entry = cached('search-index', key, () => compileIndex(k, segmenter), cache);
  // The repair candidates' sounds are worked out at the first misspelling: kept too, for the next start.
  return indexFrom(entry.value, k, segmenter, entry.value.sounds ? undefined : (sounds) => entry.update({ ...entry.value, sounds }));
}

/** Everything `compileIndex` reads of the knowledge, as one text (for the cache's key). */
export function indexInputs(k: Knowledge): string {
  return JSON.stringify([
    k.faq.map((f) => [f.id, f.questions, f.answer, f.answerEn ?? null]),
    k.clauses.map((c) => [c.id, c.title, c.text, c.keywords]),
    [...k.stopwords], [...k.synonyms], k.userWords, k.outOfScopeExamples.map((e) => e.text),
    SCORING.domainBoost,
  ]);
}

/** Works out the index's data: documents, terms, IDF, postings, repair candidates. */
export function compileIndex(k: Knowledge, segmenter: Segmenter): IndexData {
  const rules: TermRules = { stopwords: k.stopwords, synonyms: k.synonyms };
  const toTerms = (text: string): string[] => terms(text, segmenter, rules);

  // Documents: each FAQ phrasing, each FAQ answer, each clause. IDF is counted over units (an
  // FAQ entry with all its phrasings, or a clause), so a topic asked about in many phrasings
  // does not make its own words look common.
  const docs: { unit: number; terms: Set<string>; weight: number }[] = [];
  const unitTerms: Set<string>[] = [];
  const unitKind: IndexData['unitKind'] = [];
  const unitRef: string[] = [];
  for (const f of k.faq) {
    const unit = new Set<string>();
    const u = unitTerms.length;
    for (const q of f.questions) docs.push({ unit: u, terms: collect(toTerms(q), unit), weight: 1 });
    docs.push({ unit: u, terms: collect(toTerms(f.answer), unit), weight: ANSWER_WEIGHT });
    // The English answer says the same in the words an English question uses.
    if (f.answerEn) docs.push({ unit: u, terms: collect(toTerms(f.answerEn), unit), weight: ANSWER_WEIGHT });
    unitTerms.push(unit);
    unitKind.push('faq');
    unitRef.push(f.id);
  }
  for (const c of k.clauses) {
    const unit = new Set(toTerms(`${c.title} ${c.text} ${c.keywords.join(' ')}`));
    docs.push({ unit: unitTerms.length, terms: unit, weight: 1 });
    unitTerms.push(unit);
    unitKind.push('clause');
    unitRef.push(c.id);
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

  const data: IndexData = {
    terms: [...postings.keys()], idf: [], maxIdf: Math.log(1 + n), postingStart: [0], postingDocs: [], unitStart: [0], unitDocs: [],
    docUnit: docs.map((d) => d.unit), docWeight: docs.map((d) => d.weight), docMass: docs.map((d) => sum([...d.terms].map((t) => idf.get(t)!))),
    unitKind, unitRef,
    outOfScopeTerms: k.outOfScopeExamples.map((e) => [...new Set(toTerms(e.text))]),
    repair: repairCandidates(wordFrequencies(k, segmenter)),
  };
  for (const [t, list] of postings) {
    data.idf.push(idf.get(t)!);
    data.postingDocs.push(...list);
    data.postingStart.push(data.postingDocs.length);
    const seen = new Set<number>();
    for (const d of list) {
      const u = docs[d]!.unit;
      if (!seen.has(u)) { seen.add(u); data.unitDocs.push(u); }
    }
    data.unitStart.push(data.unitDocs.length);
  }
  return data;
}

/** The search index over built data; `keepSounds` hears of the repair candidates' sounds once worked out. */
export function indexFrom(data: IndexData, k: Knowledge, segmenter: Segmenter, keepSounds?: (sounds: Sounds) => void): SearchIndex {
  const rules: TermRules = { stopwords: k.stopwords, synonyms: k.synonyms };
  const toTerms = (text: string): string[] => terms(text, segmenter, rules);
  const termId = new Map(data.terms.map((t, i) => [t, i]));
  const idf = Float64Array.from(data.idf);
  const { maxIdf } = data;
  const postingStart = Int32Array.from(data.postingStart);
  const postingDocs = Int32Array.from(data.postingDocs);
  const unitStart = Int32Array.from(data.unitStart);
  const unitDocs = Int32Array.from(data.unitDocs);
  const docUnit = Int32Array.from(data.docUnit);
  const docWeight = Float64Array.from(data.docWeight);
  const docMass = Float64Array.from(data.docMass);
  const units = data.unitKind.length;
  const isClause = Uint8Array.from(data.unitKind, (kind) => (kind === 'clause' ? 1 : 0));

  // A search's working arrays, reused: an entry counts only when stamped with the search's number.
  const docs = docUnit.length;
  const matched = new Float64Array(docs);
  const docStamp = new Int32Array(docs);
  const touched = new Int32Array(docs);
  const unitMatched = new Float64Array(units);
  const unitStamp = new Int32Array(units);
  const best = new Float64Array(units);
  const bestStamp = new Int32Array(units);
  const order = new Int32Array(units);
  let stamp = 0;

  const vocabulary: ReadonlySet<string> = new Set(data.terms);
  // Out-of-scope examples: scored with the same weights, in their own postings, so they never
  // change how the notice's own documents are weighed.
  // Each example's focus: an example asking another thing ("软件著作权怎么登记") is less like a
  // question about the notice's number ("软件著作权要几个才算") than its words say.
  const focusOf = (text: string) => new Set(k.lexicon.focus.find(normalize(text)).map((h) => h.label));
  const oosDocs = k.outOfScopeExamples.map((e, i) => ({ ...e, terms: data.outOfScopeTerms[i]!, focus: undefined as Set<string> | undefined }));
  const oosPostings = new Map<string, number[]>();
  oosDocs.forEach((d, i) => {
    for (const t of d.terms) {
      const list = oosPostings.get(t);
      if (list) list.push(i);
      else oosPostings.set(t, [i]);
    }
  });
  const oosMatched = new Float64Array(oosDocs.length);
  const oosStamp = new Int32Array(oosDocs.length);
  const oosTouched = new Int32Array(oosDocs.length);
  // An example's IDF mass depends on the unknown-word weight (a tuning knob): kept for the weight it was worked out with.
  let oosMass: { unknownWeight: number; mass: Float64Array } | undefined;

  const wordsOf = memoize((normalized: string) => segmenter.words(normalized), TEXT_MEMO);
  const isKnown = memoize((w: string) => k.stopwords.has(w) || toTerms(w).every((t) => termId.has(t) || oosPostings.has(t)), TEXT_MEMO);
  const fixer: TypoFixer = typoFixer(data.repair, isKnown, data.sounds, keepSounds);
  const outOfScope = k.outOfScope.map((r) => ({ id: r.id, terms: r.terms.map(normalize) }));
  const recent = new Map<string, SearchResult>();

  return {
    vocabulary,
    words: (text) => [...wordsOf(normalize(text))],
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
    const words = wordsOf(normalized);
    const fixed = toTerms(fixer.fixWords(words).join(''));
    // A term names the question's topic when it is one of its words; a long term (three or
    // more characters) also inside a word. So 员工资料 does not name 工资.
    const wordSet = new Set(words);
    const namesTerm = (t: string): boolean => wordSet.has(t) || (t.length >= 3 && normalized.includes(t));
    const unique = [...new Set(fixed)];
    const ids = unique.map((t) => termId.get(t));
    // An unknown word weighs like a rare one: a question mostly about something else scores low.
    const unknownWeight = SCORING.unknownWeight * maxIdf;
    const weights = ids.map((id) => (id === undefined ? unknownWeight : idf[id]!));
    const queryMass = sum(weights);
    stamp++;

    // Each document's and each unit's matched mass; documents in the order first matched.
    let nTouched = 0;
    ids.forEach((id, j) => {
      if (id === undefined) return;
      const w = weights[j]!;
      for (let p = postingStart[id]!, end = postingStart[id + 1]!; p < end; p++) {
        const d = postingDocs[p]!;
        if (docStamp[d] !== stamp) { docStamp[d] = stamp; matched[d] = 0; touched[nTouched++] = d; }
        matched[d] = matched[d]! + w;
      }
      for (let p = unitStart[id]!, end = unitStart[id + 1]!; p < end; p++) {
        const u = unitDocs[p]!;
        if (unitStamp[u] !== stamp) { unitStamp[u] = stamp; unitMatched[u] = 0; }
        unitMatched[u] = unitMatched[u]! + w;
      }
    });
    // Each unit's best document, units in the order first matched (ties keep that order).
    let nUnits = 0;
    const entryBlend = SCORING.entryBlend;
    for (let i = 0; i < nTouched; i++) {
      const d = touched[i]!;
      const u = docUnit[d]!;
      const mass = matched[d]!;
      const cq = mass / queryMass;
      const cd = mass / docMass[d]!;
      let score: number;
      if (isClause[u]) {
        // Clauses are long: only how much of the question they explain counts.
        score = cq;
      } else {
        // The best phrasing (F-measure leaning on question coverage), blended with how much of
        // the question the entry as a whole (all phrasings and the answer) covers.
        const f = (((1 + BETA2) * cq * cd) / (BETA2 * cd + cq)) * docWeight[d]!;
        score = (1 - entryBlend) * f + entryBlend * (unitMatched[u]! / queryMass);
      }
      if (bestStamp[u] !== stamp) {
        if (!(score > -1)) continue;
        bestStamp[u] = stamp;
        best[u] = score;
        order[nUnits++] = u;
      } else if (best[u]! < score) best[u] = score;
    }
    // The best FAQ entry and the best clause (the first of equals); the FAQ ranking is sorted when first asked for.
    let faq: Hit | undefined;
    let faqUnit = -1;
    let clause: Hit | undefined;
    const faqUnits: number[] = [];
    const faqScores: number[] = [];
    for (let i = 0; i < nUnits; i++) {
      const u = order[i]!;
      const score = best[u]!;
      if (isClause[u]) {
        if (!clause || score > clause.score) clause = { kind: 'clause', id: data.unitRef[u]!, score };
        continue;
      }
      faqUnits.push(u);
      faqScores.push(score);
      if (!faq || score > faq.score) { faq = { kind: 'faq', id: data.unitRef[u]!, score }; faqUnit = u; }
    }
    let faqRanking: Hit[] | undefined;
    const ranking = (): Hit[] => {
      faqRanking ??= faqUnits
        .map((u, i): Hit => (u === faqUnit ? faq! : { kind: 'faq', id: data.unitRef[u]!, score: faqScores[i]! }))
        .sort((a, b) => b.score - a.score);
      return faqRanking;
    };

    // The nearest out-of-scope example, by the same F-measure as a phrasing.
    let nOos = 0;
    unique.forEach((t, j) => {
      const list = oosPostings.get(t);
      if (!list) return;
      const w = weights[j]!;
      for (const d of list) {
        if (oosStamp[d] !== stamp) { oosStamp[d] = stamp; oosMatched[d] = 0; oosTouched[nOos++] = d; }
        oosMatched[d] = oosMatched[d]! + w;
      }
    });
    let nearestOutOfScope: SearchResult['nearestOutOfScope'];
    if (nOos > 0) {
      const asked = focusOf(normalized);
      const weightOf = (t: string): number => { const id = termId.get(t); return id === undefined ? unknownWeight : idf[id]!; };
      if (oosMass?.unknownWeight !== unknownWeight) oosMass = { unknownWeight, mass: Float64Array.from(oosDocs, (d) => sum(d.terms.map(weightOf))) };
      for (let i = 0; i < nOos; i++) {
        const d = oosTouched[i]!;
        const doc = oosDocs[d]!;
        const mass = oosMatched[d]!;
        const cq = mass / queryMass;
        const cd = mass / oosMass.mass[d]!;
        const focus = (doc.focus ??= focusOf(doc.text));
        const otherFocus = asked.size > 0 && focus.size > 0 && ![...asked].some((f) => focus.has(f));
        const score = (((1 + BETA2) * cq * cd) / (BETA2 * cd + cq)) * (otherFocus ? SCORING.otherFocus : 1);
        if (!nearestOutOfScope || score > nearestOutOfScope.score) nearestOutOfScope = { kind: doc.kind, text: doc.text, score };
      }
    }
    return {
      terms: fixed,
      faq,
      clause,
      get faqRanking() { return ranking(); },
      outOfScope: outOfScope.find((r) => r.terms.some((t) => namesTerm(t)))?.id,
      nearestOutOfScope,
      outOfScopeOnly: sum(weights.filter((_, j) => ids[j] === undefined && oosPostings.has(unique[j]!))) / (queryMass || 1),
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

function sum(xs: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < xs.length; i++) total += xs[i]!;
  return total;
}

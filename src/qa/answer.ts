/**
 * Turns a question into one reply: the best FAQ answer or the best sentence of the best clause,
 * with its citation, a button for the clause's full text and buttons for related questions; or
 * a fallback when the notice does not answer it.
 */
import { formatAction } from '../core/actions.ts';
import type { Button, Citation } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import { editionForYear, seasonNamed } from '../knowledge/editions.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { normalize } from '../text/normalize.ts';
import type { SearchIndex, SearchResult } from './search.ts';

/** Below these similarities (0…1) the notice is taken not to answer the question. */
export const THRESHOLDS = {
  faq: 0.38,
  clause: 0.62,
  /** An FAQ answer is preferred unless a clause explains the question clearly better. */
  clauseMargin: 0.2,
  /** A question naming an out-of-scope term needs an almost exact FAQ match. */
  outOfScopeFaq: 0.95,
  /** Related questions shown must be at least this similar. */
  related: 0.3,
  /**
   * A question at least this like an out-of-scope example, and at least as like it as like the
   * notice, falls back; so does one with this share of words only out-of-scope examples use.
   */
  outOfScopeExample: 0.4,
  outOfScopeOnlyShare: 0.2,
} as const;

/** Scores this close count as a tie between the notice and an out-of-scope example; the notice wins it. */
const TIE = 0.02;

/** How much lower an FAQ entry may score and still be taken for having what the question asks. */
const FOCUS_MARGIN = 0.08;

/** Longest clause excerpt given as an answer, in characters. */
const MAX_EXCERPT = 300;

export type Answer =
  | {
    kind: 'answer'; source: 'faq' | 'clause'; id: string; score: number; text: string;
    citations: Citation[]; clauseIds: string[]; related: Button[];
    /** False when the answer is an FAQ entry saying the notice does not cover the question. */
    inNotice: boolean;
  }
  | {
    kind: 'fallback'; search: SearchResult;
    /** Out of scope: the question is about something the notice does not cover; else nothing matched well enough. */
    outOfScope: boolean;
  };

/**
 * `answers`, when given, tells whether an answer's text has what the question asks (an address
 * for "在哪"): among FAQ entries within `FOCUS_MARGIN` of the best, the first that has it is taken.
 */
export function answerQuestion(question: string, k: Knowledge, index: SearchIndex, answers?: (text: string) => boolean): Answer {
  const search = index.search(question);
  const { faq, clause } = search;
  const faqScore = faq?.score ?? 0;
  const clauseScore = clause?.score ?? 0;
  if (search.outOfScope && faqScore < THRESHOLDS.outOfScopeFaq) return { kind: 'fallback', search, outOfScope: true };
  // A season no edition answers ("2025年度的评审", "明年的评审" before next year's notice is in force).
  const season = seasonNamed(normalize(question), k.editions, k.edition);
  if (season && !editionForYear(k.editions, k.edition, season.year)) return { kind: 'fallback', search, outOfScope: true };
  const oos = search.nearestOutOfScope?.score ?? 0;
  // Phrasings and examples are scored alike; a clause's score only measures how much of the question it covers, so it counts a little less.
  if (oos >= THRESHOLDS.outOfScopeExample && oos > Math.max(faqScore, 0.9 * clauseScore) + TIE) return { kind: 'fallback', search, outOfScope: true };
  if (search.outOfScopeOnly >= THRESHOLDS.outOfScopeOnlyShare && oos >= THRESHOLDS.outOfScopeExample && faqScore < 0.7) return { kind: 'fallback', search, outOfScope: true };
  // A question whose subject the notice never names ("停车场在哪": only 哪里 matched) is not answered by
  // whatever shares its asking words.
  if (!namesAnythingKnown(search.terms, k, index)) return { kind: 'fallback', search, outOfScope: false };

  const useFaq = faq && faqScore >= THRESHOLDS.faq && !(clauseScore >= THRESHOLDS.clause && clauseScore - faqScore > THRESHOLDS.clauseMargin);
  if (useFaq) {
    const best = k.faqById.get(faq.id)!;
    const better = answers && !answers(best.answer)
      ? search.faqRanking.find((h) => h.score >= Math.max(THRESHOLDS.faq, faqScore - FOCUS_MARGIN) && answers(k.faqById.get(h.id)!.answer))
      : undefined;
    return better ? faqAnswer(better.id, better.score, k, search) : faqAnswer(faq.id, faqScore, k, search);
  }
  if (clause && clauseScore >= THRESHOLDS.clause) {
    const c = k.clauseById.get(clause.id)!;
    const related = relatedQuestions(k, [], search, undefined);
    return { kind: 'answer', source: 'clause', id: c.id, score: clauseScore, text: excerpt(c.text, search.terms), citations: cite(k, [c.id]), clauseIds: [c.id], related, inNotice: true };
  }
  return { kind: 'fallback', search, outOfScope: false };
}

/**
 * Whether a question's words other than its asking words (哪里, 什么, 怎么 …) and stopwords include
 * one the notice knows; true for a question of asking words alone (nothing to judge it by).
 */
export function namesAnythingKnown(terms: readonly string[], k: Knowledge, index: SearchIndex): boolean {
  const subject = terms.filter((t) => !k.lexicon.askingWords.has(t) && !k.stopwords.has(t));
  return subject.length === 0 || subject.some((t) => index.vocabulary.has(t));
}

/**
 * A question asked of a subject already answered ("谁负责审" after the 中评委 step): the entry about
 * the same clauses that best matches it, else the topic's own entry.
 */
export function answerNear(question: string, topicEntry: string, clauses: readonly string[], k: Knowledge, index: SearchIndex, answers?: (text: string) => boolean): Answer {
  const plain = answerQuestion(question, k, index, answers);
  const near = nearEntry(question, clauses, k, index, answers);
  // The entry near the last subject, unless the plain answer is clearly better.
  if (near && (plain.kind === 'fallback' || near.score >= NEAR_SHARE * plain.score)) return near;
  if (plain.kind === 'answer') return plain;
  const search = index.search(question);
  const [kind, id] = topicEntry.split(':') as [string, string];
  if (kind === 'faq' && k.faqById.has(id)) return faqAnswer(id, 0, k, search);
  return plain;
}

/** A follow-up's entry near the last subject wins when it scores at least this share of the best. */
export const NEAR_SHARE = 0.75;

/** The best FAQ entry for the question among those citing one of `clauses`, or null. */
export function nearEntry(question: string, clauses: readonly string[], k: Knowledge, index: SearchIndex, answers?: (text: string) => boolean): Extract<Answer, { kind: 'answer' }> | null {
  const search = index.search(question);
  const candidates = search.faqRanking.filter((h) => h.score >= THRESHOLDS.related && k.faqById.get(h.id)!.clauses.some((c) => clauses.includes(c)));
  const best = candidates[0];
  if (!best) return null;
  // One that has what the question asks, when it scores nearly as well.
  const fits = answers && !answers(k.faqById.get(best.id)!.answer) ? candidates.find((h) => h.score >= best.score - FOCUS_MARGIN && answers(k.faqById.get(h.id)!.answer)) : undefined;
  const chosen = fits ?? best;
  return faqAnswer(chosen.id, chosen.score, k, search);
}

function faqAnswer(id: string, score: number, k: Knowledge, search: SearchResult): Extract<Answer, { kind: 'answer' }> {
  const entry = k.faqById.get(id)!;
  const related = relatedQuestions(k, entry.related, search, entry.id);
  return { kind: 'answer', source: 'faq', id: entry.id, score, text: entry.answer, citations: cite(k, entry.clauses), clauseIds: entry.clauses, related, inNotice: !entry.notInNotice };
}

/** The FAQ entry's own related questions, else the next best matches of this question. */
function relatedQuestions(k: Knowledge, own: readonly string[], search: SearchResult, self: string | undefined): Button[] {
  const ids = own.length > 0
    ? own
    : search.faqRanking.filter((h) => h.id !== self && h.score >= THRESHOLDS.related).map((h) => h.id);
  return ids.slice(0, 2).map((id) => faqButton(k, id));
}

/** A button that asks an FAQ question; its label is the question's first phrasing. */
export function faqButton(k: Knowledge, id: string): Button {
  const q = k.faqById.get(id)!.questions[0]!;
  return { label: q.length > 20 ? `${q.slice(0, 19)}…` : q, action: formatAction({ kind: 'faq', id }) };
}

/**
 * The clause's sentences that share most terms with the question, in their order in the clause,
 * up to MAX_EXCERPT characters; the whole clause when it is short.
 */
export function excerpt(text: string, terms: readonly string[]): string {
  if (text.length <= MAX_EXCERPT) return text;
  const sentences = text.match(/[^。；]+[。；]?/g) ?? [text];
  const scored = sentences.map((s, i) => ({ s, i, hits: terms.filter((t) => s.toLowerCase().includes(t)).length }));
  const chosen: typeof scored = [];
  let length = 0;
  for (const c of [...scored].sort((a, b) => b.hits - a.hits || a.i - b.i)) {
    if (length + c.s.length > MAX_EXCERPT && chosen.length > 0) continue;
    chosen.push(c);
    length += c.s.length;
  }
  return chosen.sort((a, b) => a.i - b.i).map((c) => c.s).join('').slice(0, MAX_EXCERPT);
}

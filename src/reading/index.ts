/**
 * One reading of each message, shared by the question answering and the eligibility check:
 * its language, what the person does (asks, tells, corrects, asks for a person, for the check),
 * what the question is about (its focus), the question sentences of a long message, whether it
 * leans on the previous question ("那本科呢", "还有呢", "要几份"), and the person's own facts.
 * Pure: the clock and the word tables come in.
 */
import type { Focus, Lexicon, SlotGroup } from '../knowledge/lexicon.ts';
import { normalize } from '../text/normalize.ts';
import { readFacts, type Facts } from './facts.ts';
import { digitYears, todayIn } from './times.ts';

export type { Facts, FactName, MonthSpan, YearsSpan } from './facts.ts';
export { isNegated } from './facts.ts';

export type Act = 'question' | 'statement' | 'correction' | 'human' | 'identity' | 'check' | 'unsure' | 'other';

export interface FollowUp {
  /** slot: names another of a kind ("那本科呢"); more: wants more of the last answer; next: the step after it; why: its reason; bare: a short question that may lean on the last ("要几份"). */
  kind: 'slot' | 'more' | 'next' | 'why' | 'bare';
  slots: { group: SlotGroup; word: string }[];
}

export interface Reading {
  /** As typed, trimmed. */
  text: string;
  normalized: string;
  language: 'zh' | 'en';
  act: Act;
  focus: Set<Focus>;
  /** The question sentences, in order (a long message may hold several). */
  questions: string[];
  followUp: FollowUp | null;
  /** Whether the message says it corrects something said before. */
  correction: boolean;
  /** "如果我是大专呢", "要是专业不对口呢": facts supposed, not told. */
  hypothetical: boolean;
  facts: Facts;
}

export interface ReadingContext {
  lexicon: Lexicon;
  now: Date;
  timeZone: string;
  /** The year of the season served (dates without a year fall in it). */
  seasonYear: number;
}

const QUESTION_MARK = /[?？]|吗|呢|么|几|多少|多久|多大|多长|多高|多重|多宽|多远|什么|啥|咋|哪|谁|(\p{Script=Han})不\1|属不属于|包不包括|怎么|怎样|如何|是否|能否|可否|要不要|能不能|可不可以|行不行|够不够|有没有|是不是|对不对|算不算|\bhow\b|\bwhat\b|\bwhen\b|\bwhere\b|\bwhich\b|\bwho\b|\bcan\b|\bdo\b|\bdoes\b|\bis\b|\bare\b|\bshould\b/u;

export function readMessage(raw: string, ctx: ReadingContext): Reading {
  const text = raw.trim();
  const normalized = normalize(digitYears(text));
  const lex = ctx.lexicon;
  const today = todayIn(ctx.now, ctx.timeZone);
  const facts = readFacts(normalized, lex, today, ctx.seasonYear);
  const focus = new Set(lex.focus.find(normalized).map((h) => h.label));
  // "够2项了吗", "可以破格吗", "能算进5项条件里吗": can it be done, whatever comes between.
  if (/(?:够|满|可以|能|行|算|满足|符合|来得及|赶得上).{0,10}(?:吗|不|没|么|吧)(?:\s|[?？。!！]|$)|(?:够|可以|能)不(?:够|可以|能)|\b(?:can|could|may)\s+(?:i|we|he|she|they|our|my)\b|\bis (?:it|that|this) enough\b|^(?:can|could|may|am|is|are|do|does)\b.*\b(?:apply|eligible|qualify)\b|(\p{Script=Han})不\1/u.test(normalized)) focus.add('can-i');
  const questions = questionSentences(normalized);
  // "不对口的话…" is about 专业不对口, not a correction.
  const relevance = lex.relevance.find(normalized);
  const correction = lex.corrections.find(normalized).some((h) => !relevance.some((r) => h.at < r.end && h.end > r.at));
  const bare = normalized.replace(/[\s\p{P}\p{S}]+/gu, '');
  const short = [...bare].length <= 14 || (isEnglish(text) && normalized.split(/\s+/).length <= 7);

  let act: Act;
  if (short && lex.human.has(normalized)) act = 'human';
  else if (short && lex.identity.has(normalized)) act = 'identity';
  else if (lex.checkMe.has(normalized)) act = 'check';
  else if (correction) act = 'correction';
  else if (short && lex.unsure.has(normalized) && !focus.size) act = 'unsure';
  else if (questions.length || focus.size) act = 'question';
  else if (Object.keys(facts).length) act = 'statement';
  else act = 'other';

  return {
    text, normalized, language: isEnglish(text) ? 'en' : 'zh', act, focus,
    questions: questions.length ? questions : [normalized],
    followUp: followUpOf(normalized, bare, short, lex), correction, facts,
    hypothetical: /^(?:那|那么)?\s*(?:如果|要是|假如|假设|万一|若是|换成|what if|if|suppose)/.test(normalized),
  };
}

/** Mostly Latin letters: an English message. */
export function isEnglish(text: string): boolean {
  let latin = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i) | 0x20; // A–Z folded onto a–z
    if (c >= 0x61 && c <= 0x7a) latin++;
  }
  if (latin < 6) return false;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return latin > han * 3;
}

/**
 * The question parts of a message: sentences with a question mark or word; inside a sentence,
 * comma-separated parts when several of them ask ("要多少学时，算哪几年的，在哪个平台学").
 */
/** An English sentence asks when it has a question mark or opens with a question word or an auxiliary. */
const EN_QUESTION = /[?？]|^\s*(?:and\s+|so\s+|but\s+)?(?:what|when|where|which|who|whom|whose|how|why|can|could|may|might|is|are|am|was|were|do|does|did|should|shall|will|would|have|has|any)\b/;

/** Whether a sentence asks: a question word or mark (Chinese), or a question's form (English). */
export function asks(part: string): boolean {
  return /\p{Script=Han}/u.test(part) ? QUESTION_MARK.test(part) : EN_QUESTION.test(part);
}

function questionSentences(text: string): string[] {
  const out: string[] = [];
  for (const sentence of text.split(/(?<=[。！!？?\n；;])/).map((s) => s.trim()).filter(Boolean)) {
    // Chinese typed without punctuation separates with spaces ("想问我能不能报 学历要做啥认证") and 另外/还有.
    const han = /\p{Script=Han}/u.test(sentence);
    const parts = sentence.split(han ? /[，,]|\s+|(?=另外|还有就是|还想问|再问下|再问一下)/ : /[，,]/).map((s) => s.trim()).filter(Boolean);
    const asking = parts.filter((p) => asks(p));
    if (asking.length >= 2 && asking.length === parts.length) out.push(...asking);
    else if (asking.length >= 2 && parts.length - asking.length <= 1 && asking.every((p) => [...p].length >= 4)) out.push(...asking);
    else if (asking.length) out.push(sentence);
  }
  return out;
}

function followUpOf(text: string, bare: string, short: boolean, lex: Lexicon): FollowUp | null {
  if (!short) return null;
  const slots = lex.slots.find(text).map((h) => ({ group: h.label, word: h.word }));
  if (lex.followUp.more.find(text).some((h) => h.at <= 2) && [...bare].length <= 8) return { kind: 'more', slots };
  if (lex.followUp.next.find(text).some((h) => h.at <= 2) && [...bare].length <= 8) return { kind: 'next', slots };
  if (lex.followUp.why.has(text) && [...bare].length <= 6) return { kind: 'why', slots };
  const opens = lex.followUp.openers.find(text).some((h) => h.at === 0);
  const closes = lex.followUp.closers.find(text).some((h) => h.end >= text.replace(/[\s\p{P}]+$/u, '').length - 1);
  if (slots.length && (opens || closes || [...bare].length <= 6)) return { kind: 'slot', slots };
  const brief = /[a-z]/.test(bare) && !/\p{Script=Han}/u.test(bare) ? text.split(/\s+/).length <= 10 : [...bare].length <= 14;
  if (brief && (opens || closes || asks(text))) return { kind: 'bare', slots };
  return null;
}

/**
 * The office's figures, from the log's records: questions and the share not answered, 👍/👎,
 * eligibility checks started and finished and the share found eligible, per day and per channel;
 * the unanswered and 👎 questions grouped when they are alike, each with the nearest FAQ entries;
 * the entries asked most and those never hit. Pure: records and the knowledge in, figures out
 * (the console, the export and `npm run report` all show these).
 */
import type { Knowledge } from '../knowledge/load.ts';
import type { SearchIndex, SearchResult } from '../qa/search.ts';
import type { LogRecord } from './log.ts';

export interface Figures {
  questions: number;
  /** Questions the bot answered from the notice (or computed for the person). */
  answered: number;
  fallbacks: number;
  /** fallbacks / questions, 0 when there were none. */
  fallbackRate: number;
  up: number;
  down: number;
  checksStarted: number;
  /** Checks that reached a verdict. */
  checksFinished: number;
  /** Finished checks whose (last) verdict was eligible. */
  eligible: number;
  /** eligible / checksFinished, 0 when none finished. */
  eligibleShare: number;
}

export interface Miss {
  /** The group's most frequent wording (masked as stored). */
  text: string;
  /** How many times a question of this group was asked. */
  count: number;
  /** Other wordings of the group (at most 5). */
  variants: string[];
  /** Of those, how many the bot did not answer, and how many got 👎. */
  fallbacks: number;
  down: number;
  comments: string[];
  /** The FAQ entries nearest to it (best first), for turning it into a phrasing. */
  nearest: { id: string; question: string; score: number }[];
  lastDay: string;
}

export interface Report {
  today: string;
  /** The season: from the notice's date of issue. */
  seasonFrom: string;
  day: Figures;
  season: Figures;
  channels: Record<string, Figures>;
  /** Per day of the season, oldest first. */
  days: { day: string; questions: number; fallbacks: number; fallbackRate: number }[];
  misses: Miss[];
  /** Wordings of misses not grouped or shown (the least asked, past the bound). */
  missesLeftOut: number;
  /** The entries answered most in the season. */
  top: { entry: string; question: string; count: number; up: number; down: number }[];
  /** FAQ entries no question of the season was answered from. */
  neverHit: { entry: string; question: string }[];
  /** Entries with 👎 (from a typed question or opened from a list), most first, with the comments. */
  disliked: { entry: string; question: string; up: number; down: number; comments: string[] }[];
}

/** Two questions whose search terms overlap this much (Jaccard) are one group. */
const ALIKE = 0.5;

export function figures(records: readonly LogRecord[]): Figures {
  const questions = records.filter((r) => r.type === 'question');
  const fallbacks = questions.filter((q) => q.fallback).length;
  const votes = latestVotes(records);
  const checks = checkRuns(records);
  const eligible = checks.filter((c) => c.eligible).length;
  return {
    questions: questions.length,
    answered: questions.length - fallbacks,
    fallbacks,
    fallbackRate: questions.length ? fallbacks / questions.length : 0,
    up: votes.filter((v) => v.vote === 'up').length,
    down: votes.filter((v) => v.vote === 'down').length,
    checksStarted: records.filter((r) => r.type === 'check' && r.event === 'started').length,
    checksFinished: checks.length,
    eligible,
    eligibleShare: checks.length ? eligible / checks.length : 0,
  };
}

type Feedback = Extract<LogRecord, { type: 'feedback' }>;

/** One vote per person and answer: the latest (a changed vote replaces the first), with every comment given. */
function latestVotes(records: readonly LogRecord[]): (Feedback & { comments: string[] })[] {
  const byAnswer = new Map<string, Feedback & { comments: string[] }>();
  for (const r of records) {
    if (r.type !== 'feedback') continue;
    const key = `${r.user} ${r.qid}`;
    const before = byAnswer.get(key);
    const comments = [...(before?.comments ?? []), ...(r.comment ? [r.comment] : [])];
    byAnswer.set(key, { ...r, comments });
  }
  return [...byAnswer.values()];
}

/** Each check a person finished: a start, then its first verdict; eligible as its last verdict before the next start says. */
function checkRuns(records: readonly LogRecord[]): { eligible: boolean }[] {
  const runs: { eligible: boolean }[] = [];
  const open = new Map<string, { eligible: boolean } | 'started'>();
  for (const r of [...records].sort((a, b) => a.at.localeCompare(b.at))) {
    if (r.type !== 'check') continue;
    if (r.event === 'started') { open.set(r.user, 'started'); continue; }
    const run = open.get(r.user);
    if (run === 'started' || run === undefined) {
      // A verdict without its start in the records (the start fell out of the range) still counts as finished.
      const finished = { eligible: r.eligible === true };
      runs.push(finished);
      open.set(r.user, finished);
    } else run.eligible = r.eligible === true;
  }
  return runs;
}

export interface ReportOptions {
  knowledge: Knowledge;
  index: SearchIndex;
  /** Today in the bot's time zone, YYYY-MM-DD. */
  today: string;
  /** How many miss groups to list; default 50. */
  maxMisses?: number;
}

export function buildReport(records: readonly LogRecord[], options: ReportOptions): Report {
  const { knowledge, index, today } = options;
  const seasonFrom = knowledge.notice.issued;
  const season = records.filter((r) => r.day >= seasonFrom);
  const channels: Record<string, Figures> = {};
  for (const name of [...new Set(season.map((r) => r.channel))].sort()) channels[name] = figures(season.filter((r) => r.channel === name));

  const perDay = new Map<string, { questions: number; fallbacks: number }>();
  for (const r of season) {
    if (r.type !== 'question') continue;
    const d = perDay.get(r.day) ?? { questions: 0, fallbacks: 0 };
    d.questions++;
    if (r.fallback) d.fallbacks++;
    perDay.set(r.day, d);
  }
  const days = [...perDay].sort(([a], [b]) => a.localeCompare(b)).map(([day, d]) => ({ day, ...d, fallbackRate: d.questions ? d.fallbacks / d.questions : 0 }));

  const questions = season.filter((r) => r.type === 'question');
  const votes = latestVotes(season);
  const entryQuestion = (id: string): string => knowledge.faqById.get(id)?.questions[0] ?? id;

  // What the office should look at: questions not answered, and answers a person marked 👎.
  const downByQid = new Map<string, { down: number; comments: string[] }>();
  for (const v of votes) {
    const d = downByQid.get(v.qid) ?? { down: 0, comments: [] };
    if (v.vote === 'down') d.down++;
    d.comments.push(...v.comments);
    downByQid.set(v.qid, d);
  }
  const missed = questions.filter((q) => q.fallback || (downByQid.get(q.qid)?.down ?? 0) > 0);
  const searches = new Map<string, SearchResult>();
  const search = (text: string): SearchResult => {
    let r = searches.get(text);
    if (!r) searches.set(text, (r = index.search(text)));
    return r;
  };
  const grouped = groupAlike(missed, search);
  const misses = grouped.groups.map((group): Miss => {
    const wordings = new Map<string, number>();
    for (const q of group) wordings.set(q.text, (wordings.get(q.text) ?? 0) + 1);
    const ranked = [...wordings].sort((a, b) => b[1] - a[1]).map(([t]) => t);
    const qids = new Set(group.map((q) => q.qid));
    const feedback = [...qids].map((id) => downByQid.get(id)).filter((d) => d !== undefined);
    const nearest = search(ranked[0]!).faqRanking.slice(0, 5).map((h) => ({ id: h.id, question: entryQuestion(h.id), score: Math.round(h.score * 100) / 100 }));
    return {
      text: ranked[0]!, count: group.length, variants: ranked.slice(1, 6),
      fallbacks: group.filter((q) => q.fallback).length,
      down: feedback.reduce((n, d) => n + d.down, 0),
      comments: [...new Set(feedback.flatMap((d) => d.comments))].slice(0, 5),
      nearest, lastDay: group.map((q) => q.day).sort().at(-1)!,
    };
  }).sort((a, b) => b.count - a.count || b.lastDay.localeCompare(a.lastDay)).slice(0, options.maxMisses ?? 50);

  const hits = new Map<string, number>();
  for (const q of questions) {
    if (q.fallback || !q.entry?.startsWith('faq:')) continue;
    const id = q.entry.slice(4);
    hits.set(id, (hits.get(id) ?? 0) + 1);
  }
  const entryVotes = (id: string, vote: 'up' | 'down') => votes.filter((v) => v.entry === `faq:${id}` && v.vote === vote).length;
  const top = [...hits].sort((a, b) => b[1] - a[1]).slice(0, 15)
    .map(([entry, count]) => ({ entry, question: entryQuestion(entry), count, up: entryVotes(entry, 'up'), down: entryVotes(entry, 'down') }));
  const neverHit = knowledge.faq.filter((e) => !hits.has(e.id) && !e.notInNotice).map((e) => ({ entry: e.id, question: e.questions[0]! }));

  const voted = new Map<string, { up: number; down: number; comments: string[] }>();
  for (const v of votes) {
    if (!v.entry?.startsWith('faq:')) continue;
    const e = voted.get(v.entry) ?? { up: 0, down: 0, comments: [] };
    e[v.vote]++;
    e.comments.push(...v.comments);
    voted.set(v.entry, e);
  }
  const disliked = [...voted].filter(([, e]) => e.down > 0).sort((a, b) => b[1].down - a[1].down)
    .map(([entry, e]) => ({ entry: entry.slice(4), question: entryQuestion(entry.slice(4)), up: e.up, down: e.down, comments: [...new Set(e.comments)].slice(0, 5) }));

  return {
    today, seasonFrom, disliked, missesLeftOut: grouped.leftOut,
    day: figures(records.filter((r) => r.day === today)),
    season: figures(season),
    channels, days, misses, top, neverHit,
  };
}

type Question = Extract<LogRecord, { type: 'question' }>;

/**
 * How many different wordings are grouped and shown, most asked (then latest) first: grouping
 * searches each wording once and compares it with the groups so far, so the page's cost stays
 * bounded however many odd questions the log holds.
 */
const MAX_WORDINGS = 200;

/** Questions in groups of alike ones: the same wording, or mostly the same search terms (greedy, most asked first). */
function groupAlike(questions: readonly Question[], search: (text: string) => SearchResult): { groups: Question[][]; leftOut: number } {
  const byText = new Map<string, Question[]>();
  for (const q of questions) {
    const same = byText.get(q.text);
    if (same) same.push(q);
    else byText.set(q.text, [q]);
  }
  const latest = (qs: Question[]) => qs.reduce((d, q) => (q.day > d ? q.day : d), '');
  const wordings = [...byText.values()].sort((a, b) => b.length - a.length || latest(b).localeCompare(latest(a)));
  const groups: { terms: Set<string>; items: Question[] }[] = [];
  for (const items of wordings.slice(0, MAX_WORDINGS)) {
    const mine = new Set(search(items[0]!.text).terms);
    const home = groups.find((g) => jaccard(g.terms, mine) >= ALIKE);
    if (home) home.items = home.items.concat(items);
    else groups.push({ terms: mine, items: [...items] });
  }
  return { groups: groups.map((g) => g.items), leftOut: Math.max(0, wordings.length - MAX_WORDINGS) };
}

function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
  if (!a.size && !b.size) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}

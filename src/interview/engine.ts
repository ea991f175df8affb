/**
 * The eligibility interview as a pure state machine: one question at a time, only what the rules
 * still need; back, skip, restart, review, change; the verdict with the personal checklist and
 * the deadline summary. No I/O: the clock's value and the loaded flow and knowledge come in.
 */
import type { Knowledge } from '../knowledge/load.ts';
import { cite } from '../qa/answer.ts';
import { assess, routeTitle, cnDate, type Assessment } from '../rules/index.ts';
import { routeClauses } from '../rules/routes.ts';
import { fill } from '../dialogue/flow.ts';
import type { Ask, Button, Reply } from '../dialogue/types.ts';
import { parseAnswer, type ChoiceOption, type Hours } from './answers.ts';
import type { Condition, InterviewFlow, InterviewTextKey, Step } from './flow.ts';
import { GUARDS, type GuardContext } from './guards.ts';
import { isAnswered, profileFromAnswers, readField, requiredAnswered, type Answers } from './profile-answers.ts';

export interface InterviewState {
  answers: Answers;
  /** Steps answered or skipped, in order (返回 walks back along it). */
  history: string[];
  skipped: string[];
  stage: 'asking' | 'review' | 'verdict';
  /** The step waiting for an answer while asking. */
  pending: string | null;
  /** Set while a change made from the review (or after the verdict) is being answered. */
  editing: 'review' | 'verdict' | null;
  /** The last verdict shown, to say what a change changed. */
  lastVerdict: VerdictDigest | null;
}

/** What a verdict said, compactly, for comparing two verdicts. */
export interface VerdictDigest { eligible: boolean; routes: string[]; blockers: string[]; checklist: string[] }

export interface InterviewEnv {
  flow: InterviewFlow;
  knowledge: Knowledge;
  now: Date;
  timeZone: string;
}

export type InterviewEvent =
  | { kind: 'answer'; raw: unknown }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'restart' }
  | { kind: 'help' }
  | { kind: 'review' }
  | { kind: 'edit'; step: string }
  | { kind: 'confirm' };

export interface InterviewTurn {
  state: InterviewState;
  replies: Reply[];
  ask: Ask | null;
  assessment: Assessment | null;
}

export function startInterview(): InterviewState {
  return { answers: {}, history: [], skipped: [], stage: 'asking', pending: null, editing: null, lastVerdict: null };
}

/** Begins the interview: the introduction and the first question. */
export function beginInterview(env: InterviewEnv): InterviewTurn {
  const turn = advance(startInterview(), env);
  return { ...turn, replies: [plain(t(env, 'start')), ...turn.replies] };
}

/** One event of the interview. */
export function interviewStep(state: InterviewState, event: InterviewEvent, env: InterviewEnv): InterviewTurn {
  switch (event.kind) {
    case 'restart': return beginInterview(env);
    case 'help': return reask(state, env, [plain(t(env, 'help'))]);
    case 'review': return review({ ...state, stage: 'review', editing: null }, env);
    case 'confirm': return state.stage === 'asking' ? reask(state, env, []) : verdict(state, env);
    case 'edit': {
      const step = env.flow.stepById.get(event.step);
      if (!step || !state.history.includes(step.id)) return state.stage === 'asking' ? reask(state, env, []) : review(state, env);
      // Once a verdict was shown, a change goes straight to the new verdict and what it changed.
      const editing = state.lastVerdict ? 'verdict' : 'review';
      const old = { label: shown(step, state.answers, env), raw: rawOf(step, readField(state.answers, step.field)) };
      return ask({ ...state, stage: 'asking', pending: step.id, editing }, step, env, [plain(fill(t(env, 'editing'), { answer: old.label }))], old);
    }
    case 'back': {
      if (state.stage !== 'asking') return review(state, env);
      const previous = state.history.at(-1);
      if (!previous) return reask(state, env, [plain(t(env, 'nothingToGoBack'))]);
      const step = env.flow.stepById.get(previous)!;
      const history = state.history.slice(0, -1);
      const old = { label: shown(step, state.answers, env), raw: rawOf(step, readField(state.answers, step.field)) };
      const { [step.field]: _dropped, ...answers } = state.answers;
      const next = { ...state, history, answers: dropHonourNone(answers, step), skipped: state.skipped.filter((s) => s !== step.id), pending: step.id };
      return ask(next, step, env, [plain(fill(t(env, 'backTo'), { answer: old.label }))], old);
    }
    case 'skip': {
      const step = pendingStep(state, env);
      if (!step) return review(state, env);
      if (!step.optional) return reask(state, env, [plain(fill(t(env, 'notSkippable'), { hint: '' }))]);
      const next = record({ ...state, skipped: [...state.skipped, step.id] }, step);
      return continueAfter(next, env, [plain(fill(t(env, 'skipped'), { answer: shown(step, next.answers, env) }))]);
    }
    case 'answer': {
      const step = pendingStep(state, env);
      if (!step) return state.stage === 'verdict' ? verdict(state, env) : review(state, env);
      const parsed = readAnswer(step, event.raw, env);
      if (!parsed.ok) return reask(state, env, [plain(fill(t(env, 'hint'), { hint: parsed.hint }))]);
      const answers = setAnswer(state.answers, step, parsed.value);
      return continueAfter(record({ ...state, answers }, step), env, []);
    }
  }
}

/** The question now pending, asked again (after a side question), or null when none is. */
export function resumeQuestion(state: InterviewState, env: InterviewEnv): InterviewTurn | null {
  const step = pendingStep(state, env);
  if (!step) return null;
  const turn = ask(state, step, env, []);
  turn.replies.at(-1)!.text = fill(t(env, 'resume'), { n: questionNumber(state, step), question: questionText(step, env) });
  return turn;
}

/** Whether a text reads as an answer to the pending question (for telling answers from side questions). */
export function readsAsAnswer(state: InterviewState, text: string, env: InterviewEnv): boolean {
  const step = pendingStep(state, env);
  return !!step && readAnswer(step, text, env).ok;
}

// ── asking ──

function pendingStep(state: InterviewState, env: InterviewEnv): Step | undefined {
  return state.stage === 'asking' && state.pending ? env.flow.stepById.get(state.pending) : undefined;
}

function record(state: InterviewState, step: Step): InterviewState {
  return { ...state, history: state.history.includes(step.id) ? state.history : [...state.history, step.id], pending: null };
}

function continueAfter(state: InterviewState, env: InterviewEnv, before: Reply[]): InterviewTurn {
  const turn = advance(state, env);
  return { ...turn, replies: [...before, ...turn.replies] };
}

/** Asks the next question the rules still need, or goes to the review (or straight to the verdict after a change). */
function advance(state: InterviewState, env: InterviewEnv): InterviewTurn {
  const step = nextStep(state, env);
  if (step) return ask({ ...state, stage: 'asking', pending: step.id }, step, env, []);
  if (state.editing === 'verdict') return verdict(state, env);
  return review({ ...state, stage: 'review', pending: null, editing: null }, env);
}

/** The first step whose field is not answered and whose condition holds, phase by phase. */
export function nextStep(state: InterviewState, env: InterviewEnv): Step | undefined {
  const ctx = context(state.answers, env);
  for (const phase of env.flow.phases) {
    if (phase.stopWhen && holds(phase.stopWhen, ctx)) return undefined;
    if (phase.if && !holds(phase.if, ctx)) continue;
    for (const step of phase.steps) {
      if (phase.until && holds(phase.until, ctx)) break;
      if (phase.stopWhen && holds(phase.stopWhen, ctx)) return undefined;
      if (isAnswered(state.answers, step.field) || state.skipped.includes(step.id)) continue;
      if (step.if && !holds(step.if, ctx)) continue;
      return step;
    }
  }
  return undefined;
}

function context(answers: Answers, env: InterviewEnv): GuardContext {
  const params = env.knowledge.params;
  const profile = profileFromAnswers(answers, params);
  return { answers, params, profile, assessment: assess(profile, env.knowledge, env.now, env.timeZone) };
}

export function holds(c: Condition, ctx: GuardContext): boolean {
  if ('guard' in c) return GUARDS[c.guard]!(ctx);
  if ('all' in c) return c.all.every((x) => holds(x, ctx));
  if ('any' in c) return c.any.some((x) => holds(x, ctx));
  if ('not' in c) return !holds(c.not, ctx);
  if ('eq' in c) return readField(ctx.answers, c.eq[0]) === c.eq[1];
  if ('in' in c) return c.in[1].includes(readField(ctx.answers, c.in[0]) as string | number);
  const v = readField(ctx.answers, c.gte[0]);
  return typeof v === 'number' && v >= c.gte[1];
}

/** A step's question, with the notice's facts it names filled in from the edition's parameters. */
export function questionText(step: Step, env: InterviewEnv): string {
  return fill(env.flow.texts.questions[step.id]!, questionVars(env.knowledge));
}

/** The placeholders interview questions may use, from the parameters. */
export function questionVars(k: Knowledge): Record<string, string | number> {
  return { zone: k.params.zone.value };
}

/** A question's number: its place among the answers when it is being changed, else the next one. */
function questionNumber(state: InterviewState, step: Step): number {
  const at = state.history.indexOf(step.id);
  return at >= 0 ? at + 1 : state.history.length + 1;
}

function ask(state: InterviewState, step: Step, env: InterviewEnv, before: Reply[], previous?: { label: string; raw: string }): InterviewTurn {
  const text = fill(t(env, 'progress'), { n: questionNumber(state, step), question: questionText(step, env) });
  const buttons: Button[] = [];
  const options = optionsOf(step, env);
  if (step.kind === 'boolean') buttons.push({ label: t(env, 'yes'), action: 'answer:true' }, { label: t(env, 'no'), action: 'answer:false' });
  for (const o of options ?? []) buttons.push({ label: o.label, action: `answer:${o.value}` });
  if (step.kind === 'month' && step.nullable) buttons.push({ label: t(env, 'none'), action: 'answer:none' });
  if (step.optional) buttons.push({ label: t(env, 'skip'), action: 'interview:skip' });
  if (state.history.length > 0) buttons.push({ label: t(env, 'back'), action: 'interview:back' });
  buttons.push({ label: t(env, 'exit'), action: 'interview:exit' });
  // After 返回, the old answer is offered as a button.
  if (previous) buttons.unshift({ label: previous.label.slice(0, 20), action: `answer:${previous.raw}` });
  const reply: Reply = { text, buttons: dedupe(buttons), citations: cite(env.knowledge, step.clauses) };
  return { state, replies: [...before, reply], ask: askOf(step, env), assessment: null };
}

/** The pending question again, after something else was said. */
function reask(state: InterviewState, env: InterviewEnv, before: Reply[]): InterviewTurn {
  const step = pendingStep(state, env);
  if (!step) {
    if (state.stage !== 'review') return { state, replies: before, ask: null, assessment: null };
    const turn = review(state, env);
    return { ...turn, replies: [...before, ...turn.replies] };
  }
  return ask(state, step, env, before);
}

function askOf(step: Step, env: InterviewEnv): Ask {
  const kind = step.kind === 'years' ? 'number' : step.kind === 'date' ? 'text' : step.kind;
  const options = optionsOf(step, env)?.map((o) => o.value);
  return options ? { field: step.field, kind, options } : { field: step.field, kind };
}

function optionsOf(step: Step, env: InterviewEnv): ChoiceOption[] | undefined {
  return step.kind === 'choice' ? env.flow.optionSets[step.options!]! : undefined;
}

// ── answers ──

type Read = { ok: true; value: unknown } | { ok: false; hint: string };

/** Reads a typed text, a button's value or a protocol value for a step. */
function readAnswer(step: Step, raw: unknown, env: InterviewEnv): Read {
  if (raw === 'none' && step.nullable) return { ok: true, value: null };
  if (step.kind === 'boolean' && (raw === 'true' || raw === 'false')) return { ok: true, value: raw === 'true' };
  const opts = { options: optionsOf(step, env), now: env.now, timeZone: env.timeZone, nullable: step.nullable && step.kind === 'month' };
  const kind = step.kind === 'years' ? 'number' : step.kind;
  const r = parseAnswer(kind, raw, { ...opts, integer: step.kind !== 'years' });
  if (!r.ok) return r;
  if (step.kind === 'choice') {
    const v = r.value as string;
    if (v === 'none' && step.nullable) return { ok: true, value: null };
    return { ok: true, value: /^\d+$/.test(v) ? Number(v) : v };
  }
  return r;
}

/** Sets a step's answer; `null` for a choice inside an object (honour.category) means "no such object". */
function setAnswer(answers: Answers, step: Step, value: unknown): Answers {
  const [head, sub] = step.field.split('.');
  if (value === null && step.kind === 'choice' && sub !== undefined) {
    const kept = Object.fromEntries(Object.entries(answers).filter(([f]) => !f.startsWith(`${head}.`)));
    return { ...kept, [head!]: null };
  }
  const { [head!]: _none, ...rest } = answers;
  return { ...(answers[head!] === null && sub !== undefined ? rest : answers), [step.field]: value };
}

function dropHonourNone(answers: Answers, step: Step): Answers {
  const [head, sub] = step.field.split('.');
  if (sub === undefined || answers[head!] !== null) return answers;
  const { [head!]: _none, ...rest } = answers;
  return rest;
}

/** An answer as a person reads it. */
export function shown(step: Step, answers: Answers, env: InterviewEnv): string {
  const v = readField(answers, step.field);
  if (v === undefined || v === null) return t(env, 'none');
  if (typeof v === 'boolean') return t(env, v ? 'yes' : 'no');
  if (step.kind === 'choice') return optionsOf(step, env)!.find((o) => o.value === String(v))?.label ?? String(v);
  if (step.kind === 'month') return cnDate(`${v as string}-01`).replace(/1日$/, '');
  if (step.kind === 'date') return cnDate(v as string);
  if (step.kind === 'hours') {
    const h = v as Hours;
    return `专业课${h.professional}、公需课${h.public}、其他${h.other}学时`;
  }
  return String(v);
}

/** An answer as the text a button sends back for it. */
function rawOf(step: Step, v: unknown): string {
  if (v === null || v === undefined) return 'none';
  if (step.kind === 'hours') {
    const h = v as Hours;
    return `${h.professional}/${h.public}/${h.other}`;
  }
  return String(v);
}

// ── review and verdict ──

function review(state: InterviewState, env: InterviewEnv): InterviewTurn {
  const answered = state.history.map((id) => env.flow.stepById.get(id)!);
  const lines = answered.map((step, i) => fill(t(env, 'reviewLine'), { n: i + 1, field: env.flow.texts.labels[step.id]!, answer: shown(step, state.answers, env) }));
  const buttons: Button[] = [
    { label: t(env, 'confirm'), action: 'interview:confirm' },
    ...answered.map((step, i) => ({ label: fill(t(env, 'change'), { n: i + 1 }), action: `interview:edit:${step.id}` })),
    { label: t(env, 'restart'), action: 'interview:restart' },
  ];
  const reply: Reply = { text: [t(env, 'review'), ...lines].join('\n'), buttons, citations: [] };
  return { state: { ...state, stage: 'review', pending: null }, replies: [reply], ask: null, assessment: null };
}

/**
 * The interview's assessment: assess() of the answers. When a failed prerequisite ended the
 * interview before every required fact was asked, what was not asked is not reported: routes,
 * near misses and the checklist are empty and the notes say so.
 */
export function interviewAssessment(state: InterviewState, env: InterviewEnv): Assessment {
  const profile = profileFromAnswers(state.answers, env.knowledge.params);
  const full = assess(profile, env.knowledge, env.now, env.timeZone);
  if (requiredAnswered(state.answers)) return full;
  const notAsked = env.flow.steps.filter((s) => !s.optional && !isAnswered(state.answers, s.field) && !s.if).map((s) => env.flow.texts.labels[s.id]!);
  return {
    ...full,
    routes: [],
    blockers: full.blockers.filter((b) => b.code !== 'no-route'),
    workYears: isAnswered(state.answers, 'workStart') ? full.workYears : 0,
    nearMiss: [],
    checklist: [],
    notes: [...full.notes.slice(0, 2), `${t(env, 'notAsked')}：${[...new Set(notAsked)].join('、')}`],
  };
}

function verdict(state: InterviewState, env: InterviewEnv): InterviewTurn {
  const a = interviewAssessment(state, env);
  const k = env.knowledge;
  const digest: VerdictDigest = { eligible: a.eligible, routes: a.routes, blockers: a.blockers.map((b) => b.message), checklist: a.checklist.map((c) => c.item) };
  const replies: Reply[] = [];
  if (state.lastVerdict) replies.push(plain(describeChange(state.lastVerdict, digest, a, env)));
  if (a.eligible) {
    const routes = a.routes.map((r) => routeTitle(r, k.params)).join('；');
    const profile = profileFromAnswers(state.answers, k.params);
    const flags = { mismatch: !profile.educationRelevant && profile.education !== 'none', techSchool: profile.education.startsWith('tech-') };
    const clauses = a.routes.flatMap((r) => routeClauses(r, k.params, flags));
    replies.push({ text: [fill(t(env, 'eligible'), { routes }), ...a.notes.slice(2)].join('\n'), buttons: [], citations: cite(k, unique(clauses)) });
  } else {
    const lines = [t(env, 'notEligible'), ...a.blockers.map((b) => `• ${b.message}`)];
    if (!requiredAnswered(state.answers)) lines.push(t(env, 'earlyStop'));
    for (const m of a.nearMiss) lines.push(fill(t(env, 'nearMiss'), { route: routeTitle(m.route, k.params), short: m.short }));
    lines.push(...a.notes.slice(2));
    replies.push({ text: lines.join('\n'), buttons: [], citations: cite(k, unique(a.blockers.flatMap((b) => b.clauses))) });
  }
  if (a.checklist.length > 0) {
    const items = a.checklist.map((c, i) => `${i + 1}. ${c.item}`);
    replies.push({ text: [t(env, 'checklistTitle'), ...items].join('\n'), buttons: [], citations: cite(k, unique(a.checklist.flatMap((c) => c.clauses))) });
  }
  const deadlineLines = a.deadlines.map((d) => `• ${d.what}${d.date ? `：${cnDate(d.date)}` : ''}`);
  replies.push({
    text: [t(env, 'deadlinesTitle'), a.notes[1] ?? '', ...deadlineLines].filter(Boolean).join('\n'),
    buttons: [
      { label: t(env, 'modify'), action: 'interview:review' },
      { label: t(env, 'again'), action: 'interview:restart' },
      { label: '菜单', action: 'menu' },
    ],
    citations: cite(k, unique(a.deadlines.flatMap((d) => d.clauses))),
  });
  return { state: { ...state, stage: 'verdict', pending: null, editing: null, lastVerdict: digest }, replies, ask: null, assessment: a };
}

function describeChange(before: VerdictDigest, after: VerdictDigest, a: Assessment, env: InterviewEnv): string {
  const changes: string[] = [];
  if (before.eligible !== after.eligible) changes.push(t(env, after.eligible ? 'changeEligible' : 'changeIneligible'));
  if (before.routes.join() !== after.routes.join() && after.routes.length) changes.push(fill(t(env, 'changeRoutes'), { routes: a.routes.map((r) => routeTitle(r, env.knowledge.params)).join('；') }));
  if (before.blockers.join() !== after.blockers.join() && after.blockers.length) changes.push(fill(t(env, 'changeBlockers'), { blockers: a.blockers.map((b) => b.message).join('；') }));
  const diff = after.checklist.filter((x) => !before.checklist.includes(x)).length + before.checklist.filter((x) => !after.checklist.includes(x)).length;
  if (diff > 0) changes.push(fill(t(env, 'changeChecklist'), { n: diff }));
  return changes.length ? fill(t(env, 'changed'), { changes: changes.join('；') }) : t(env, 'unchanged');
}

// ── small helpers ──

function t(env: InterviewEnv, key: InterviewTextKey): string {
  return env.flow.texts.texts[key];
}

function plain(text: string): Reply {
  return { text, buttons: [], citations: [] };
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function dedupe(buttons: Button[]): Button[] {
  const seen = new Set<string>();
  return buttons.filter((b) => (seen.has(b.action) ? false : (seen.add(b.action), true)));
}

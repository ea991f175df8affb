/**
 * The eligibility interview as a pure state machine: one question at a time, only what the rules
 * still need; back, skip, restart, review, change; the verdict with the personal checklist and
 * the deadline summary. No I/O: the clock's value and the loaded flow and knowledge come in.
 */
import { formatAction } from '../core/actions.ts';
import { fill, type Vars } from '../core/template.ts';
import { plain, type Ask, type Button, type Citation, type Reply } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { assess, cnDate, isFixable, routeTitle, type Assessment } from '../rules/index.ts';
import { dateInZone, daysBetween } from '../rules/months.ts';
import { baseChecklist } from '../rules/wording.ts';
import { routeClauses } from '../rules/routes.ts';
import { parseAnswer, type ChoiceOption, type Hours } from './answers.ts';
import { questionVars, type Condition, type INTERVIEW_TEXTS, type InterviewFlow, type InterviewTextKey, type Step } from './flow.ts';
import { GUARDS, type GuardContext } from './guards.ts';
import { isAnswered, profileFromAnswers, readField, requiredAnswered, type Answers } from './profile-answers.ts';

/** What the interview knows: the answers and the way they were given. Round-trips through JSON. */
export interface InterviewState {
  answers: Answers;
  /** Steps answered or skipped, in order (返回 walks back along it, questions are numbered by it). */
  history: string[];
  skipped: string[];
  /** The last verdict shown, to say what a change changed; set once a verdict was given. */
  lastVerdict: VerdictDigest | null;
}

/**
 * Where the interview is, as part of the session's mode: waiting for the answer to `step`
 * (`editing` says where a change made from the review or after the verdict returns), or showing
 * the review. Outside these modes the interview is not active (not begun, exited, or its verdict shown).
 */
export type InterviewMode =
  | { kind: 'asking'; step: string; editing: 'review' | 'verdict' | null }
  | { kind: 'reviewing' };

/** What a verdict said, compactly, for comparing two verdicts. */
export interface VerdictDigest { eligible: boolean; routes: string[]; blockers: string[]; checklist: string[] }

export interface InterviewEnv {
  flow: InterviewFlow;
  knowledge: Knowledge;
  now: Date;
  timeZone: string;
}

export type InterviewEvent =
  /** An answer; `step` is the step a button belongs to (a press for another step is stale). */
  | { kind: 'answer'; raw: unknown; step?: string }
  | { kind: 'back' }
  | { kind: 'skip' }
  | { kind: 'restart' }
  | { kind: 'help' }
  /** "不知道": where to find it out. */
  | { kind: 'unsure' }
  /** "随便": the choices again. */
  | { kind: 'whatever' }
  | { kind: 'review' }
  /** The last verdict again, as it stands. */
  | { kind: 'result' }
  /** Which answer to change. */
  | { kind: 'modify' }
  /** The verdict and checklist as one plain text to forward or keep. */
  | { kind: 'share' }
  | { kind: 'edit'; step: string }
  | { kind: 'confirm' };

export interface InterviewTurn {
  state: InterviewState;
  /** Where the interview is now; null once the verdict is shown (the interview is then not active). */
  mode: InterviewMode | null;
  replies: Reply[];
  ask: Ask | null;
  assessment: Assessment | null;
}

export function startInterview(): InterviewState {
  return { answers: {}, history: [], skipped: [], lastVerdict: null };
}

/**
 * Begins the interview: the introduction and the first question. Answers the person gave before
 * (`known`, by field; fields the flow does not ask are left out) are filled in and said.
 */
export function beginInterview(env: InterviewEnv, known: Answers = {}): InterviewTurn {
  const { state, recorded: told } = applyAnswers(startInterview(), known, undefined, false, env);
  const turn = advance(state, null, env);
  const intro = [plain(tf(env, 'start', { reviewYears: env.knowledge.params.annualReview.value.recentYears }))];
  if (told.length) intro.push(plain(tf(env, 'prefilled', { answers: toldText(state, told, env) })));
  return { ...turn, replies: [...intro, ...turn.replies] };
}

/**
 * Answers the person gave in their own words, at any point of the check: the pending question's
 * ("不是国企" to 民营企业吗 is 是), new ones, and, when `correcting` ("不对，公司不在北片"), changed ones.
 * Each is said back ("已更正：民营企业：否 → 是"), then the check goes on: the next question it needs,
 * the review, or straight to the new verdict once one was given. Null when nothing changes.
 */
export function amend(state: InterviewState, mode: InterviewMode | null, known: Answers, correcting: boolean, env: InterviewEnv, note?: { text: string; citations: Citation[] }): InterviewTurn | null {
  const asking = mode?.kind === 'asking' ? mode : null;
  const { state: next, changed, recorded } = applyAnswers(state, known, asking ? env.flow.stepById.get(asking.step) : undefined, correcting, env);
  if (!changed.length && !recorded.length) return null;
  const lines = [
    changed.length ? tf(env, 'amended', { changes: changed.join('；') }) : '',
    recorded.length ? tf(env, 'noted', { answers: toldText(next, recorded, env) }) : '',
    note?.text ?? '',
  ].filter(Boolean);
  const said: Reply = { text: lines.join('\n'), buttons: [], citations: note?.citations ?? [] };
  // After a verdict, a change goes straight to the new verdict (or the question it now needs).
  const editing = asking ? asking.editing : state.lastVerdict && !mode ? 'verdict' : 'review';
  const turn = advance(next, editing, env);
  return { ...turn, replies: [said, ...turn.replies] };
}

/**
 * Known answers by field, read as each step reads them: fields not answered yet are recorded; an
 * answered one changes only when it is the `pending` step's or when `correcting`. Says what was
 * recorded and what changed ("民营企业：否 → 是").
 */
function applyAnswers(state: InterviewState, known: Answers, pending: Step | undefined, correcting: boolean, env: InterviewEnv): { state: InterviewState; changed: string[]; recorded: Step[] } {
  let next = state;
  const changed: string[] = [];
  const recorded: Step[] = [];
  const seen = new Set<string>();
  for (const step of env.flow.steps) {
    if (!(step.field in known) || seen.has(step.field)) continue;
    // Of two steps asking one field (助工 twice), the one pending, else the one answered, else the first whose condition holds.
    const same = env.flow.steps.filter((s) => s.field === step.field);
    const target = same.find((s) => s.id === pending?.id) ?? same.find((s) => next.history.includes(s.id)) ?? step;
    if (target !== step) continue;
    seen.add(step.field);
    const read = readAnswer(step, rawOf(step, known[step.field]), env);
    if (!read.ok) continue;
    const answered = isAnswered(next.answers, step.field);
    const before = answered ? shown(step, next.answers, env) : null;
    if (answered && JSON.stringify(readField(next.answers, step.field)) === JSON.stringify(read.value)) continue;
    if (answered && !correcting && step.id !== pending?.id) continue;
    next = record({ ...next, answers: setAnswer(next.answers, step, read.value), skipped: next.skipped.filter((id) => id !== step.id) }, step);
    if (before !== null) changed.push(tf(env, 'changedAnswer', { field: env.flow.texts.labels[step.id]!, before, after: shown(step, next.answers, env) }));
    else recorded.push(step);
  }
  return { state: next, changed, recorded };
}

function toldText(state: InterviewState, told: readonly Step[], env: InterviewEnv): string {
  return told.map((s) => `${env.flow.texts.labels[s.id]}：${shown(s, state.answers, env)}`).join('；');
}

/** One event of the interview, in mode `mode` (null when it is not active: only its verdict was shown). */
export function interviewStep(state: InterviewState, mode: InterviewMode | null, event: InterviewEvent, env: InterviewEnv): InterviewTurn {
  const asking = mode?.kind === 'asking' ? mode : null;
  switch (event.kind) {
    case 'restart': return beginInterview(env);
    case 'help': return reask(state, mode, env, [plain(t(env, 'help'))]);
    case 'unsure': {
      // "不知道": where to find it out, and 跳过 where the question may be skipped; nothing recorded.
      const step = mode?.kind === 'asking' ? env.flow.stepById.get(mode.step) : undefined;
      if (!step) return reask(state, mode, env, []);
      const vars = { ...questionVars(env.knowledge), site: env.knowledge.params.continuingEducationSite.value, contactName: env.knowledge.params.contact.value.name, phone: env.knowledge.params.contact.value.phone };
      const hint = env.flow.texts.unsure[step.id];
      const lines = [hint ? fill(hint, vars) : tf(env, 'unsureDefault', { contactName: vars.contactName, phone: vars.phone }), ...(step.optional ? [t(env, 'unsureSkip')] : [])];
      return reask(state, mode, env, [plain(lines.join('\n'))]);
    }
    case 'whatever': {
      // "随便", "都行": the question needs one of its choices.
      const step = mode?.kind === 'asking' ? env.flow.stepById.get(mode.step) : undefined;
      const choices = step ? (step.kind === 'boolean' ? [t(env, 'yes'), t(env, 'no')] : optionsOf(step, env)?.map((o) => o.label)) : undefined;
      return reask(state, mode, env, choices ? [plain(tf(env, 'whatever', { choices: choices.join(' / ') }))] : []);
    }
    case 'review': return review(state, env);
    case 'modify': return modifyMenu(state, env);
    case 'share': return { state, mode, replies: [shareText(state, env)], ask: null, assessment: null };
    case 'result': {
      const turn = verdict({ ...state, lastVerdict: null }, env);
      return { ...turn, state: { ...turn.state, lastVerdict: state.lastVerdict }, mode: mode?.kind === 'asking' ? mode : turn.mode };
    }
    case 'confirm': return asking ? reask(state, mode, env, []) : verdict(state, env);
    case 'edit': {
      const step = env.flow.stepById.get(event.step);
      if (!step || !state.history.includes(step.id)) return asking ? reask(state, mode, env, []) : review(state, env);
      // Once a verdict was shown, a change goes straight to the new verdict and what it changed.
      const editing = state.lastVerdict ? 'verdict' : 'review';
      const old = oldAnswer(step, state, env);
      return ask(state, { kind: 'asking', step: step.id, editing }, step, env, [plain(tf(env, 'editing', { answer: old.label }))], old);
    }
    case 'back': {
      // At the review, 返回 goes back to the last question answered, as from a question.
      if (!asking && mode?.kind !== 'reviewing') return review(state, env);
      const previous = state.history.at(-1);
      if (!previous) return reask(state, mode, env, [plain(t(env, 'nothingToGoBack'))]);
      const step = env.flow.stepById.get(previous)!;
      const old = oldAnswer(step, state, env);
      const { [step.field]: _dropped, ...answers } = state.answers;
      const next: InterviewState = { ...state, history: state.history.slice(0, -1), answers: dropHonourNone(answers, step), skipped: state.skipped.filter((s) => s !== step.id) };
      return ask(next, { kind: 'asking', step: step.id, editing: asking?.editing ?? null }, step, env, [plain(tf(env, 'backTo', { answer: old.label }))], old);
    }
    case 'skip': {
      const step = asking && env.flow.stepById.get(asking.step);
      if (!step) return review(state, env);
      if (!step.optional) return reask(state, mode, env, [plain(tf(env, 'notSkippable', { hint: '' }))]);
      const next = record({ ...state, skipped: [...state.skipped, step.id] }, step);
      return continueAfter(next, asking, env, [plain(tf(env, 'skipped', { answer: shown(step, next.answers, env) }))]);
    }
    case 'answer': {
      const step = asking && env.flow.stepById.get(asking.step);
      if (!step) return state.lastVerdict && !mode ? verdict(state, env) : review(state, env);
      if (event.step !== undefined && event.step !== step.id) return stale(state, asking, env);
      const parsed = readAnswer(step, event.raw, env);
      if (!parsed.ok) return reask(state, mode, env, [plain(tf(env, 'hint', { hint: parsed.hint }))]);
      const answers = setAnswer(state.answers, step, parsed.value);
      const next = record({ ...state, answers }, step);
      // Said back in a few words, so that a misreading shows at once.
      return continueAfter(next, asking, env, [plain(tf(env, 'noted', { answers: toldText(next, [step], env) }))]);
    }
  }
}

/** A press of a button that belongs to another question: nothing is recorded, the pending question again. */
function stale(state: InterviewState, asking: Extract<InterviewMode, { kind: 'asking' }>, env: InterviewEnv): InterviewTurn {
  return reask(state, asking, env, [plain(t(env, 'stale'))]);
}

/** The question now pending, asked again (after a side question), or null when none is. */
export function resumeQuestion(state: InterviewState, mode: InterviewMode | null, env: InterviewEnv): InterviewTurn | null {
  const step = mode?.kind === 'asking' ? env.flow.stepById.get(mode.step) : undefined;
  if (!step) return null;
  const turn = ask(state, mode as Extract<InterviewMode, { kind: 'asking' }>, step, env, []);
  turn.replies.at(-1)!.text = tf(env, 'resume', { n: questionNumber(state, step), question: questionText(step, env) });
  return turn;
}

/** Whether a text reads as an answer to the pending question (for telling answers from side questions). */
export function readsAsAnswer(mode: InterviewMode | null, text: string, env: InterviewEnv): boolean {
  const step = mode?.kind === 'asking' ? env.flow.stepById.get(mode.step) : undefined;
  return !!step && readAnswer(step, text, env).ok;
}

// ── asking ──

function record(state: InterviewState, step: Step): InterviewState {
  return { ...state, history: state.history.includes(step.id) ? state.history : [...state.history, step.id] };
}

function continueAfter(state: InterviewState, from: Extract<InterviewMode, { kind: 'asking' }>, env: InterviewEnv, before: Reply[]): InterviewTurn {
  const turn = advance(state, from.editing, env);
  return { ...turn, replies: [...before, ...turn.replies] };
}

/** Asks the next question the rules still need, or goes to the review (or straight to the verdict after a change). */
function advance(state: InterviewState, editing: 'review' | 'verdict' | null, env: InterviewEnv): InterviewTurn {
  const step = nextStep(state, env);
  if (step) return ask(state, { kind: 'asking', step: step.id, editing }, step, env, []);
  if (editing === 'verdict') return verdict(state, env);
  return review(state, env);
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


/** A question's number: its place among the answers when it is being changed, else the next one. */
function questionNumber(state: InterviewState, step: Step): number {
  const at = state.history.indexOf(step.id);
  return at >= 0 ? at + 1 : state.history.length + 1;
}

function ask(state: InterviewState, mode: Extract<InterviewMode, { kind: 'asking' }>, step: Step, env: InterviewEnv, before: Reply[], previous?: { label: string; raw: string }): InterviewTurn {
  const text = tf(env, 'progress', { n: questionNumber(state, step), question: questionText(step, env) });
  const answer = (label: string, value: string): Button => ({ label, action: formatAction({ kind: 'answer', step: step.id, value }) });
  const nav = (label: string, op: 'skip' | 'back' | 'exit'): Button => ({ label, action: formatAction({ kind: 'interview', op }) });
  const buttons: Button[] = [];
  if (step.kind === 'boolean') buttons.push(answer(t(env, 'yes'), 'true'), answer(t(env, 'no'), 'false'));
  for (const o of optionsOf(step, env) ?? []) buttons.push(answer(o.label, o.value));
  if (step.kind === 'month' && step.nullable) buttons.push(answer(t(env, 'none'), 'none'));
  if (step.optional) buttons.push(nav(t(env, 'skip'), 'skip'));
  if (state.history.length > 0) buttons.push(nav(t(env, 'back'), 'back'));
  buttons.push(nav(t(env, 'exit'), 'exit'));
  // After 返回 or when changing an answer, the old answer is offered as a button.
  if (previous) buttons.unshift(answer(previous.label.slice(0, 20), previous.raw));
  const reply: Reply = { text, buttons: dedupe(buttons), citations: cite(env.knowledge, step.clauses) };
  return { state, mode, replies: [...before, reply], ask: askOf(step, env), assessment: null };
}

/** The pending question again, after something else was said (or the review, when reviewing). */
function reask(state: InterviewState, mode: InterviewMode | null, env: InterviewEnv, before: Reply[]): InterviewTurn {
  const step = mode?.kind === 'asking' ? env.flow.stepById.get(mode.step) : undefined;
  if (!step) {
    if (mode?.kind !== 'reviewing') return { state, mode, replies: before, ask: null, assessment: null };
    const turn = review(state, env);
    return { ...turn, replies: [...before, ...turn.replies] };
  }
  return ask(state, mode as Extract<InterviewMode, { kind: 'asking' }>, step, env, before);
}

/** A step's current answer, as shown and as the button that gives it again. */
function oldAnswer(step: Step, state: InterviewState, env: InterviewEnv): { label: string; raw: string } {
  return { label: shown(step, state.answers, env), raw: rawOf(step, readField(state.answers, step.field)) };
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

/** The review: the answers grouped by phase, numbered; one 修改 button (which asks which item), not one per line. */
function review(state: InterviewState, env: InterviewEnv): InterviewTurn {
  const answered = state.history.map((id) => env.flow.stepById.get(id)!);
  const lines: string[] = [];
  for (const phase of env.flow.phases) {
    const inPhase = answered.map((step, i) => ({ step, i })).filter(({ step }) => phase.steps.includes(step));
    if (!inPhase.length) continue;
    const title = env.flow.texts.phases[phase.id];
    if (title) lines.push(tf(env, 'reviewGroup', { title }));
    for (const { step, i } of inPhase) lines.push(tf(env, 'reviewLine', { n: i + 1, field: env.flow.texts.labels[step.id]!, answer: shown(step, state.answers, env) }));
  }
  const buttons: Button[] = [
    { label: t(env, 'confirm'), action: formatAction({ kind: 'interview', op: 'confirm' }) },
    { label: t(env, 'modify'), action: formatAction({ kind: 'interview', op: 'modify' }) },
    { label: t(env, 'restart'), action: formatAction({ kind: 'interview', op: 'restart' }) },
  ];
  const reply: Reply = { text: [t(env, 'review'), ...lines].join('\n'), buttons, citations: [] };
  return { state, mode: { kind: 'reviewing' }, replies: [reply], ask: null, assessment: null };
}

/** Which answer to change: the items as buttons (typing the number works too, as with every button). */
function modifyMenu(state: InterviewState, env: InterviewEnv): InterviewTurn {
  const answered = state.history.map((id) => env.flow.stepById.get(id)!);
  const buttons: Button[] = [
    ...answered.map((step, i) => ({ label: `${i + 1}. ${env.flow.texts.labels[step.id]!}`.slice(0, 20), action: formatAction({ kind: 'edit', step: step.id }) })),
    { label: t(env, 'backToReview'), action: formatAction({ kind: 'interview', op: 'review' }) },
  ];
  return { state, mode: { kind: 'reviewing' }, replies: [{ text: t(env, 'whichItem'), buttons, citations: [] }], ask: null, assessment: null };
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
  // The season: after the personal deadline the verdict says so first and turns to the next one;
  // before it, the days left lead.
  const today = dateInZone(env.now, env.timeZone);
  const personal = k.params.individualDeadline.value;
  const unit = k.params.unitDeadline.value;
  const closed = today > personal;
  if (closed) {
    const unitOpen = today <= unit ? tf(env, 'seasonUnitOpen', { date: cnDate(unit), days: daysBetween(today, unit) }) : '';
    replies.push({ text: tf(env, 'seasonClosed', { year: personal.slice(0, 4), date: cnDate(personal), today: cnDate(today), unitOpen }), buttons: [], citations: cite(k, k.params.individualDeadline.clauses) });
  }
  const daysLeft = closed ? '' : tf(env, 'daysLeftLead', { date: cnDate(personal), days: daysBetween(today, personal) });
  if (a.eligible) {
    const routes = a.routes.map((r) => routeTitle(r, k)).join('；');
    const profile = profileFromAnswers(state.answers, k.params);
    const flags = { mismatch: !profile.educationRelevant && profile.education !== 'none', techSchool: profile.education.startsWith('tech-') };
    const clauses = a.routes.flatMap((r) => routeClauses(r, k.params, flags));
    const lead = closed ? tf(env, 'eligibleNextSeason', { routes }) : `${tf(env, 'eligible', { routes })}${daysLeft}${t(env, 'nextStep')}`;
    const citations = cite(k, unique(clauses));
    replies.push({ text: [lead, ...a.notes.slice(2), sourceOf(citations, env)].join('\n'), buttons: [], citations });
  } else if (onlyFixable(a, k)) {
    // Only what can still be done before the deadline is missing: the route holds once it is done.
    const routes = a.routes.map((r) => routeTitle(r, k)).join('；');
    const lead = closed ? tf(env, 'fixableNextSeason', { routes }) : `${tf(env, 'fixable', { routes, deadline: cnDate(personal) })}${daysLeft}`;
    const citations = cite(k, unique([...a.blockers.flatMap((b) => b.clauses), ...k.params.fixableBlockers.clauses]));
    const lines = [lead, ...a.blockers.map((b) => `• ${b.message}`), sourceOf(citations, env)];
    replies.push({ text: lines.join('\n'), buttons: [], citations });
  } else {
    const lines = [t(env, 'notEligible'), ...a.blockers.map((b) => `• ${b.message}`)];
    if (!requiredAnswered(state.answers)) lines.push(t(env, 'earlyStop'));
    for (const m of a.nearMiss) lines.push(tf(env, 'nearMiss', { route: routeTitle(m.route, k), short: m.short }));
    lines.push(...a.notes.slice(2));
    const citations = cite(k, unique(a.blockers.flatMap((b) => b.clauses)));
    if (citations.length) lines.push(sourceOf(citations, env));
    replies.push({ text: lines.join('\n'), buttons: [], citations });
  }
  if (a.checklist.length > 0) {
    // What everyone does, then what this person's situation adds.
    const common = baseChecklist(k).length;
    const mine = a.checklist.slice(common);
    const items = [
      t(env, 'checklistCommon'), ...a.checklist.slice(0, common).map((c, i) => `${i + 1}. ${c.item}`),
      ...(mine.length ? [t(env, 'checklistMine'), ...mine.map((c, i) => `${common + i + 1}. ${c.item}`)] : []),
    ];
    replies.push({ text: [t(env, 'checklistTitle'), ...items].join('\n'), buttons: [], citations: cite(k, unique(a.checklist.flatMap((c) => c.clauses))) });
  }
  const deadlineLines = a.deadlines.map((d) => `• ${d.what}${d.date ? `：${cnDate(d.date)}` : ''}`);
  replies.push({
    text: [t(env, 'deadlinesTitle'), a.notes[1] ?? '', ...deadlineLines].filter(Boolean).join('\n'),
    buttons: [
      { label: t(env, 'modify'), action: formatAction({ kind: 'interview', op: 'review' }) },
      { label: t(env, 'share'), action: formatAction({ kind: 'interview', op: 'share' }) },
      // Out of season: to be told when the next notice is loaded.
      ...(closed ? [{ label: t(env, 'nextSeason'), action: formatAction({ kind: 'remind', op: 'next' }) }] : []),
      { label: t(env, 'again'), action: formatAction({ kind: 'interview', op: 'restart' }) },
      { label: t(env, 'menu'), action: formatAction({ kind: 'menu' }) },
    ],
    citations: cite(k, unique(a.deadlines.flatMap((d) => d.clauses))),
  });
  return { state: { ...state, lastVerdict: digest }, mode: null, replies, ask: null, assessment: a };
}

/** Not eligible only for what can still be done before the deadline (hours): a route holds. */
function onlyFixable(a: Assessment, k: Knowledge): boolean {
  return !a.eligible && a.routes.length > 0 && a.blockers.every((b) => isFixable(b.code, k.params));
}

/** The verdict, the checklist with tick boxes and the deadlines as one plain text, to forward (to HR, to oneself) or print. */
function shareText(state: InterviewState, env: InterviewEnv): Reply {
  const a = interviewAssessment(state, env);
  const k = env.knowledge;
  const routes = a.routes.map((r) => routeTitle(r, k)).join('；');
  const verdict = a.eligible ? tf(env, 'eligible', { routes }) : onlyFixable(a, k) ? tf(env, 'fixable', { routes, deadline: cnDate(k.params.individualDeadline.value) }) : t(env, 'notEligible');
  const lines = [
    tf(env, 'shareTitle', { title: k.notice.title }),
    verdict,
    ...a.blockers.map((b) => `• ${b.message}`),
    '',
    t(env, 'checklistTitle'),
    ...a.checklist.map((c) => `☐ ${c.item}`),
    '',
    t(env, 'deadlinesTitle'),
    ...a.deadlines.map((d) => `• ${d.what}${d.date ? `：${cnDate(d.date)}` : ''}`),
    tf(env, 'shareContact', { contactName: k.params.contact.value.name, phone: k.params.contact.value.phone }),
  ];
  return { text: lines.join('\n'), buttons: [], citations: [] };
}

/** The clauses a message rests on, as one compact line. */
function sourceOf(citations: readonly Citation[], env: InterviewEnv): string {
  return tf(env, 'source', { titles: citations.map((c) => c.title).join('；') });
}

function describeChange(before: VerdictDigest, after: VerdictDigest, a: Assessment, env: InterviewEnv): string {
  const changes: string[] = [];
  if (before.eligible !== after.eligible) changes.push(t(env, after.eligible ? 'changeEligible' : 'changeIneligible'));
  if (before.routes.join() !== after.routes.join() && after.routes.length) changes.push(tf(env, 'changeRoutes', { routes: a.routes.map((r) => routeTitle(r, env.knowledge)).join('；') }));
  if (before.blockers.join() !== after.blockers.join() && after.blockers.length) changes.push(tf(env, 'changeBlockers', { blockers: a.blockers.map((b) => b.message).join('；') }));
  const diff = after.checklist.filter((x) => !before.checklist.includes(x)).length + before.checklist.filter((x) => !after.checklist.includes(x)).length;
  if (diff > 0) changes.push(tf(env, 'changeChecklist', { n: diff }));
  return changes.length ? tf(env, 'changed', { changes: changes.join('；') }) : t(env, 'unchanged');
}

// ── small helpers ──

function t(env: InterviewEnv, key: InterviewTextKey): string {
  return env.flow.texts.texts[key];
}

/** A text filled with exactly the placeholders its key declares (flows/interview-texts.yaml). */
function tf<K extends InterviewTextKey>(env: InterviewEnv, key: K, vars: Vars<typeof INTERVIEW_TEXTS, K>): string {
  return fill(env.flow.texts.texts[key], vars);
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

function dedupe(buttons: Button[]): Button[] {
  const seen = new Set<string>();
  return buttons.filter((b) => (seen.has(b.action) ? false : (seen.add(b.action), true)));
}

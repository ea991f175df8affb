/**
 * The dialogue engine's pure step: (stored session, input, env) → { session, replies, effects, … }.
 * No I/O: the clock's value, the knowledge, the flows and the search index come in through `env`,
 * and everything to be done besides replying is returned as data (`effects`).
 *
 * It routes between the menu, questions about the notice, FAQ browsing, the HR track, reminders
 * and the eligibility check. The check may be interrupted (a side question, a photo, an FAQ
 * button, a command): whatever interrupts it, the pending question is asked again afterwards, in
 * one place (`resumeAfter`), like Rasa's interrupted-flow frame.
 */
import { parseAction, type Action } from '../core/actions.ts';
import type { Input, Reply } from '../core/types.ts';
import { contentHash } from '../core/data-file.ts';
import { amend, beginInterview, interviewStep, readsAsAnswer, resumeQuestion, type InterviewEvent, type InterviewMode, type InterviewTurn } from '../interview/engine.ts';
import { checkPhoto, photoFacts } from '../photo/check.ts';
import { profileAnswers } from '../qa/personal.ts';
import { cite } from '../knowledge/cite.ts';
import type { Env } from './env.ts';
import { interviewEnv } from './env.ts';
import { matchIntent } from './flow.ts';
import { paperDeadlineAnswer } from './paper-deadline.ts';
import { listReminders, remindIntro, subscribe, unsubscribe } from './reminders.ts';
import {
  answerReply, backButton, button, clauseButton, clauseText, deadlines, faqAnswer, hrKind, hrKinds, hrMenu,
  menu, menuButtons, photoResultLines, reply, topicList, topics, welcome,
} from './screens.ts';
import { restoreSession, type Mode, type Session } from './session.ts';
import type { Effect, StepResult } from './types.ts';
import type { Reading } from '../reading/index.ts';
import { mergeFacts } from './context.ts';
import { readText, situationNote, understand } from './understand.ts';

export { newSession, flowsVersion } from './session.ts';

/** Longest message searched; a longer one is asked to be shortened. */
export const MAX_QUESTION_CHARS = 2000;

/**
 * What one handler produced. `pause` marks a screen that leaves the pending question waiting
 * without asking it again (the menu, a list of topics): the person chose to look elsewhere.
 */
interface Outcome {
  session?: Session;
  replies: Reply[];
  ask?: StepResult['ask'];
  assessment?: StepResult['assessment'];
  fallback?: boolean;
  effects?: Effect[];
  pause?: boolean;
}

/** One turn. `stored` is whatever the store holds for the person (undefined for someone new). */
export function step(stored: unknown, input: Input, env: Env): StepResult {
  const restored = restoreSession(stored, env);
  // A comment is awaited for one message only, after 👎.
  const awaiting = restored.feedback.awaiting;
  const session: Session = awaiting ? { ...restored, feedback: { ...restored.feedback, awaiting: null } } : restored;
  const commented = awaiting && input.kind === 'text' ? feedbackComment(session, awaiting, input.text, env) : null;
  const out = commented ?? resumeAfter(route(session, input, env), session, env);
  const next = out.session ?? session;
  return {
    replies: out.replies,
    ask: out.ask ?? null,
    assessment: out.assessment ?? null,
    fallback: out.fallback ?? false,
    effects: out.effects ?? [],
    session: { ...next, greeted: true },
  };
}

/** The one resume mechanism: after anything that did not itself ask, the pending question again. */
function resumeAfter(out: Outcome, before: Session, env: Env): Outcome {
  const session = out.session ?? before;
  if (out.ask || out.pause || session.mode.kind !== 'asking' || !session.interview) return out;
  const turn = resumeQuestion(session.interview, session.mode, interviewEnv(env));
  return turn ? { ...out, replies: [...out.replies, ...turn.replies], ask: turn.ask } : out;
}

function route(session: Session, input: Input, env: Env): Outcome {
  if (session.mode.kind === 'confirming-forget') return confirmingForget(session, session.mode.then, input, env);
  switch (input.kind) {
    case 'action': {
      const action = parseAction(input.action);
      return action ? onAction(session, action, env) : unknownAction(session, env);
    }
    case 'value':
      if (session.mode.kind === 'asking') return interview(session, { kind: 'answer', raw: input.value }, env);
      return typeof input.value === 'string' ? onText(session, input.value, env) : { replies: [reply(env, 'noPendingQuestion', {}, menuButtons(env, session))] };
    case 'text': return onText(session, input.text, env);
    case 'photo': return { replies: [photoReply(input.data, env)] };
  }
}

// ── 删除我的数据 ──

function forget(session: Session, env: Env): Outcome {
  const b = env.flow.buttons;
  const then = session.mode.kind === 'confirming-forget' ? session.mode.then : session.mode;
  return {
    session: { ...session, mode: { kind: 'confirming-forget', then } },
    replies: [reply(env, 'forgetConfirm', {}, [button(b.forgetYes, { kind: 'forget-confirm', yes: true }), button(b.forgetNo, { kind: 'forget-confirm', yes: false })])],
  };
}

/** The answer to "delete everything?": yes deletes; anything else cancels (and is then handled as usual). */
function confirmingForget(session: Session, then: Exclude<Mode, { kind: 'confirming-forget' }>, input: Input, env: Env): Outcome {
  const action = input.kind === 'action' ? parseAction(input.action) : null;
  const typed = input.kind === 'text' ? matchIntent(env.flow, input.text, ['confirm', 'deny']) : undefined;
  const restored: Session = { ...session, mode: then };
  if ((action?.kind === 'forget-confirm' && action.yes) || typed === 'confirm') {
    return { session: { ...restoreSession(undefined, env), greeted: true }, replies: [reply(env, 'forgotten', {}, menuButtons(env))], effects: [{ kind: 'forget' }], pause: true };
  }
  const cancelled = reply(env, 'forgetCancelled', {}, []);
  if (action?.kind === 'forget-confirm' || typed === 'deny' || input.kind === 'value') {
    return { session: restored, replies: [{ ...cancelled, buttons: menuButtons(env, restored) }] };
  }
  const next = route(restored, input, env);
  return { ...next, session: next.session ?? restored, replies: [cancelled, ...next.replies] };
}

// ── typed text ──

function onText(session: Session, raw: string, env: Env): Outcome {
  const text = raw.trim();
  if (!text) return { replies: [reply(env, 'empty', {}, menuButtons(env, session))] };
  if (text.length > MAX_QUESTION_CHARS) return { replies: [reply(env, 'tooLong', { max: MAX_QUESTION_CHARS }, menuButtons(env, session))] };
  if (session.mode.kind === 'asking') return duringInterview(session, text, env);
  // "有用" / "没用" typed right after an answer rate it.
  const vote = matchIntent(env.flow, text, ['helpful', 'unhelpful']);
  const last = session.feedback.recent.at(-1);
  if (vote && last) return feedback(session, { kind: 'feedback', vote: vote === 'helpful' ? 'up' : 'down', qid: last.qid }, env);
  switch (matchIntent(env.flow, text, ['greeting', 'menu', 'thanks', 'faqBrowse', 'deadlines', 'check', 'result', 'hr', 'forget', 'subscribe', 'myReminders', 'unsubscribe'])) {
    case 'greeting': return { replies: [welcome(env, session)] };
    case 'menu': return { replies: [menu(env, session)] };
    case 'thanks': return { replies: [reply(env, 'thanks', {}, menuButtons(env, session))] };
    case 'faqBrowse': return onAction(session, { kind: 'faq-topics' }, env);
    case 'deadlines': return onAction(session, { kind: 'deadlines' }, env);
    case 'check': return onAction(session, { kind: 'interview', op: 'start' }, env);
    case 'result': return onAction(session, { kind: 'interview', op: 'result' }, env);
    case 'hr': return onAction(session, { kind: 'hr' }, env);
    case 'forget': return forget(session, env);
    case 'subscribe': return onAction(session, { kind: 'remind', op: 'intro' }, env);
    case 'myReminders': return onAction(session, { kind: 'remind', op: 'list' }, env);
    case 'unsubscribe': return onAction(session, { kind: 'remind', op: 'cancel' }, env);
    case undefined: break;
  }
  // At the review, 返回 goes back to the last question.
  if (session.mode.kind === 'reviewing' && matchIntent(env.flow, text, ['back']) === 'back') return interview(session, { kind: 'back' }, env);
  // At the review or after the verdict, a correction or new facts change the check's answers.
  if (session.interview && (session.mode.kind === 'reviewing' || session.interview.lastVerdict) && !looksLikeQuestion(text)) {
    const told = toldToCheck(session, readText(text, env), env);
    if (told) return told;
  }
  const answered = question(text, env, session);
  // The first reply a person gets also says what the bot can do.
  return session.greeted ? answered : { ...answered, replies: [...answered.replies, welcome(env, session)] };
}

/**
 * A message while the check waits for an answer: a command (返回, 跳过, …); a side question
 * (answered, then the pending question again); or the answer itself.
 */
function duringInterview(session: Session, text: string, env: Env): Outcome {
  const command = matchIntent(env.flow, text, ['back', 'skip', 'restart', 'exit', 'help', 'menu', 'forget', 'subscribe', 'myReminders', 'unsubscribe']);
  switch (command) {
    case 'back': case 'skip': case 'restart': case 'help': return interview(session, { kind: command }, env);
    case 'exit': return exitInterview(session, env);
    case 'menu': return { replies: [reply(env, 'paused', {}, menuButtons(env, session))], pause: true };
    case 'forget': return forget(session, env);
    case 'subscribe': return onAction(session, { kind: 'remind', op: 'intro' }, env);
    case 'myReminders': return onAction(session, { kind: 'remind', op: 'list' }, env);
    case 'unsubscribe': return onAction(session, { kind: 'remind', op: 'cancel' }, env);
    case undefined: break;
  }
  // "不知道" is never an answer nor a search: where to find it out. "随便" asks for the choices again.
  const reading = readText(text, env);
  if (reading.act === 'unsure') return interview(session, { kind: 'unsure' }, env);
  if (env.knowledge.lexicon.whatever.has(reading.normalized) && [...reading.normalized].length <= 6) return interview(session, { kind: 'whatever' }, env);
  // "我是本科" answers the question; "本科要几年？" is a side question.
  const reads = readsAsAnswer(session.mode as InterviewMode, text, interviewEnv(env));
  const asks = looksLikeQuestion(text);
  // "不是国企", "大专，2016年9月开始在印染厂做技术", "不对，公司不在北片": read, recorded, said back.
  const told = asks ? null : toldToCheck(session, reading, env);
  if (told) return told;
  if (reads && !asks) return interview(session, { kind: 'answer', raw: text }, env);
  const side = question(text, env, session);
  // A side question: its answer (or the honest fallback, when it is a question); the pending question follows.
  if (!side.fallback || (asks && !reads)) return side;
  // Otherwise it is meant as the answer: taken, or re-asked with the expected form.
  return interview(session, { kind: 'answer', raw: text }, env);
}

/**
 * What the person says in their own words while the check runs, at its review, or after its
 * verdict: the answers it gives are recorded by their reading ("不是国企" answers 民营企业吗 with 是,
 * "2021年是基本合格" the review question with 否), facts for later questions are filled in, and a
 * correction ("不对，我是2019年拿的技师") changes the answer it names; each is said back, and the
 * check goes on. Null when the text gives the check nothing.
 */
function toldToCheck(session: Session, reading: Reading, env: Env): Outcome | null {
  const state = session.interview;
  if (!state) return null;
  const correcting = reading.act === 'correction';
  const known = checkAnswers(reading, state, env);
  if (!Object.keys(known).length) return null;
  const mode = session.mode.kind === 'asking' || session.mode.kind === 'reviewing' ? session.mode : null;
  const facts = mergeFacts(session.context.facts, reading.facts, correcting);
  const note = mode?.kind === 'asking' && !correcting ? situationNote(facts, env, reading.language) ?? undefined : undefined;
  const turn = amend(state, mode as InterviewMode | null, known, correcting || !mode, interviewEnv(env), note);
  return turn ? fromTurn({ ...session, context: { ...session.context, facts } }, turn) : null;
}

/**
 * The check's answers a reading gives, by field. A date corrected with its year only keeps the
 * month answered before ("不对，是2016年"); a bare date in a correction goes to the one date answered.
 */
function checkAnswers(reading: Reading, state: NonNullable<Session['interview']>, env: Env): Record<string, unknown> {
  const known = profileAnswers(reading.facts);
  if (reading.act !== 'correction') return known;
  const months = env.interview.steps.filter((s) => s.kind === 'month').map((s) => s.field);
  const answered = (f: string) => typeof state.answers[f] === 'string' ? state.answers[f] as string : undefined;
  const spans = reading.facts as Record<string, { from: string; to: string } | null | undefined>;
  for (const f of months) {
    const span = spans[f];
    const old = answered(f);
    if (span && span.from !== span.to && old && !(f in known)) known[f] = `${span.from.slice(0, 4)}-${old.slice(5)}`;
  }
  // A bare date ("不对，是2015年") corrects the date answered last.
  const bare = reading.facts.bareMonth;
  const told = state.history.map((id) => env.interview.stepById.get(id)!).filter((s) => s.kind === 'month' && answered(s.field)).map((s) => s.field);
  if (bare && !months.some((f) => f in known) && told.length) {
    const f = told.at(-1)!;
    known[f] = bare.from === bare.to ? bare.from : `${bare.from.slice(0, 4)}-${answered(f)!.slice(5)}`;
  }
  return known;
}

/** Question words and marks: such a message is asked, not answered. */
function looksLikeQuestion(text: string): boolean {
  return /[?？]|吗|呢|几|多少|多久|怎么|怎样|什么|哪|如何|是否|能否|可否|要不要|能不能|可不可以/.test(text);
}

// ── buttons ──

function onAction(session: Session, action: Action, env: Env): Outcome {
  switch (action.kind) {
    case 'start': return { replies: [welcome(env, session)], pause: true };
    case 'menu': return { replies: [menu(env, session)], pause: true };
    case 'ask': return { replies: [reply(env, 'askPrompt', {}, [])], pause: true };
    case 'faq-topics': return { replies: [topics(env)], pause: true };
    case 'topic': return screen(session, env, topicList(env, action.id), true);
    // An entry opened from a list or a button is an answer too: it can be rated.
    case 'faq': {
      const shown = screen(session, env, faqAnswer(env, action.id), false);
      return env.knowledge.faqById.has(action.id) ? offerVotes(shown, session, env, contentHash([env.now.toISOString(), `faq:${action.id}`]), `faq:${action.id}`) : shown;
    }
    case 'clause': return screen(session, env, clauseText(env, action.id), false);
    case 'deadlines': return { replies: [deadlines(env)], pause: true };
    case 'hr': return { replies: [hrMenu(env)], pause: true };
    case 'hr-kinds': return { replies: [hrKinds(env)], pause: true };
    case 'hr-kind': return screen(session, env, hrKind(env, action.id), false);
    case 'forget': return forget(session, env);
    // A confirmation button with nothing to confirm (pressed again later): nothing is deleted.
    case 'forget-confirm': return { replies: [reply(env, 'forgetCancelled', {}, menuButtons(env, session))] };
    case 'remind':
      switch (action.op) {
        case 'intro': return { ...remindIntro(env, session), pause: true };
        case 'applicant': case 'hr': return subscribe(env, session, action.op);
        case 'next': return subscribe(env, session, 'next-edition');
        case 'list': return listReminders(env, session);
        case 'cancel': return unsubscribe(env, session);
      }
      break;
    case 'interview': {
      const { op } = action;
      if (op === 'start') return startInterview(session, env);
      // The last verdict again, any time (across reloads and restarts: it is in the stored session).
      if (op === 'share') return session.interview?.lastVerdict ? { ...interview(session, { kind: 'share' }, env), pause: true } : { replies: [reply(env, 'noResult', {}, menuButtons(env, session))] };
      if (op === 'result') return session.interview?.lastVerdict ? { ...interview(session, { kind: 'result' }, env), pause: true } : { replies: [reply(env, 'noResult', {}, menuButtons(env, session))] };
      if (op === 'exit') return session.interview ? exitInterview(session, env) : { replies: [menu(env, session)] };
      if (!session.interview) return startInterview(session, env);
      if (op === 'resume') return session.mode.kind === 'asking' ? { replies: [] } : interview(session, { kind: 'review' }, env);
      return interview(session, { kind: op }, env);
    }
    case 'edit': return session.interview ? interview(session, { kind: 'edit', step: action.step }, env) : unknownAction(session, env);
    case 'answer':
      if (session.mode.kind === 'asking') return interview(session, { kind: 'answer', raw: action.value, step: action.step }, env);
      return unknownAction(session, env);
    case 'feedback': return feedback(session, action, env);
  }
  return unknownAction(session, env);
}

/** A screen for an id from a button; an id that no longer exists reads as a stale button. */
function screen(session: Session, env: Env, shown: Reply | undefined, pause: boolean): Outcome {
  return shown ? { replies: [shown], pause } : unknownAction(session, env);
}

function unknownAction(session: Session, env: Env): Outcome {
  return { replies: [reply(env, 'unknownAction', {}, menuButtons(env, session))] };
}

// ── the eligibility check ──

/** Begins the check; what the person told before is filled in (and shown in the review). */
function startInterview(session: Session, env: Env): Outcome {
  const out = fromTurn(session, beginInterview(interviewEnv(env), profileAnswers(session.context.facts)));
  return { ...out, effects: [{ kind: 'log-check', event: 'started' }, ...(out.effects ?? [])] };
}

function interview(session: Session, event: InterviewEvent, env: Env): Outcome {
  const mode = session.mode.kind === 'asking' || session.mode.kind === 'reviewing' ? session.mode : null;
  return fromTurn(session, interviewStep(session.interview!, mode, event, interviewEnv(env)));
}

function fromTurn(session: Session, turn: InterviewTurn): Outcome {
  const a = turn.assessment;
  const effects: Effect[] = a ? [
    { kind: 'remember-checklist', items: a.checklist.map((c) => c.item) },
    { kind: 'log-check', event: 'verdict', eligible: a.eligible, blockers: a.blockers.map((b) => b.code) },
  ] : [];
  return {
    session: { ...session, interview: turn.state, mode: turn.mode ?? { kind: 'idle' } },
    replies: turn.replies, ask: turn.ask, assessment: turn.assessment, effects,
    // The check's own turns ask what they need; nothing to resume after them.
    pause: true,
  };
}

function exitInterview(session: Session, env: Env): Outcome {
  const text = env.interview.texts.texts.exited;
  return { session: { ...session, interview: null, mode: { kind: 'idle' } }, replies: [{ text, buttons: menuButtons(env), citations: [] }] };
}

// ── questions and photos ──

function question(text: string, env: Env, session: Session): Outcome & { fallback: boolean } {
  const k = env.knowledge;
  const paper = paperDeadlineAnswer(text, k, env.flow);
  if (paper) {
    return rateable(text, env, session, {
      replies: [answerReply(env, paper.text, paper.citations, [clauseButton(env, paper.citations[0]!.id), backButton(env)])],
      fallback: false,
      effects: [{ kind: 'log-question', question: text, focus: ['deadline'], answered: true, entry: 'paper-deadline', score: 1 }],
    });
  }
  const u = understand(session, text, env);
  if (u.startCheck) return { ...startInterview(u.session, env), fallback: false };
  return rateable(text, env, session, { session: u.session, replies: u.replies, fallback: u.fallback, effects: u.effects });
}

// ── 👍/👎 ──

/** How many of the latest answers can still be rated. */
const RATEABLE = 5;

/**
 * An answered message made rateable: its questions' log entries get the message's id, and the
 * answer offers 👍/👎 (`offerVotes`).
 */
function rateable(text: string, env: Env, before: Session, out: Outcome & { fallback: boolean }): Outcome & { fallback: boolean } {
  const logged = (out.effects ?? []).filter((e) => e.kind === 'log-question');
  if (!logged.length) return out;
  const qid = contentHash([env.now.toISOString(), text]);
  const rated = offerVotes(out, before, env, qid, logged.find((e) => e.answered)?.entry ?? null);
  return { ...rated, fallback: out.fallback, effects: (out.effects ?? []).map((e) => (e.kind === 'log-question' ? { ...e, qid } : e)) };
}

/**
 * 👍/👎 on an answer (message `qid`, from `entry`): the session remembers it among the latest that
 * can be rated, and the last reply offers the two buttons, except while the check waits for an
 * answer (its own buttons ask then).
 */
function offerVotes(out: Outcome, before: Session, env: Env, qid: string, entry: string | null): Outcome {
  if (!out.replies.length) return out;
  const session = out.session ?? before;
  const recent = [...session.feedback.recent.filter((r) => r.qid !== qid), { qid, entry }].slice(-RATEABLE);
  const b = env.flow.buttons;
  const buttons = session.mode.kind === 'asking' ? [] : [button(b.helpful, { kind: 'feedback', vote: 'up', qid }), button(b.unhelpful, { kind: 'feedback', vote: 'down', qid })];
  const last = out.replies.length - 1;
  return {
    ...out,
    session: { ...session, feedback: { recent, awaiting: null } },
    replies: out.replies.map((r, i) => (i === last ? { ...r, buttons: [...r.buttons, ...buttons] } : r)),
  };
}

/** A vote on an answer: counted once per answer (a changed vote replaces it); 👎 asks for an optional comment. */
function feedback(session: Session, action: Extract<Action, { kind: 'feedback' }>, env: Env): Outcome {
  const { qid, vote } = action;
  if (vote === 'skip') return { replies: [reply(env, 'feedbackThanks', {}, [])] };
  const rated = session.feedback.recent.find((r) => r.qid === qid);
  if (rated?.vote === vote) return { replies: [reply(env, 'feedbackAlready', {}, [])] };
  const recent = session.feedback.recent.map((r) => (r.qid === qid ? { ...r, vote } : r));
  const effects: Effect[] = [{ kind: 'feedback', qid, entry: rated?.entry ?? null, vote }];
  // No comment is asked for while the check waits: the next message is its answer.
  if (vote === 'down' && session.mode.kind !== 'asking') {
    const skip = button(env.flow.buttons.skipComment, { kind: 'feedback', vote: 'skip', qid });
    return { session: { ...session, feedback: { recent, awaiting: qid } }, replies: [reply(env, 'feedbackAskComment', {}, [skip])], effects, pause: true };
  }
  return { session: { ...session, feedback: { ...session.feedback, recent } }, replies: [reply(env, 'feedbackThanks', {}, [])], effects };
}

/** Longest comment kept after 👎. */
const MAX_COMMENT_CHARS = 300;

/**
 * The message after 👎 (asked for as a comment): kept as the comment, unless it is a command. One
 * that asks something ("没说公需课怎么算？") is also answered: it says what the answer missed.
 */
function feedbackComment(session: Session, qid: string, raw: string, env: Env): Outcome | null {
  const text = raw.trim();
  if (!text || text.length > MAX_COMMENT_CHARS || matchIntent(env.flow, text)) return null;
  const entry = session.feedback.recent.find((r) => r.qid === qid)?.entry ?? null;
  const comment: Effect = { kind: 'feedback', qid, entry, vote: 'down', comment: text };
  const thanks = reply(env, 'feedbackCommentThanks', {}, []);
  if (looksLikeQuestion(text)) {
    const answered = resumeAfter(route(session, { kind: 'text', text }, env), session, env);
    return { ...answered, replies: [thanks, ...answered.replies], effects: [comment, ...(answered.effects ?? [])] };
  }
  return { replies: [{ ...thanks, buttons: menuButtons(env, session) }], effects: [comment] };
}

/** The photo rules of 附件1 二.1 applied to a sent photo: what passes and exactly what to fix. */
function photoReply(data: Uint8Array, env: Env): Reply {
  const lines = photoResultLines(env, checkPhoto(photoFacts(data), env.knowledge), false);
  return answerReply(env, lines.join('\n'), cite(env.knowledge, env.knowledge.params.photo.clauses), [backButton(env)]);
}

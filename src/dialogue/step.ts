/**
 * The dialogue engine's pure step: (session, input, env) → { session, replies, effects, … }.
 * No I/O: the clock's value, the knowledge, the flows and the search index come in through `env`.
 * It routes between the menu, questions about the notice, FAQ browsing, the HR track and the
 * eligibility interview (src/interview), which a side question may interrupt and resume.
 */
import type { Knowledge } from '../knowledge/load.ts';
import { answerQuestion, cite, faqButton } from '../qa/answer.ts';
import type { SearchIndex } from '../qa/search.ts';
import { beginInterview, interviewStep, readsAsAnswer, resumeQuestion, type InterviewEnv, type InterviewEvent, type InterviewTurn } from '../interview/engine.ts';
import type { InterviewFlow } from '../interview/flow.ts';
import { cnDate } from '../rules/index.ts';
import { dateInZone, daysBetween } from '../rules/months.ts';
import { fill, matchIntent, type ChatFlow, type TextKey } from './flow.ts';
import type { HrTrack } from './hr.ts';
import { checkPhoto, type PhotoFacts } from '../photo/check.ts';
import { paperDeadlineAnswer } from './paper-deadline.ts';
import { listReminders, remindIntro, subscribe, unsubscribe } from './reminders.ts';
import type { Button, Citation, Effect, Input, Reply, Session, StepResult } from './types.ts';

export interface Env {
  now: Date;
  timeZone: string;
  knowledge: Knowledge;
  flow: ChatFlow;
  interview: InterviewFlow;
  hr: HrTrack;
  index: SearchIndex;
}

/** Longest message searched; a longer one is asked to be shortened. */
export const MAX_QUESTION_CHARS = 500;

/** The version a session must carry to be resumed: both flows'. */
export function flowVersion(env: Pick<Env, 'flow' | 'interview'>): string {
  return `${env.flow.version}.${env.interview.version}`;
}

export function newSession(env: Pick<Env, 'flow' | 'interview'>): Session {
  return { flowVersion: flowVersion(env), greeted: false, interview: null, confirmingForget: false };
}

type Outcome = Partial<Omit<StepResult, 'replies'>> & { replies: Reply[] };

export function step(previous: Session | undefined, input: Input, env: Env): StepResult {
  // A session from another version of the flows starts over rather than resuming into a step
  // that may no longer exist.
  // The reminder subscription is kept: the store still holds it.
  const session = previous && previous.flowVersion === flowVersion(env) ? previous : { ...newSession(env), subscription: previous?.subscription ?? null };
  const out = respond(session, input, env);
  return {
    ask: null, assessment: null, fallback: false, effects: [],
    ...out,
    session: { ...(out.session ?? session), greeted: true },
  };
}

function respond(session: Session, input: Input, env: Env): Outcome {
  if (session.confirmingForget) {
    const answer = input.kind === 'action' ? input.action : input.kind === 'text' ? input.text.trim() : '';
    if (answer === 'forget:yes' || ['确认删除', '确认', '是', '删除'].includes(answer)) {
      return { session: newSession(env), replies: [reply(env, 'forgotten', {}, menuButtons(env))], effects: [{ kind: 'forget' } satisfies Effect] };
    }
    return { session: { ...session, confirmingForget: false }, replies: [reply(env, 'forgetCancelled', {}, menuButtons(env))] };
  }
  switch (input.kind) {
    case 'action': return onAction(session, input.action, env);
    case 'value':
      if (session.interview?.stage === 'asking') return interview(session, { kind: 'answer', raw: input.value }, env);
      return typeof input.value === 'string'
        ? onText(session, input.value, env)
        : { replies: [reply(env, 'noPendingQuestion', {}, menuButtons(env))] };
    case 'text': return onText(session, input.text, env);
    case 'photo': return withResume(session, env, { replies: [photoReply(input.facts, env)] });
  }
}

/** The photo rules of 附件1 二.1 applied to a sent photo: what passes and exactly what to fix. */
function photoReply(facts: PhotoFacts, env: Env): Reply {
  const t = env.flow.texts;
  const results = checkPhoto(facts, env.knowledge.params);
  const failed = results.filter((r) => !r.pass);
  const passed = results.filter((r) => r.pass).map((r) => r.need).join('，');
  const lines = failed.length === 0
    ? [fill(t.photoOk, { rules: passed })]
    : [t.photoBad, ...failed.map((r) => fill(t.photoLine, { need: r.need, have: r.have })), ...(passed ? [fill(t.photoPassed, { rules: passed })] : [])];
  return answerReply(env, lines.join('\n'), cite(env.knowledge, env.knowledge.params.photo.clauses), [backButton(env)]);
}

function onText(session: Session, raw: string, env: Env): Outcome {
  const text = raw.trim();
  if (!text) return { replies: [reply(env, 'empty', {}, menuButtons(env))] };
  if (text.length > MAX_QUESTION_CHARS) return { replies: [reply(env, 'tooLong', { max: MAX_QUESTION_CHARS }, menuButtons(env))] };
  if (session.interview?.stage === 'asking') return duringInterview(session, text, env);
  switch (matchIntent(env.flow, text, ['greeting', 'menu', 'thanks', 'faqBrowse', 'deadlines', 'check', 'hr', 'forget', 'subscribe', 'myReminders', 'unsubscribe'])) {
    case 'greeting': return { replies: [welcome(env, session)] };
    case 'menu': return { replies: [menu(env, session)] };
    case 'thanks': return { replies: [reply(env, 'thanks', {}, menuButtons(env, session))] };
    case 'faqBrowse': return { replies: [topics(env)] };
    case 'deadlines': return { replies: [deadlines(env)] };
    case 'check': return startInterview(session, env);
    case 'hr': return { replies: [hrMenu(env)] };
    case 'forget': return forget(session, env);
    case 'subscribe': return remindIntro(env, session);
    case 'myReminders': return listReminders(env, session);
    case 'unsubscribe': return unsubscribe(env, session);
    case undefined: break;
  }
  const answered = question(text, env, session);
  // The first reply a person gets also says what the bot can do.
  return session.greeted ? answered : { ...answered, replies: [...answered.replies, welcome(env, session)] };
}

/**
 * A message while the interview waits for an answer: a command (返回, 跳过, …); a side question,
 * answered and followed by the pending question again; or the answer itself.
 */
function duringInterview(session: Session, text: string, env: Env): Outcome {
  const state = session.interview!;
  const ienv = interviewEnv(env);
  const command = matchIntent(env.flow, text, ['back', 'skip', 'restart', 'exit', 'help', 'menu', 'forget', 'subscribe', 'myReminders', 'unsubscribe']);
  switch (command) {
    case 'back': case 'skip': case 'restart': case 'help': return interview(session, { kind: command }, env);
    case 'exit': return exitInterview(session, env);
    case 'menu': return { replies: [reply(env, 'paused', {}, menuButtons(env, session))] };
    case 'forget': return forget(session, env);
    case 'subscribe': return withResume(session, env, remindIntro(env, session));
    case 'myReminders': return withResume(session, env, listReminders(env, session));
    case 'unsubscribe': return withResume(session, env, unsubscribe(env, session));
    case undefined: break;
  }
  // "我是本科" answers the question; "本科要几年？" is a side question.
  const reads = readsAsAnswer(state, text, ienv);
  const asks = looksLikeQuestion(text);
  const answer = () => interview(session, { kind: 'answer', raw: text }, env);
  if (reads && !asks) return answer();
  const side = question(text, env, session);
  // A side question: its answer (or the honest fallback, when it is a question), then the pending question again.
  if (!side.fallback || (asks && !reads)) {
    const resume = resumeQuestion(state, ienv)!;
    return { ...side, replies: [...side.replies, ...resume.replies], ask: resume.ask };
  }
  // Otherwise it is meant as the answer: taken, or re-asked with the expected form.
  return answer();
}

/** Question words and marks: such a message is asked, not answered. */
function looksLikeQuestion(text: string): boolean {
  return /[?？]|吗|呢|几|多少|多久|怎么|怎样|什么|哪|如何|是否|能否|可否|要不要|能不能|可不可以/.test(text);
}

function onAction(session: Session, action: string, env: Env): Outcome {
  const k = env.knowledge;
  const [verb, arg = ''] = splitAction(action);
  switch (verb) {
    case 'menu': return { replies: [menu(env, session)] };
    case 'ask': return { replies: [reply(env, 'askPrompt', {}, [])] };
    case 'faq-topics': return { replies: [topics(env)] };
    case 'deadlines': return { replies: [deadlines(env)] };
    case 'hr': return { replies: [hrMenu(env)] };
    case 'hr-kinds': return { replies: [hrKinds(env)] };
    case 'hr-kind': {
      const kind = env.hr.kinds.find((x) => x.id === arg);
      if (!kind) break;
      const lines = kind.checklist.map((c, i) => `${i + 1}. ${c.item}`);
      return { replies: [{ text: [fill(env.hr.kindTitle, { label: kind.label }), ...lines].join('\n'), buttons: [{ label: env.hr.kindsButton, action: 'hr-kinds' }, backButton(env)], citations: cite(k, [...new Set(kind.checklist.flatMap((c) => c.clauses))]) }] };
    }
    case 'forget': return forget(session, env);
    case 'remind': {
      if (arg === '') return remindIntro(env, session);
      if (arg === 'applicant' || arg === 'hr') return subscribe(env, session, arg);
      if (arg === 'next') return subscribe(env, session, 'next-edition');
      if (arg === 'list') return listReminders(env, session);
      if (arg === 'cancel') return unsubscribe(env, session);
      break;
    }
    case 'forget:yes': case 'forget:no': return { replies: [reply(env, 'forgetCancelled', {}, menuButtons(env, session))] };
    case 'interview': {
      if (arg === 'start') return startInterview(session, env);
      if (arg === 'resume') return resume(session, env);
      if (!session.interview) return startInterview(session, env);
      if (arg === 'exit') return exitInterview(session, env);
      const [event, stepId] = splitAction(arg);
      const known: Record<string, InterviewEvent | undefined> = {
        back: { kind: 'back' }, skip: { kind: 'skip' }, restart: { kind: 'restart' }, help: { kind: 'help' },
        review: { kind: 'review' }, confirm: { kind: 'confirm' }, edit: stepId ? { kind: 'edit', step: stepId } : undefined,
      };
      const e = known[event];
      if (e) return interview(session, e, env);
      break;
    }
    case 'answer': {
      if (session.interview?.stage === 'asking') return interview(session, { kind: 'answer', raw: arg }, env);
      break;
    }
    case 'topic': {
      const topic = k.topics.find((t) => t.id === arg);
      if (!topic) break;
      const buttons = k.faq.filter((f) => f.topic === topic.id).map((f) => faqButton(k, f.id));
      return { replies: [reply(env, 'topicList', { title: topic.title }, [...buttons, backButton(env)])] };
    }
    case 'faq': {
      const entry = k.faqById.get(arg);
      if (!entry) break;
      const buttons = [clauseButton(env, entry.clauses[0]!), ...entry.related.slice(0, 2).map((id) => faqButton(k, id))];
      return withResume(session, env, { replies: [answerReply(env, entry.answer, cite(k, entry.clauses), buttons)] });
    }
    case 'clause': {
      const clause = k.clauseById.get(arg);
      if (!clause) break;
      return withResume(session, env, { replies: [{ text: fill(env.flow.texts.clauseText, { title: clause.title, text: clause.text }), buttons: [backButton(env)], citations: cite(k, [clause.id]) }] });
    }
  }
  return { replies: [reply(env, 'unknownAction', {}, menuButtons(env, session))] };
}

// ── the interview ──

function interviewEnv(env: Env): InterviewEnv {
  return { flow: env.interview, knowledge: env.knowledge, now: env.now, timeZone: env.timeZone };
}

function startInterview(session: Session, env: Env): Outcome {
  return fromTurn(session, beginInterview(interviewEnv(env)));
}

function interview(session: Session, event: InterviewEvent, env: Env): Outcome {
  return fromTurn(session, interviewStep(session.interview!, event, interviewEnv(env)));
}

function fromTurn(session: Session, turn: InterviewTurn): Outcome {
  return { session: { ...session, interview: turn.state }, replies: turn.replies, ask: turn.ask, assessment: turn.assessment };
}

function exitInterview(session: Session, env: Env): Outcome {
  const text = env.interview.texts.texts.exited;
  return { session: { ...session, interview: null }, replies: [{ text, buttons: menuButtons(env), citations: [] }] };
}

function resume(session: Session, env: Env): Outcome {
  const state = session.interview;
  if (!state) return startInterview(session, env);
  if (state.stage !== 'asking') return interview(session, { kind: 'review' }, env);
  const turn = resumeQuestion(state, interviewEnv(env))!;
  return { replies: turn.replies, ask: turn.ask };
}

/** An answer given while the interview waits is followed by the pending question again. */
function withResume(session: Session, env: Env, out: Outcome): Outcome {
  if (session.interview?.stage !== 'asking') return out;
  const turn = resumeQuestion(session.interview, interviewEnv(env));
  return turn ? { ...out, replies: [...out.replies, ...turn.replies], ask: turn.ask } : out;
}

function forget(session: Session, env: Env): Outcome {
  const b = env.flow.buttons;
  return {
    session: { ...session, confirmingForget: true },
    replies: [reply(env, 'forgetConfirm', {}, [{ label: b.forgetYes, action: 'forget:yes' }, { label: b.forgetNo, action: 'forget:no' }])],
  };
}

// ── questions, menu, FAQ, HR, deadlines ──

function question(text: string, env: Env, session: Session): Outcome & { fallback: boolean } {
  const k = env.knowledge;
  const paper = paperDeadlineAnswer(text, k, env.flow);
  if (paper) return { replies: [answerReply(env, paper.text, paper.citations, [clauseButton(env, paper.citations[0]!.id), backButton(env)])], fallback: false };
  const a = answerQuestion(text, k, env.index);
  if (a.kind === 'fallback') {
    const { contact } = k.params;
    return {
      fallback: true,
      replies: [reply(env, 'fallback', { zone: k.params.zone.value, contactName: contact.value.name, phone: contact.value.phone }, menuButtons(env, session))],
    };
  }
  // "Show the full text" only when the answer is not already the whole clause.
  const whole = a.source === 'clause' && a.text === k.clauseById.get(a.id)!.text;
  const buttons = [...(whole ? [] : [clauseButton(env, a.clauseIds[0]!)]), ...a.related];
  return { replies: [answerReply(env, a.text, a.citations, buttons)], fallback: !a.inNotice };
}

/** An answer with its source line, so the citation shows on text-only channels too. */
function answerReply(env: Env, text: string, citations: Citation[], buttons: Button[]): Reply {
  const source = fill(env.flow.texts.source, { title: citations.map((c) => c.title).join('；') });
  return { text: `${text}\n${source}`, buttons, citations };
}

function welcome(env: Env, session: Session): Reply {
  const { notice } = env.knowledge;
  return reply(env, 'welcome', { title: notice.title, docNumber: notice.docNumber }, menuButtons(env, session));
}

function menu(env: Env, session: Session): Reply {
  return reply(env, 'menuIntro', {}, menuButtons(env, session));
}

function topics(env: Env): Reply {
  const { topics: all, faq } = env.knowledge;
  const buttons = all.filter((t) => faq.some((f) => f.topic === t.id)).map((t) => ({ label: t.title, action: `topic:${t.id}` }));
  return reply(env, 'topics', {}, [...buttons, backButton(env)]);
}

function hrMenu(env: Env): Reply {
  const buttons = env.hr.steps.map((s) => ({ label: s.label, action: `faq:${s.faq}` }));
  return { text: env.hr.intro, buttons: [...buttons, { label: env.hr.kindsButton, action: 'hr-kinds' }, backButton(env)], citations: [] };
}

function hrKinds(env: Env): Reply {
  const buttons = env.hr.kinds.map((kind) => ({ label: kind.label, action: `hr-kind:${kind.id}` }));
  return { text: env.hr.kindsIntro, buttons: [...buttons, backButton(env)], citations: [] };
}

/** The edition's deadlines relative to the bot's clock: days left, today, or past. */
function deadlines(env: Env): Reply {
  const { params, edition } = env.knowledge;
  const today = dateInZone(env.now, env.timeZone);
  const t = env.flow.texts;
  const items = [
    { what: t.individualDeadline, date: params.individualDeadline.value },
    { what: t.unitDeadline, date: params.unitDeadline.value },
  ];
  const lines = items.map(({ what, date }) => {
    const left = daysBetween(today, date);
    const days = left > 0 ? fill(t.daysLeft, { days: left }) : left === 0 ? t.today : t.past;
    return fill(t.deadlineLine, { what, date: cnDate(date), days });
  });
  lines.push(fill(t.deadlinesRules, { paperDays: params.paperWorkingDays.value, publicityDays: params.publicityWorkingDays.value }));
  if (items.every(({ date }) => daysBetween(today, date) < 0)) lines.push(fill(t.deadlinesPast, { edition }));
  const text = [fill(t.deadlinesIntro, { date: cnDate(today) }), ...lines].join('\n');
  const sources = [...new Set([params.individualDeadline, params.unitDeadline, params.paperWorkingDays, params.publicityWorkingDays].flatMap((p) => p.clauses))];
  const materials = { label: env.flow.buttons.materials, action: `topic:${env.flow.materialsTopic}` };
  return answerReply(env, text, cite(env.knowledge, sources), [materials, { label: env.hr.kindsButton, action: 'hr-kinds' }, backButton(env)]);
}

function reply(env: Env, key: TextKey, vars: Readonly<Record<string, string | number>>, buttons: Button[]): Reply {
  return { text: fill(env.flow.texts[key], vars), buttons, citations: [] };
}

function menuButtons(env: Env, session?: Session): Button[] {
  const b = env.flow.buttons;
  const paused = session?.interview?.stage === 'asking';
  return [
    paused ? { label: b.resume, action: 'interview:resume' } : { label: b.check, action: 'interview:start' },
    { label: b.ask, action: 'ask' },
    { label: b.faq, action: 'faq-topics' },
    { label: b.deadlines, action: 'deadlines' },
    { label: b.hr, action: 'hr' },
    { label: b.remind, action: 'remind' },
    { label: b.contact, action: `clause:${env.knowledge.params.contact.clauses[0]}` },
  ];
}

function backButton(env: Env): Button {
  return { label: env.flow.buttons.menu, action: 'menu' };
}

function clauseButton(env: Env, clauseId: string): Button {
  return { label: env.flow.texts.showClause, action: `clause:${clauseId}` };
}

function splitAction(action: string): [string, string?] {
  const i = action.indexOf(':');
  return i < 0 ? [action] : [action.slice(0, i), action.slice(i + 1)];
}

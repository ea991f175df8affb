/**
 * The dialogue engine's pure step: (session, input, env) → { session, replies, … }. No I/O:
 * the clock's value, the knowledge, the wording and the search index come in through `env`.
 */
import type { Knowledge } from '../knowledge/load.ts';
import { answerQuestion, cite, faqButton } from '../qa/answer.ts';
import type { SearchIndex } from '../qa/search.ts';
import { chineseDate, daysBetween, localDate } from './clock.ts';
import { fill, matchIntent, type ChatFlow, type TextKey } from './flow.ts';
import type { Button, Citation, Input, Reply, Session, StepResult } from './types.ts';

export interface Env {
  now: Date;
  timeZone: string;
  knowledge: Knowledge;
  flow: ChatFlow;
  index: SearchIndex;
}

/** Longest message searched; a longer one is asked to be shortened. */
export const MAX_QUESTION_CHARS = 500;

export function newSession(flow: ChatFlow): Session {
  return { flowVersion: flow.version, greeted: false };
}

export function step(previous: Session | undefined, input: Input, env: Env): StepResult {
  // A session from another version of the flow starts over rather than resuming into a step
  // that may no longer exist.
  const session = previous && previous.flowVersion === env.flow.version ? previous : newSession(env.flow);
  const out = respond(session, input, env);
  return { session: { ...session, greeted: true }, ask: null, assessment: null, fallback: false, ...out };
}

type Outcome = { replies: Reply[]; fallback?: boolean };

function respond(session: Session, input: Input, env: Env): Outcome {
  switch (input.kind) {
    case 'action': return onAction(input.action, env);
    case 'value':
      return typeof input.value === 'string'
        ? onText(session, input.value, env)
        : { replies: [reply(env, 'noPendingQuestion', {}, menuButtons(env))] };
    case 'text': return onText(session, input.text, env);
  }
}

function onText(session: Session, raw: string, env: Env): Outcome {
  const text = raw.trim();
  if (!text) return { replies: [reply(env, 'empty', {}, menuButtons(env))] };
  if (text.length > MAX_QUESTION_CHARS) return { replies: [reply(env, 'tooLong', { max: MAX_QUESTION_CHARS }, menuButtons(env))] };
  switch (matchIntent(env.flow, text)) {
    case 'greeting': return { replies: [welcome(env)] };
    case 'menu': return { replies: [menu(env)] };
    case 'thanks': return { replies: [reply(env, 'thanks', {}, menuButtons(env))] };
    case 'faqBrowse': return { replies: [topics(env)] };
    case 'deadlines': return { replies: [deadlines(env)] };
    case undefined: break;
  }
  const answered = question(text, env);
  // The first reply a person gets also says what the bot can do.
  return session.greeted ? answered : { ...answered, replies: [...answered.replies, welcome(env)] };
}

function onAction(action: string, env: Env): Outcome {
  const k = env.knowledge;
  const [verb, arg = ''] = splitAction(action);
  switch (verb) {
    case 'menu': return { replies: [menu(env)] };
    case 'ask': return { replies: [reply(env, 'askPrompt', {}, [])] };
    case 'faq-topics': return { replies: [topics(env)] };
    case 'deadlines': return { replies: [deadlines(env)] };
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
      return { replies: [answerReply(env, entry.answer, cite(k, entry.clauses), buttons)] };
    }
    case 'clause': {
      const clause = k.clauseById.get(arg);
      if (!clause) break;
      return { replies: [{ text: fill(env.flow.texts.clauseText, { title: clause.title, text: clause.text }), buttons: [backButton(env)], citations: cite(k, [clause.id]) }] };
    }
  }
  return { replies: [reply(env, 'unknownAction', {}, menuButtons(env))] };
}

function question(text: string, env: Env): Outcome {
  const k = env.knowledge;
  const a = answerQuestion(text, k, env.index);
  if (a.kind === 'fallback') {
    const { contact } = k.params;
    return {
      fallback: true,
      replies: [reply(env, 'fallback', { zone: k.params.zone.value, contactName: contact.value.name, phone: contact.value.phone }, menuButtons(env))],
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

function welcome(env: Env): Reply {
  const { notice } = env.knowledge;
  return reply(env, 'welcome', { title: notice.title, docNumber: notice.docNumber }, menuButtons(env));
}

function menu(env: Env): Reply {
  return reply(env, 'menuIntro', {}, menuButtons(env));
}

function topics(env: Env): Reply {
  const { topics: all, faq } = env.knowledge;
  const buttons = all.filter((t) => faq.some((f) => f.topic === t.id)).map((t) => ({ label: t.title, action: `topic:${t.id}` }));
  return reply(env, 'topics', {}, [...buttons, backButton(env)]);
}

/** The edition's deadlines relative to the bot's clock: days left, today, or past. */
function deadlines(env: Env): Reply {
  const { params, edition } = env.knowledge;
  const today = localDate(env.now, env.timeZone);
  const t = env.flow.texts;
  const items = [
    { what: t.individualDeadline, date: params.individualDeadline.value },
    { what: t.unitDeadline, date: params.unitDeadline.value },
  ];
  const lines = items.map(({ what, date }) => {
    const left = daysBetween(today, date);
    const days = left > 0 ? fill(t.daysLeft, { days: left }) : left === 0 ? t.today : t.past;
    return fill(t.deadlineLine, { what, date: chineseDate(date), days });
  });
  lines.push(fill(t.deadlinesRules, { paperDays: params.paperWorkingDays.value, publicityDays: params.publicityWorkingDays.value }));
  if (items.every(({ date }) => daysBetween(today, date) < 0)) lines.push(fill(t.deadlinesPast, { edition }));
  const text = [fill(t.deadlinesIntro, { date: chineseDate(today) }), ...lines].join('\n');
  const sources = [...new Set([params.individualDeadline, params.unitDeadline, params.paperWorkingDays, params.publicityWorkingDays].flatMap((p) => p.clauses))];
  return answerReply(env, text, cite(env.knowledge, sources), [backButton(env)]);
}

function reply(env: Env, key: TextKey, vars: Parameters<typeof fill>[1], buttons: Button[]): Reply {
  return { text: fill(env.flow.texts[key], vars), buttons, citations: [] };
}

function menuButtons(env: Env): Button[] {
  const b = env.flow.buttons;
  return [
    { label: b.ask, action: 'ask' },
    { label: b.faq, action: 'faq-topics' },
    { label: b.deadlines, action: 'deadlines' },
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

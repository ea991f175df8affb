/**
 * The screens the chat shows: welcome and menu, FAQ topics, the HR track, the deadline summary,
 * and the pieces every reply is made of (a text, its source line, its buttons). Pure.
 */
import { formatAction, type Action } from '../core/actions.ts';
import type { Button, Citation, Reply } from '../core/types.ts';
import { fill, type Vars } from '../core/template.ts';
import { cite } from '../knowledge/cite.ts';
import type { PhotoRuleResult } from '../photo/check.ts';
import { faqButton } from '../qa/answer.ts';
import { cnDate } from '../rules/index.ts';
import { dateInZone, daysBetween } from '../rules/months.ts';
import type { Env } from './env.ts';
import { say, type CHAT_TEXTS, type TextKey } from './flow.ts';
import type { Session } from './session.ts';

export const button = (label: string, action: Action): Button => ({ label, action: formatAction(action) });

/** A chat text with its placeholders and buttons. */
export function reply<K extends TextKey>(env: Env, key: K, vars: Vars<typeof CHAT_TEXTS, K>, buttons: Button[]): Reply {
  return { text: say(env.flow, key, vars), buttons, citations: [] };
}

/** An answer with its source line, so the citation shows on text-only channels too. */
export function answerReply(env: Env, text: string, citations: Citation[], buttons: Button[]): Reply {
  const source = say(env.flow, 'source', { title: citations.map((c) => c.title).join('；') });
  return { text: `${text}\n${source}`, buttons, citations };
}

/**
 * The photo rules' results as lines: all passed, or what to fix and what already passed. `described`:
 * the photo was told in words, not sent ("按你说的…").
 */
export function photoResultLines(env: Env, results: readonly PhotoRuleResult[], described: boolean): string[] {
  const failed = results.filter((r) => !r.pass);
  const passed = results.filter((r) => r.pass).map((r) => r.need).join('，');
  if (!failed.length) return [say(env.flow, described ? 'describedPhotoOk' : 'photoOk', { rules: passed })];
  return [
    env.flow.texts[described ? 'describedPhotoBad' : 'photoBad'],
    ...failed.map((r) => say(env.flow, described ? 'describedPhotoLine' : 'photoLine', { need: r.need, have: r.have })),
    ...(passed ? [say(env.flow, 'photoPassed', { rules: passed })] : []),
  ];
}

export function welcome(env: Env, session: Session): Reply {
  const { notice, params } = env.knowledge;
  const shown = reply(env, 'welcome', { title: notice.title, docNumber: notice.docNumber }, menuButtons(env, session));
  // Out of season the first screen says which season the bot serves and that it has closed.
  const today = dateInZone(env.now, env.timeZone);
  if (today <= params.unitDeadline.value) return shown;
  const closed = say(env.flow, 'outOfSeason', { year: params.individualDeadline.value.slice(0, 4), personal: cnDate(params.individualDeadline.value), unit: cnDate(params.unitDeadline.value) });
  return { ...shown, text: `${shown.text}\n${closed}` };
}

export function menu(env: Env, session: Session): Reply {
  return reply(env, 'menuIntro', {}, menuButtons(env, session));
}

/** The main menu; while the check waits on a question it offers to continue it instead of starting over. */
export function menuButtons(env: Env, session?: Session): Button[] {
  const b = env.flow.buttons;
  const paused = session?.mode.kind === 'asking';
  return [
    paused ? button(b.resume, { kind: 'interview', op: 'resume' }) : button(b.check, { kind: 'interview', op: 'start' }),
    // Once a verdict was given, it can be seen again any time.
    ...(session?.interview?.lastVerdict ? [button(b.result, { kind: 'interview', op: 'result' })] : []),
    button(b.ask, { kind: 'ask' }),
    button(b.faq, { kind: 'faq-topics' }),
    button(b.deadlines, { kind: 'deadlines' }),
    button(b.hr, { kind: 'hr' }),
    button(b.remind, { kind: 'remind', op: 'intro' }),
    button(b.contact, { kind: 'clause', id: env.knowledge.params.contact.clauses[0]! }),
  ];
}

export function backButton(env: Env): Button {
  return button(env.flow.buttons.menu, { kind: 'menu' });
}

export function clauseButton(env: Env, clauseId: string): Button {
  return button(env.flow.texts.showClause, { kind: 'clause', id: clauseId });
}

export function topics(env: Env): Reply {
  const { topics: all, faq } = env.knowledge;
  const buttons = all.filter((t) => faq.some((f) => f.topic === t.id)).map((t) => button(t.title, { kind: 'topic', id: t.id }));
  return reply(env, 'topics', {}, [...buttons, backButton(env)]);
}

/** The FAQ questions of one topic, or undefined for a topic that does not exist. */
export function topicList(env: Env, id: string): Reply | undefined {
  const k = env.knowledge;
  const topic = k.topics.find((t) => t.id === id);
  if (!topic) return undefined;
  const buttons = k.faq.filter((f) => f.topic === topic.id).map((f) => faqButton(k, f.id));
  return reply(env, 'topicList', { title: topic.title }, [...buttons, backButton(env)]);
}

/** One FAQ entry's answer, or undefined for an entry that does not exist. */
export function faqAnswer(env: Env, id: string): Reply | undefined {
  const k = env.knowledge;
  const entry = k.faqById.get(id);
  if (!entry) return undefined;
  const buttons = [clauseButton(env, entry.clauses[0]!), ...entry.related.slice(0, 2).map((r) => faqButton(k, r))];
  return answerReply(env, entry.answer, cite(k, entry.clauses), buttons);
}

/** A clause's full text, or undefined for a clause that does not exist. */
export function clauseText(env: Env, id: string): Reply | undefined {
  const clause = env.knowledge.clauseById.get(id);
  if (!clause) return undefined;
  return { text: say(env.flow, 'clauseText', { title: clause.title, text: clause.text }), buttons: [backButton(env)], citations: cite(env.knowledge, [clause.id]) };
}

export function hrMenu(env: Env): Reply {
  const buttons = env.hr.steps.map((s) => button(s.label, { kind: 'faq', id: s.faq }));
  return { text: env.hr.intro, buttons: [...buttons, button(env.hr.kindsButton, { kind: 'hr-kinds' }), backButton(env)], citations: [] };
}

export function hrKinds(env: Env): Reply {
  const buttons = env.hr.kinds.map((kind) => button(kind.label, { kind: 'hr-kind', id: kind.id }));
  return { text: env.hr.kindsIntro, buttons: [...buttons, backButton(env)], citations: [] };
}

/** The checklist of one kind of applicant, for HR; undefined for a kind that does not exist. */
export function hrKind(env: Env, id: string): Reply | undefined {
  const kind = env.hr.kinds.find((x) => x.id === id);
  if (!kind) return undefined;
  const lines = kind.checklist.map((c, i) => `${i + 1}. ${c.item}`);
  return {
    text: [fill(env.hr.kindTitle, { label: kind.label }), ...lines].join('\n'),
    buttons: [button(env.hr.kindsButton, { kind: 'hr-kinds' }), backButton(env)],
    citations: cite(env.knowledge, kind.checklist.flatMap((c) => c.clauses)),
  };
}

/** The edition's deadlines relative to the bot's clock: days left, today, or past. */
export function deadlines(env: Env): Reply {
  const { params, edition } = env.knowledge;
  const today = dateInZone(env.now, env.timeZone);
  const t = env.flow.texts;
  const items = [
    { what: t.individualDeadline, date: params.individualDeadline.value },
    { what: t.unitDeadline, date: params.unitDeadline.value },
  ];
  const lines = items.map(({ what, date }) => {
    const left = daysBetween(today, date);
    const days = left > 0 ? say(env.flow, 'daysLeft', { days: left }) : left === 0 ? t.today : t.past;
    return say(env.flow, 'deadlineLine', { what, date: cnDate(date), days });
  });
  lines.push(say(env.flow, 'deadlinesRules', { paperDays: params.paperWorkingDays.value, publicityDays: params.publicityWorkingDays.value }));
  if (items.every(({ date }) => daysBetween(today, date) < 0)) lines.push(say(env.flow, 'deadlinesPast', { edition }));
  const text = [say(env.flow, 'deadlinesIntro', { date: cnDate(today) }), ...lines].join('\n');
  const sources = [params.individualDeadline, params.unitDeadline, params.paperWorkingDays, params.publicityWorkingDays].flatMap((p) => p.clauses);
  const materials = button(env.flow.buttons.materials, { kind: 'topic', id: env.flow.materialsTopic });
  return answerReply(env, text, cite(env.knowledge, sources), [materials, button(env.hr.kindsButton, { kind: 'hr-kinds' }), backButton(env)]);
}

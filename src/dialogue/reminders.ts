/**
 * The reminder conversation: subscribe (as an applicant or as HR), list, cancel; after the
 * season, a wait for next year's notice; and the wording of a pushed reminder. Pure like the rest
 * of the engine: subscribing is an effect the bot carries out (src/bot/runner.ts sends what falls due).
 */
import { formatAction, type Action } from '../core/actions.ts';
import type { Button, Reply } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { cnDate } from '../rules/index.ts';
import {
  deadlinesFor, REMINDER_OFFSETS, REMINDER_TIME, schedule, seasonOver, upcoming,
  type DeadlineId, type Reminder, type Role, type SubscriptionRole,
} from '../reminders/schedule.ts';
import type { Env } from './env.ts';
import { say, type ChatFlow } from './flow.ts';
import { calendarNote, workingDayDate } from './paper-deadline.ts';
import { activeSubscription, type Session } from './session.ts';
import type { Effect } from './types.ts';

export interface ReminderOutcome { session?: Session; replies: Reply[]; effects?: Effect[] }

const button = (label: string, action: Action): Button => ({ label, action: formatAction(action) });

/** The reminder menu: what is sent when, and a button per role. */
export function remindIntro(env: Env, session: Session): ReminderOutcome {
  const b = env.flow.buttons;
  const offsets = REMINDER_OFFSETS.filter((o) => o > 0).join('天、');
  const buttons: Button[] = [
    button(b.remindApplicant, { kind: 'remind', op: 'applicant' }),
    button(b.remindHr, { kind: 'remind', op: 'hr' }),
    ...(activeSubscription(session, env) ? [button(b.remindList, { kind: 'remind', op: 'list' }), cancelButton(env.flow)] : []),
    menuButton(env.flow),
  ];
  return { replies: [{ text: say(env.flow, 'remindIntro', { offsets, time: REMINDER_TIME }), buttons, citations: [] }] };
}

/** Subscribes as `role`; after the season, offers the wait for next year's notice instead. */
export function subscribe(env: Env, session: Session, role: SubscriptionRole): ReminderOutcome {
  const t = env.flow.texts;
  const since = env.now.toISOString();
  const subscription = { role, since, edition: env.knowledge.edition };
  if (role === 'next-edition') {
    return {
      session: { ...session, subscription },
      replies: [{ text: t.nextEditionSubscribed, buttons: [menuButton(env.flow)], citations: [] }],
      effects: [{ kind: 'subscribe', role, since }],
    };
  }
  if (seasonOver(env.knowledge.params, env.now, env.timeZone)) {
    const buttons = [button(env.flow.buttons.remindNext, { kind: 'remind', op: 'next' }), menuButton(env.flow)];
    return { replies: [{ text: say(env.flow, 'seasonOver', { edition: env.knowledge.edition }), buttons, citations: [] }] };
  }
  const next = upcoming(schedule(env.knowledge.params, role, env.timeZone), env.now);
  const text = [say(env.flow, 'subscribed', { role: roleName(env.flow, role) }), ...lines(env, next)].join('\n');
  return {
    session: { ...session, subscription },
    replies: [{ text, buttons: [cancelButton(env.flow), menuButton(env.flow)], citations: sources(env, role) }],
    effects: [{ kind: 'subscribe', role, since }],
  };
}

/** What this user subscribed to and the reminders still to come. */
export function listReminders(env: Env, session: Session): ReminderOutcome {
  const t = env.flow.texts;
  const sub = activeSubscription(session, env);
  if (!sub) return remindIntroWith(env, session, t.notSubscribed);
  if (sub.role === 'next-edition') {
    return { replies: [{ text: t.nextEditionListed, buttons: [cancelButton(env.flow), menuButton(env.flow)], citations: [] }] };
  }
  const next = upcoming(schedule(env.knowledge.params, sub.role, env.timeZone), env.now);
  const text = [say(env.flow, 'mySubscription', { role: roleName(env.flow, sub.role) }), ...lines(env, next)].join('\n');
  return { replies: [{ text, buttons: [cancelButton(env.flow), menuButton(env.flow)], citations: sources(env, sub.role) }] };
}

export function unsubscribe(env: Env, session: Session): ReminderOutcome {
  const t = env.flow.texts;
  if (!activeSubscription(session, env)) return { replies: [{ text: t.unsubscribeNone, buttons: [menuButton(env.flow)], citations: [] }] };
  return {
    session: { ...session, subscription: null },
    replies: [{ text: t.unsubscribed, buttons: [menuButton(env.flow)], citations: [] }],
    effects: [{ kind: 'unsubscribe' }],
  };
}

/** The name of a deadline as the chat says it. */
export function deadlineName(flow: ChatFlow, id: DeadlineId): string {
  return id === 'individual' ? flow.texts.individualDeadline : id === 'unit' ? flow.texts.unitDeadline : flow.texts.publicityStart;
}

export function roleName(flow: ChatFlow, role: Role): string {
  return role === 'hr' ? flow.texts.roleHr : flow.texts.roleApplicant;
}

// ── the pushed messages ──

/**
 * One reminder as text: the deadline and the days left, for HR the publicity rule, for an
 * applicant who finished the check what is still on their checklist, and the source.
 */
export function reminderText(reminder: Reminder, knowledge: Knowledge, flow: ChatFlow, checklist: readonly string[] = []): string {
  const t = flow.texts;
  const { params } = knowledge;
  const d = reminder.deadline;
  const days = reminder.offset > 0 ? say(flow, 'daysLeft', { days: reminder.offset }) : t.today;
  const out = [say(flow, 'reminder', { what: deadlineName(flow, d.id), date: workingDayDate(flow, d), days })];
  if (d.id === 'publicity') {
    out.push(say(flow, 'reminderPublicity', { publicityDays: params.publicityWorkingDays.value, deadline: cnDate(params.unitDeadline.value) }));
    if (!d.covered) out.push(calendarNote(flow, d.uncoveredYear!));
  }
  if (checklist.length > 0) out.push(t.reminderChecklist, ...checklist.map((item, i) => `${i + 1}. ${item}`));
  out.push(t.reminderFooter);
  out.push(say(flow, 'source', { title: cite(knowledge, d.clauses).map((c) => c.title).join('；') }));
  return out.join('\n');
}

/** The one message to those who waited for the next notice. */
export function newEditionText(knowledge: Knowledge, flow: ChatFlow): string {
  const { notice, edition } = knowledge;
  return say(flow, 'newEdition', { edition, title: notice.title, docNumber: notice.docNumber });
}

// ── helpers ──

function remindIntroWith(env: Env, session: Session, first: string): ReminderOutcome {
  const intro = remindIntro(env, session).replies[0]!;
  return { replies: [{ ...intro, text: `${first}\n${intro.text}` }] };
}

function lines(env: Env, reminders: readonly Reminder[]): string[] {
  if (reminders.length === 0) return [env.flow.texts.noMoreReminders];
  const out = reminders.map((r) => say(env.flow, 'reminderLine', {
    when: `${cnDate(r.date).replace(/^\d+年/, '')} ${REMINDER_TIME}`,
    what: deadlineName(env.flow, r.deadline.id),
    date: workingDayDate(env.flow, r.deadline),
  }));
  const uncovered = reminders.find((r) => !r.deadline.covered);
  if (uncovered) out.push(calendarNote(env.flow, uncovered.deadline.uncoveredYear!));
  return out;
}

/** The clauses of a role's deadlines (五(四), and 五(一) for the publicity). */
function sources(env: Env, role: Role) {
  return cite(env.knowledge, deadlinesFor(env.knowledge.params, role).flatMap((d) => d.clauses));
}

function cancelButton(flow: ChatFlow): Button {
  return button(flow.buttons.remindCancel, { kind: 'remind', op: 'cancel' });
}

function menuButton(flow: ChatFlow): Button {
  return button(flow.buttons.menu, { kind: 'menu' });
}

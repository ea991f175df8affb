/**
 * The reminder conversation: subscribe (as an applicant or as HR), list, cancel; after the
 * season, a wait for next year's notice. Pure like the rest of the engine: subscribing is an
 * effect the Bot carries out (src/reminders/ sends what falls due).
 */
import { cite } from '../qa/answer.ts';
import { cnDate } from '../rules/index.ts';
import { deadlinesFor, REMINDER_OFFSETS, REMINDER_TIME, schedule, seasonOver, upcoming, type DeadlineId, type Reminder, type Role, type SubscriptionRole } from '../reminders/schedule.ts';
import { fill, type ChatFlow } from './flow.ts';
import type { Env } from './step.ts';
import type { Button, Effect, Reply, Session } from './types.ts';

export interface ReminderOutcome { session?: Session; replies: Reply[]; effects?: Effect[] }

/** The reminder menu: what is sent when, and a button per role. */
export function remindIntro(env: Env, session: Session): ReminderOutcome {
  const t = env.flow.texts;
  const b = env.flow.buttons;
  const offsets = REMINDER_OFFSETS.filter((o) => o > 0).join('天、');
  const buttons: Button[] = [
    { label: b.remindApplicant, action: 'remind:applicant' },
    { label: b.remindHr, action: 'remind:hr' },
    ...(session.subscription ? [{ label: b.remindList, action: 'remind:list' }, { label: b.remindCancel, action: 'remind:cancel' }] : []),
    menuButton(env.flow),
  ];
  return { replies: [{ text: fill(t.remindIntro, { offsets, time: REMINDER_TIME }), buttons, citations: [] }] };
}

/** Subscribes as `role`; after the season, offers the wait for next year's notice instead. */
export function subscribe(env: Env, session: Session, role: SubscriptionRole): ReminderOutcome {
  const t = env.flow.texts;
  const since = env.now.toISOString();
  if (role === 'next-edition') {
    return {
      session: { ...session, subscription: { role, since } },
      replies: [{ text: t.nextEditionSubscribed, buttons: [menuButton(env.flow)], citations: [] }],
      effects: [{ kind: 'subscribe', role, since }],
    };
  }
  if (seasonOver(env.knowledge.params, env.now, env.timeZone)) {
    const buttons = [{ label: env.flow.buttons.remindNext, action: 'remind:next' }, menuButton(env.flow)];
    return { replies: [{ text: fill(t.seasonOver, { edition: env.knowledge.edition }), buttons, citations: [] }] };
  }
  const next = upcoming(schedule(env.knowledge.params, role, env.timeZone), env.now);
  const text = [fill(t.subscribed, { role: roleName(env.flow, role) }), ...lines(env, next)].join('\n');
  return {
    session: { ...session, subscription: { role, since } },
    replies: [{ text, buttons: [{ label: env.flow.buttons.remindCancel, action: 'remind:cancel' }, menuButton(env.flow)], citations: sources(env, role) }],
    effects: [{ kind: 'subscribe', role, since }],
  };
}

/** What this user subscribed to and the reminders still to come. */
export function listReminders(env: Env, session: Session): ReminderOutcome {
  const t = env.flow.texts;
  const sub = session.subscription;
  if (!sub) return remindIntroWith(env, session, t.notSubscribed);
  if (sub.role === 'next-edition') {
    return { replies: [{ text: t.nextEditionListed, buttons: [{ label: env.flow.buttons.remindCancel, action: 'remind:cancel' }, menuButton(env.flow)], citations: [] }] };
  }
  const next = upcoming(schedule(env.knowledge.params, sub.role, env.timeZone), env.now);
  const text = [fill(t.mySubscription, { role: roleName(env.flow, sub.role) }), ...lines(env, next)].join('\n');
  return { replies: [{ text, buttons: [{ label: env.flow.buttons.remindCancel, action: 'remind:cancel' }, menuButton(env.flow)], citations: sources(env, sub.role) }] };
}

export function unsubscribe(env: Env, session: Session): ReminderOutcome {
  const t = env.flow.texts;
  if (!session.subscription) return { replies: [{ text: t.unsubscribeNone, buttons: [menuButton(env.flow)], citations: [] }] };
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

function remindIntroWith(env: Env, session: Session, first: string): ReminderOutcome {
  const intro = remindIntro(env, session).replies[0]!;
  return { replies: [{ ...intro, text: `${first}\n${intro.text}` }] };
}

function lines(env: Env, reminders: readonly Reminder[]): string[] {
  if (reminders.length === 0) return [env.flow.texts.noMoreReminders];
  return reminders.map((r) => fill(env.flow.texts.reminderLine, {
    when: `${cnDate(r.date).replace(/^\d+年/, '')} ${REMINDER_TIME}`,
    what: deadlineName(env.flow, r.deadline.id),
    date: cnDate(r.deadline.date),
  }));
}

/** The clauses of a role's deadlines (五(四), and 五(一) for the publicity). */
function sources(env: Env, role: Role) {
  return cite(env.knowledge, [...new Set(deadlinesFor(env.knowledge.params, role).flatMap((d) => d.clauses))]);
}

function menuButton(flow: ChatFlow): Button {
  return { label: flow.buttons.menu, action: 'menu' };
}

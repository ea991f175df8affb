/**
 * The reminder schedule, computed purely: the edition's parameters and the clock → the
 * reminders of a subscription and which of them are due. No I/O; the runner (src/bot/
 * runner.ts) claims and sends what this says is due.
 *
 * 五(四) sets the individual deadline (2023-09-08) and the unit recommendation deadline
 * (2023-09-21); 五(一) asks units for at least 5 working days of 公示, which must end before
 * they recommend, so HR also get the last day to start it.
 */
import type { Parameters } from '../knowledge/schema.ts';
import { dateInZone, daysBetween } from '../rules/months.ts';
import { lastPublicityStart } from '../core/working-days.ts';

/** Who subscribed: an applicant, a unit's HR, or (after the season) a wait for the next notice. */
export type Role = 'applicant' | 'hr';
export type SubscriptionRole = Role | 'next-edition';

/** Days before a deadline that a reminder goes out, and 0 = on the day. */
export const REMINDER_OFFSETS = [7, 3, 1, 0] as const;
/** Local time (TZ_BOT) at which every reminder goes out. */
export const REMINDER_TIME = '09:00';

export type DeadlineId = 'individual' | 'unit' | 'publicity';

export interface Deadline {
  id: DeadlineId;
  /** `YYYY-MM-DD` */
  date: string;
  /** Clauses it comes from. */
  clauses: string[];
  /** false when the working-day calendar has no holiday data for a year it counted (publicity only). */
  covered: boolean;
  /** When not covered, the first year counted Monday–Friday. */
  uncoveredYear?: number;
}

/** One reminder of a deadline: `individual:7` is 7 days before the individual deadline. */
export interface Reminder {
  id: string;
  deadline: Deadline;
  /** Days before the deadline (0 = on the day). */
  offset: number;
  /** `YYYY-MM-DD` in the bot's time zone. */
  date: string;
  at: Date;
}

/** The deadlines a role is reminded of, in date order. */
export function deadlinesFor(params: Parameters, role: Role): Deadline[] {
  const individual: Deadline = { id: 'individual', date: params.individualDeadline.value, clauses: params.individualDeadline.clauses, covered: true };
  const unit: Deadline = { id: 'unit', date: params.unitDeadline.value, clauses: params.unitDeadline.clauses, covered: true };
  const list = [individual, unit];
  if (role === 'hr') {
    const start = lastPublicityStart(params.unitDeadline.value, params.publicityWorkingDays.value);
    list.push({ id: 'publicity', date: start.date, clauses: [...new Set([...params.publicityWorkingDays.clauses, ...params.unitDeadline.clauses])], covered: start.covered, uncoveredYear: start.uncoveredYear });
  }
  return list.sort((a, b) => a.date.localeCompare(b.date));
}

/** Every reminder of a role, in time order. */
export function schedule(params: Parameters, role: Role, timeZone: string): Reminder[] {
  return deadlinesFor(params, role)
    .flatMap((deadline) => REMINDER_OFFSETS.map((offset) => {
      const date = shiftDate(deadline.date, -offset);
      return { id: `${deadline.id}:${offset}`, deadline, offset, date, at: zonedInstant(date, REMINDER_TIME, timeZone) };
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
}

/**
 * The reminders to send now for a subscription made at `since`: per deadline still ahead (or
 * today), the latest reminder whose time has come and is not before the subscription. Earlier
 * ones of the same deadline are superseded, so neither a late subscription nor a clock (or a
 * process) that was stopped for a while sends a burst of past reminders. Whether one was
 * already sent is the runner's business (its claims).
 */
export function dueReminders(reminders: readonly Reminder[], since: Date, now: Date, timeZone: string): Reminder[] {
  const today = dateInZone(now, timeZone);
  const latest = new Map<DeadlineId, Reminder>();
  for (const r of reminders) {
    if (r.at > now || r.at < since || r.deadline.date < today) continue;
    const seen = latest.get(r.deadline.id);
    if (!seen || r.at > seen.at) latest.set(r.deadline.id, r);
  }
  return [...latest.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The reminders still to come after `now`. */
export function upcoming(reminders: readonly Reminder[], now: Date): Reminder[] {
  return reminders.filter((r) => r.at > now);
}

/** True when every deadline of the edition is past on the bot's clock (the season is over). */
export function seasonOver(params: Parameters, now: Date, timeZone: string): boolean {
  const today = dateInZone(now, timeZone);
  return deadlinesFor(params, 'hr').every((d) => daysBetween(today, d.date) < 0);
}

/** `YYYY-MM-DD` moved by `days` calendar days. */
export function shiftDate(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** The instant at which the wall clock in `timeZone` shows `date` `time` (HH:MM). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  let guess = wall;
  // Two rounds settle the zone's offset, daylight saving time included.
  for (let i = 0; i < 2; i++) guess = wall - offsetMs(new Date(guess), timeZone);
  return new Date(guess);
}

/** How far the wall clock of `timeZone` is ahead of UTC at `instant`. */
function offsetMs(instant: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The reminder schedule (src/reminders/schedule.ts) on both editions: its dates are each
 * edition's deadlines less the offsets, what is due follows that edition's clock, and HR's
 * publicity start leaves exactly the edition's working days before the unit deadline.
 */
import { describe, expect, it } from 'vitest';
import { dueReminders, REMINDER_OFFSETS, schedule, seasonOver, shiftDate, upcoming, deadlinesFor } from '../../src/reminders/schedule.ts';
import { isWorkingDay } from '../../src/core/working-days.ts';
import { editionKnowledge, EDITIONS, inSeason } from '../editions.ts';

const TZ = 'Asia/Shanghai';

describe.each(EDITIONS)('reminders under the %s edition', (edition) => {
  const k = editionKnowledge(edition);
  const p = k.params;
  const now = new Date(inSeason(k));

  it('reminds an applicant of this edition\'s two deadlines, each at its offsets', () => {
    const list = schedule(p, 'applicant', TZ);
    const expected = [p.individualDeadline.value, p.unitDeadline.value].flatMap((d) => REMINDER_OFFSETS.map((o) => shiftDate(d, -o)));
    expect(list.map((r) => r.date).sort()).toEqual(expected.sort());
    expect(list.every((r) => r.at.getTime() === Date.parse(`${r.date}T09:00:00+08:00`))).toBe(true);
    expect(new Set(list.map((r) => r.deadline.date))).toEqual(new Set([p.individualDeadline.value, p.unitDeadline.value]));
  });

  it('sends nothing early in the season, and the week-before reminder on its day', () => {
    const list = schedule(p, 'applicant', TZ);
    expect(dueReminders(list, now, now, TZ)).toEqual([]);
    expect(upcoming(list, now)).toHaveLength(list.length);
    const weekBefore = new Date(`${shiftDate(p.individualDeadline.value, -7)}T09:30:00+08:00`);
    expect(dueReminders(list, now, weekBefore, TZ).map((r) => r.id)).toEqual(['individual:7']);
  });

  it('gives HR the last day to start this edition\'s publicity: exactly its working days before the unit deadline', () => {
    const publicity = deadlinesFor(p, 'hr').find((d) => d.id === 'publicity')!;
    expect(publicity.covered).toBe(true);
    let workingDays = 0;
    for (let d = publicity.date; d < p.unitDeadline.value; d = shiftDate(d, 1)) if (isWorkingDay(d)) workingDays++;
    expect(isWorkingDay(publicity.date)).toBe(true);
    expect(workingDays).toBe(p.publicityWorkingDays.value);
  });

  it('ends the season the day after this edition\'s unit deadline, not before', () => {
    expect(seasonOver(p, now, TZ)).toBe(false);
    expect(seasonOver(p, new Date(`${p.unitDeadline.value}T20:00:00+08:00`), TZ)).toBe(false);
    expect(seasonOver(p, new Date(`${shiftDate(p.unitDeadline.value, 1)}T09:00:00+08:00`), TZ)).toBe(true);
  });
});

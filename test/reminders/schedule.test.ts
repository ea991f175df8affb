import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';
import { beforeAll, describe, expect, it } from 'vitest';
import { defaultKnowledgeRoot, loadKnowledge, type Knowledge } from '../../src/knowledge/load.ts';
import { addWorkingDays, calendarCoverage, calendarYears, isWorkingDay, lastPublicityStart, yearCovered } from '../../src/core/working-days.ts';
import { deadlinesFor, dueReminders, schedule, seasonOver, upcoming, zonedInstant } from '../../src/reminders/schedule.ts';
import { EDITION_2023 } from '../kit.ts';

let k: Knowledge;
beforeAll(() => { k = loadKnowledge(defaultKnowledgeRoot(), EDITION_2023); });
const TZ = 'Asia/Shanghai';
const at = (iso: string) => new Date(iso);

describe('working days on the mainland calendar (chinese-days)', () => {
  it('counts the National Day holiday out and the make-up workdays in', () => {
    for (const d of ['2023-09-29', '2023-10-02', '2023-10-06']) expect(isWorkingDay(d)).toBe(false);
    for (const d of ['2023-10-07', '2023-10-08', '2023-09-28']) expect(isWorkingDay(d)).toBe(true);
    expect(addWorkingDays('2023-09-27', 5)).toStrictEqual({ date: '2023-10-10', covered: true });
    expect(addWorkingDays('2023-09-01', 5).date).toBe('2023-09-08');
  });

  it('finds the last day to start 5 working days of publicity before 2023-09-21', () => {
    expect(lastPublicityStart('2023-09-21', 5)).toEqual({ date: '2023-09-14', covered: true });
  });

  it('says when a year is outside the calendar data, and which year', () => {
    const { from, to } = calendarYears();
    expect(yearCovered(to)).toBe(true);
    expect(yearCovered(to + 1)).toBe(false);
    expect(yearCovered(from - 1)).toBe(false);
    expect(addWorkingDays(`${to + 1}-03-01`, 5)).toMatchObject({ covered: false, uncoveredYear: to + 1 });
    // A count that starts in the last covered year and ends in the next one.
    expect(addWorkingDays(`${to}-12-24`, 10)).toMatchObject({ covered: false, uncoveredYear: to + 1 });
    expect(addWorkingDays(`${to}-12-01`, 5)).toStrictEqual({ date: expect.stringMatching(new RegExp(`^${to}-12-`)), covered: true });
    expect(lastPublicityStart(`${from}-01-05`, 5)).toMatchObject({ covered: false, uncoveredYear: from - 1 });
  });

  // The covered years are read from the package, so updating it is all a new year needs; these
  // check that reading against the package's whole holiday table and against its JSON copy.
  const requireCd = createRequire(import.meta.url);
  const table = JSON.parse(readFileSync(requireCd.resolve('chinese-days/dist/chinese-days.json'), 'utf8')) as Record<'holidays' | 'workdays', Record<string, string>>;

  it('reads the covered years from the package: the years its holiday table has any entry in', () => {
    const withHolidays = (y: number) => chineseDays.getHolidaysInRange(`${y}-01-01`, `${y}-12-31`, false).length > 0;
    const { from, to } = calendarYears();
    for (let y = 1949; y <= Math.max(2100, to + 5); y++) expect(yearCovered(y), String(y)).toBe(withHolidays(y));
    const jsonYears = [...new Set([...Object.keys(table.holidays), ...Object.keys(table.workdays)].map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b);
    expect(jsonYears).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
  });

  it('names the package, its installed version and the years in messages', () => {
    const { version } = requireCd('chinese-days/package.json') as { version: string };
    const { from, to } = calendarYears();
    expect(calendarCoverage()).toBe(`chinese-days ${version} covers ${from}–${to}`);
  });

  it('counts Monday–Friday in a year it does not cover (what the labels warn of)', () => {
    const next = calendarYears().to + 1;
    const jan1 = new Date(Date.UTC(next, 0, 1)).getUTCDay();
    // 1 January is a holiday every year; without the schedule it is a working day when a weekday.
    expect(isWorkingDay(`${next}-01-01`)).toBe(jan1 >= 1 && jan1 <= 5);
  });
});

describe('the schedule', () => {
  it('reminds 7, 3, 1 days before and at 09:00 on the day, Asia/Shanghai', () => {
    const applicant = schedule(k.params, 'applicant', TZ);
    expect(applicant.map((r) => r.id)).toEqual(['individual:7', 'individual:3', 'individual:1', 'individual:0', 'unit:7', 'unit:3', 'unit:1', 'unit:0']);
    expect(applicant[0]!.at.toISOString()).toBe('2023-09-01T01:00:00.000Z');
    expect(applicant[3]!.at.toISOString()).toBe('2023-09-08T01:00:00.000Z');
    expect(applicant.every((r) => r.deadline.clauses.includes('s5-4'))).toBe(true);
  });

  it('gives HR the last day to start the publicity too', () => {
    expect(deadlinesFor(k.params, 'hr').map((d) => [d.id, d.date])).toEqual([['individual', '2023-09-08'], ['publicity', '2023-09-14'], ['unit', '2023-09-21']]);
    expect(schedule(k.params, 'hr', TZ)).toHaveLength(12);
  });

  it('is due only from the subscription on, one per deadline, never a burst of past ones', () => {
    const all = schedule(k.params, 'applicant', TZ);
    const since = at('2023-08-01T09:00:00+08:00');
    expect(dueReminders(all, since, at('2023-09-01T08:59:00+08:00'), TZ)).toEqual([]);
    expect(dueReminders(all, since, at('2023-09-01T09:00:00+08:00'), TZ).map((r) => r.id)).toEqual(['individual:7']);
    // The clock jumps past three reminders: only the latest of each deadline is due.
    expect(dueReminders(all, since, at('2023-09-08T12:00:00+08:00'), TZ).map((r) => r.id)).toEqual(['individual:0']);
    expect(dueReminders(all, since, at('2023-09-14T12:00:00+08:00'), TZ).map((r) => r.id)).toEqual(['unit:7']);
    // Subscribed after 9-05 09:00: the 3-day reminder is not sent; the 1-day one is next.
    const late = at('2023-09-05T10:00:00+08:00');
    expect(dueReminders(all, late, at('2023-09-05T23:00:00+08:00'), TZ)).toEqual([]);
    expect(dueReminders(all, late, at('2023-09-07T09:00:00+08:00'), TZ).map((r) => r.id)).toEqual(['individual:1']);
    expect(upcoming(all, late)[0]!.id).toBe('individual:1');
  });

  it('knows when the season is over', () => {
    expect(seasonOver(k.params, at('2023-09-21T23:00:00+08:00'), TZ)).toBe(false);
    expect(seasonOver(k.params, at('2023-09-22T00:00:00+08:00'), TZ)).toBe(true);
  });

  it('places 09:00 in any zone', () => {
    expect(zonedInstant('2023-09-08', '09:00', 'Europe/Berlin').toISOString()).toBe('2023-09-08T07:00:00.000Z');
    expect(zonedInstant('2023-09-08', '09:00', 'UTC').toISOString()).toBe('2023-09-08T09:00:00.000Z');
  });
});

/**
 * Working days on the mainland China calendar, with public holidays and make-up workdays (调休),
 * from the `chinese-days` package. The package knows the schedule of the years the State Council
 * had published when it was released (1.5.7: 2004–2026); for any other year it silently counts
 * Monday–Friday. So every date computed here says whether the calendar knew every year it
 * touched, and the years it covers are read from the package's own data, never kept here: an
 * update of the package (`npm install chinese-days@latest`, README "The working-day calendar")
 * is all a new year needs.
 */
import { createRequire } from 'node:module';
import chineseDays from 'chinese-days';

/** A date computed on the calendar, whether the calendar knows every year it touched, and if not the first year it does not know. */
export interface CalendarDate { date: string; covered: boolean; uncoveredYear?: number }

/** The years the calendar has the holiday schedule of, first and last. */
export interface CalendarYears { from: number; to: number }

/** The first year any holiday table can hold: the national holiday rules (全国年节及纪念日放假办法) date from 1949. */
const FIRST_POSSIBLE_YEAR = 1949;

let yearsMemo: CalendarYears | undefined;

/**
 * The years `chinese-days` has the holiday schedule of, read from its data: those whose 1 January
 * (元旦, a holiday every year) is in its holiday table, found upwards from 1949 (one look-up a
 * year, about 2 ms in all). The package carries a run of consecutive years;
 * test/reminders/schedule.test.ts checks this against its whole table and its JSON copy.
 */
export function calendarYears(): CalendarYears {
  if (yearsMemo) return yearsMemo;
  const listed = (year: number): boolean => chineseDays.getHolidaysInRange(`${year}-01-01`, `${year}-01-01`, false).length > 0;
  let from = FIRST_POSSIBLE_YEAR;
  while (!listed(from)) {
    if (from - FIRST_POSSIBLE_YEAR > 500) throw new Error('chinese-days has no holiday data: reinstall it (npm install chinese-days@latest)');
    from++;
  }
  let to = from;
  while (listed(to + 1)) to++;
  return (yearsMemo = { from, to });
}

/** The installed version of `chinese-days`. */
export function calendarVersion(): string {
  return (createRequire(import.meta.url)('chinese-days/package.json') as { version: string }).version;
}

/** "chinese-days 1.5.7 covers 2004–2026": for the loader's and the log's messages. */
export function calendarCoverage(): string {
  const { from, to } = calendarYears();
  return `chinese-days ${calendarVersion()} covers ${from}–${to}`;
}

/** True when the holiday calendar has data for this year. */
export function yearCovered(year: number): boolean {
  const { from, to } = calendarYears();
  return year >= from && year <= to;
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

/** The first year from `a`'s to `b`'s (either order) that the calendar does not cover. */
function firstUncovered(a: string, b: string): number | undefined {
  const [lo, hi] = [yearOf(a), yearOf(b)].sort((x, y) => x - y) as [number, number];
  for (let y = lo; y <= hi; y++) if (!yearCovered(y)) return y;
  return undefined;
}

function calendarDate(date: string, from: string): CalendarDate {
  const uncoveredYear = firstUncovered(from, date);
  return uncoveredYear === undefined ? { date, covered: true } : { date, covered: false, uncoveredYear };
}

/** True for a working day (a weekday that is no holiday, or a make-up Saturday/Sunday). */
export function isWorkingDay(date: string): boolean {
  return chineseDays.isWorkday(date);
}

/**
 * The `n`-th working day after `date` (`n` > 0) or before it (`n` < 0), not counting `date`
 * itself: 5 working days after 2023-09-27 is 2023-10-10 (9-29…10-6 are holidays, 10-7 and 10-8
 * are worked).
 */
export function addWorkingDays(date: string, n: number): CalendarDate {
  return calendarDate(chineseDays.findWorkday(n, date), date);
}

/**
 * The last day a publicity period of `days` working days can start so that it ends before
 * `deadline` (the last day of publicity is a working day before the deadline): 附件2 / 五(一)
 * ask units for at least 5 working days of 公示 before they recommend. For 2023-09-21 and 5
 * days: 9-14, 9-15, 9-18, 9-19, 9-20 → 2023-09-14.
 */
export function lastPublicityStart(deadline: string, days: number): CalendarDate {
  const lastDay = addWorkingDays(deadline, -1);
  return calendarDate(addWorkingDays(lastDay.date, -(days - 1)).date, deadline);
}

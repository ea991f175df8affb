/**
 * Working days on the mainland China calendar, with public holidays and make-up workdays (调休),
 * from the `chinese-days` package. Its data covers 2004–2026 only: for later years it silently
 * counts weekends alone, so every answer says whether the years it touched are covered.
 */
import chineseDays from 'chinese-days';

/** The years `chinese-days` has holiday data for (measured for 1.5.7; see STACK-NOTES.md). */
export const CALENDAR_YEARS = { from: 2004, to: 2026 } as const;

/** A date computed on the calendar, and whether the calendar knows every year it touched. */
export interface CalendarDate { date: string; covered: boolean }

/** True when the holiday calendar has data for this year. */
export function yearCovered(year: number): boolean {
  return year >= CALENDAR_YEARS.from && year <= CALENDAR_YEARS.to;
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

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
  const result = chineseDays.findWorkday(n, date);
  return { date: result, covered: yearCovered(yearOf(date)) && yearCovered(yearOf(result)) };
}

/**
 * The last day a publicity period of `days` working days can start so that it ends before
 * `deadline` (the last day of publicity is a working day before the deadline): 附件2 / 五(一)
 * ask units for at least 5 working days of 公示 before they recommend. For 2023-09-21 and 5
 * days: 9-14, 9-15, 9-18, 9-19, 9-20 → 2023-09-14.
 */
export function lastPublicityStart(deadline: string, days: number): CalendarDate {
  const lastDay = addWorkingDays(deadline, -1);
  const start = addWorkingDays(lastDay.date, -(days - 1));
  return { date: start.date, covered: lastDay.covered && start.covered };
}

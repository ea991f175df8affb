/**
 * Which dates an edition's working-day arithmetic reaches, for the loader's calendar check: an
 * edition whose own dates would be counted Monday–Friday (its year's holiday schedule missing
 * from `chinese-days`) does not load. What a user types (an SMS date) is labelled at run time
 * instead (src/dialogue/paper-deadline.ts).
 */
import { lastPublicityStart, yearCovered } from '../core/working-days.ts';
import type { Notice, Parameters } from './schema.ts';

/** A date the arithmetic reaches in a year the calendar does not cover, and the parameter it comes from. */
export interface CalendarGap {
  parameter: 'unitDeadline' | 'publicityWorkingDays' | 'paperWorkingDays';
  /** What reaches it, starting with the date. */
  what: string;
  year: number;
}

const yearOf = (date: string): number => Number(date.slice(0, 4));

/**
 * The first working-day date of the edition in a year the calendar does not cover, if any:
 *
 * 1. the unit deadline (五(四)), from which the publicity start that HR are reminded of is
 *    counted back (src/reminders/schedule.ts): `publicityWorkingDays` working days before it;
 * 2. the paper materials, due `paperWorkingDays` working days after the approval SMS (五(四)).
 *    The notice gives no date for the SMS: it comes once an application is reviewed, so not before
 *    the notice is issued, and the review of a season's applications ends within the year of its
 *    unit deadline (the 年度 evaluation; its years are counted to 12-31, 三(四)). So every year
 *    from the notice's issue to the unit deadline's is needed. An SMS in the last days of that year
 *    has its due date in the next January; that year is not required here, because the State
 *    Council publishes a year's holidays only between October and December of the year before
 *    (2024's on 2023-10-25, 2026's in November 2025), months after a notice comes out (July in
 *    2023): requiring it would refuse every new notice until then. Such an answer is
 *    labelled as counted Monday–Friday at run time instead.
 *
 * The individual deadline needs no working-day arithmetic of its own.
 */
export function calendarGap(notice: Notice, params: Parameters): CalendarGap | undefined {
  const unit = params.unitDeadline.value;
  if (!yearCovered(yearOf(unit))) return { parameter: 'unitDeadline', what: unit, year: yearOf(unit) };
  const days = params.publicityWorkingDays.value;
  const start = lastPublicityStart(unit, days);
  if (!start.covered) {
    return { parameter: 'publicityWorkingDays', what: `${start.date} (the start of ${days} working days of publicity before ${unit})`, year: start.uncoveredYear! };
  }
  for (let year = yearOf(notice.issued); year <= yearOf(unit); year++) {
    if (yearCovered(year)) continue;
    const first = year === yearOf(notice.issued) ? notice.issued : `${year}-01-01`;
    return {
      parameter: 'paperWorkingDays',
      what: `${first} (the paper materials are due ${params.paperWorkingDays.value} working days after an approval SMS, which can come from the notice's issue, ${notice.issued}, to the end of ${yearOf(unit)})`,
      year,
    };
  }
  return undefined;
}

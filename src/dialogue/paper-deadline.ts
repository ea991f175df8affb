/**
 * "我9月27日收到审核通过短信，纸质材料最晚哪天交？": 五(四) gives applicants five working days
 * after the approval SMS to deliver the paper materials. A question that mentions the SMS and a
 * date gets the day computed on the mainland working-day calendar (holidays and make-up days).
 */
import type { Citation } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import type { Knowledge } from '../knowledge/load.ts';
import { cnDate } from '../rules/index.ts';
import { isIsoDate } from '../rules/months.ts';
import { addWorkingDays, calendarYears, type CalendarDate } from '../core/working-days.ts';
import { say, type ChatFlow } from './flow.ts';

/** A date in the text: 2023年9月27日, 9月27日 / 9月27号, 2023-09-27, 9/27; the year defaults to the edition's. */
export function findDate(text: string, defaultYear: number): string | undefined {
  const patterns = [
    /(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/,
    /(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})/,
    /()(?<![\d.])(\d{1,2})[/.](\d{1,2})(?![\d.])/,
  ];
  for (const re of patterns) {
    const m = re.exec(text);
    if (!m) continue;
    const year = m[1] ? Number(m[1]) : defaultYear;
    const iso = `${String(year).padStart(4, '0')}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
    if (isIsoDate(iso)) return iso;
  }
  return undefined;
}

/** The answer when `text` asks about the paper deadline after the approval SMS; otherwise undefined. */
export function paperDeadlineAnswer(text: string, knowledge: Knowledge, flow: ChatFlow): { text: string; citations: Citation[] } | undefined {
  if (!flow.approvalSms.some((w) => text.includes(w))) return undefined;
  const { params } = knowledge;
  const received = findDate(text, Number(params.individualDeadline.value.slice(0, 4)));
  if (!received) return undefined;
  return paperDeadlineFrom(received, knowledge, flow);
}

/** The paper deadline for an approval SMS received on `received` (ISO date). */
export function paperDeadlineFrom(received: string, knowledge: Knowledge, flow: ChatFlow): { text: string; citations: Citation[] } {
  const { params } = knowledge;
  const days = params.paperWorkingDays.value;
  const due = addWorkingDays(received, days);
  const vars = { date: cnDate(received), paperDays: days, deadline: workingDayDate(flow, due) };
  const lines = [say(flow, due.covered ? 'paperDeadline' : 'paperDeadlineWeekdays', vars)];
  if (!due.covered) lines.push(calendarNote(flow, due.uncoveredYear!));
  return { text: lines.join('\n'), citations: cite(knowledge, params.paperWorkingDays.clauses) };
}

/**
 * A date computed in working days as the chat states it: the date, and for a year the holiday
 * calendar does not cover (its schedule not yet published) a label saying it counted Monday–Friday.
 */
export function workingDayDate(flow: ChatFlow, d: CalendarDate): string {
  return d.covered ? cnDate(d.date) : say(flow, 'weekdaysDate', { date: cnDate(d.date) });
}

/** The note that goes with a date labelled by `workingDayDate`: `year`'s holidays are not known, Monday–Friday was counted. */
export function calendarNote(flow: ChatFlow, year: number): string {
  const { from, to } = calendarYears();
  return say(flow, 'calendarNotCovered', { from, to, year });
}

/** The wording of a pushed reminder (flows/chat.yaml), with its clause, computed purely. */
import type { Knowledge } from '../knowledge/load.ts';
import { cite } from '../qa/answer.ts';
import { cnDate } from '../rules/index.ts';
import { CALENDAR_YEARS } from '../rules/working-days.ts';
import { fill, type ChatFlow } from '../dialogue/flow.ts';
import { deadlineName } from '../dialogue/reminders.ts';
import type { Reminder } from './schedule.ts';

/**
 * One reminder as text: the deadline and the days left, for HR the publicity rule, for an
 * applicant who finished the interview what is still on their checklist, and the source.
 */
export function reminderText(reminder: Reminder, knowledge: Knowledge, flow: ChatFlow, checklist: readonly string[] = []): string {
  const t = flow.texts;
  const { params } = knowledge;
  const d = reminder.deadline;
  const days = reminder.offset > 0 ? fill(t.daysLeft, { days: reminder.offset }) : t.today;
  const lines = [fill(t.reminder, { what: deadlineName(flow, d.id), date: cnDate(d.date), days })];
  if (d.id === 'publicity') {
    lines.push(fill(t.reminderPublicity, { publicityDays: params.publicityWorkingDays.value, deadline: cnDate(params.unitDeadline.value) }));
    if (!d.covered) lines.push(fill(t.calendarNotCovered, { from: CALENDAR_YEARS.from, to: CALENDAR_YEARS.to, year: d.date.slice(0, 4) }));
  }
  if (checklist.length > 0) lines.push(t.reminderChecklist, ...checklist.map((item, i) => `${i + 1}. ${item}`));
  lines.push(t.reminderFooter);
  lines.push(fill(t.source, { title: cite(knowledge, d.clauses).map((c) => c.title).join('；') }));
  return lines.join('\n');
}

/** The one message to those who waited for the next notice. */
export function newEditionText(knowledge: Knowledge, flow: ChatFlow): string {
  const { notice, edition } = knowledge;
  return fill(flow.texts.newEdition, { edition, title: notice.title, docNumber: notice.docNumber });
}

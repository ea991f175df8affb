/**
 * `assess`: the eligibility of one validated profile under one edition of the notice
 * (RULES.md). Pure: the same profile, edition and clock give the same assessment.
 */
import { blockerClauses, checkPrerequisites } from './blockers.ts';
import { checklist } from './checklist.ts';
import { prescribedEducation } from './education.ts';
import { dateInZone, fullYears, monthIndex } from './months.ts';
import type { Profile } from './profile.ts';
import { checkRoutes, honourWindow, ruleContext, unique, type Reading } from './routes.ts';
import type { Assessment, Edition } from './types.ts';
import { blockerMessage, deadlines, deadlineSummary, readingsNote, shortPhrase, verdictNote } from './wording.ts';

export type { Edition } from './types.ts';

/** The time zone deadlines are counted in unless the caller says otherwise (TZ_BOT's default). */
export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';

/**
 * Assesses a profile: routes, blockers, near misses, checklist, deadlines and notes.
 * `now` is the bot's clock, used only for the deadline summary; `timeZone` decides its "today".
 */
export function assess(profile: Profile, edition: Edition, now: Date = new Date(), timeZone = DEFAULT_TIME_ZONE): Assessment {
  const params = edition.params;
  const ctx = ruleContext(profile, params);
  const outcomes = checkRoutes(profile, ctx);
  const routes = outcomes.filter((o) => o.holds).map((o) => o.route);
  const facts = checkPrerequisites(profile, params, outcomes);
  const blockers = facts.map((f) => ({ code: f.code, message: blockerMessage(f, edition, profile.education), clauses: unique(blockerClauses(f, params)) }));
  const nearMiss = outcomes.flatMap((o) => (o.nearMiss ? [{ route: o.route, short: shortPhrase(o.nearMiss), metOn: o.nearMiss.metOn }] : []));
  const eligible = blockers.length === 0;

  const readings: Reading[] = unique(outcomes.flatMap((o) => o.readings));
  if (ctx.extra > 0) readings.push('mismatch-scope');
  const notes = [
    verdictNote(eligible, routes, blockers.map((b) => b.code), edition),
    deadlineSummary(dateInZone(now, timeZone), edition),
  ];
  if (readings.length > 0) {
    notes.push(readingsNote(sortReadings(readings), edition, { extra: ctx.extra, prescribed: prescribedEducation(params), window: honourWindow(params) }));
  }

  return {
    eligible,
    routes,
    blockers,
    workYears: fullYears(monthIndex(profile.workStart), ctx.cutoff),
    nearMiss,
    checklist: checklist(profile, routes, edition),
    deadlines: deadlines(edition).map((d) => ({ ...d, clauses: unique(d.clauses) })),
    notes,
  };
}

const READING_ORDER: Reading[] = ['month-count', 'mismatch-scope', 'higher-education', 'exceptional'];
function sortReadings(readings: Reading[]): Reading[] {
  return READING_ORDER.filter((r) => readings.includes(r));
}

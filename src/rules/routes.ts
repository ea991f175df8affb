/**
 * The five routes of 二.1–二.5, each checked on its own. A route's outcome is data: whether it
 * holds, what falls short (for the wording module to phrase), when a purely time-based shortfall
 * would be made up, and the clauses it rests on. Every number comes from the edition's parameters.
 */
import type { Parameters } from '../knowledge/schema.ts';
import { honourWindowOf, ROUTE_IDS } from '../knowledge/wording.ts';
import { atLeast, educationWorkYears, isTechSchool, lowest, plainEducation, prescribedEducation, type PlainEducation } from './education.ts';
import { formatMonth, fullYears, monthIndex, monthsThrough, monthYearsMet, type MonthIndex } from './months.ts';
import type { Education, Profile } from './profile.ts';

/** The route ids, in the order `routes` lists them (declared with the wording that names them). */
export const ROUTES = ROUTE_IDS;
export type RouteId = (typeof ROUTES)[number];

/** A period counted to the cut-off against a required number of full years. */
export interface Period {
  /** `YYYY-MM` the period starts */
  since: string;
  /** whole months through the cut-off month */
  months: number;
  /** full years at the cut-off */
  years: number;
  /** required full years: `base + extra` */
  need: number;
  base: number;
  /** the mismatch year(s), 0 when it does not apply */
  extra: number;
  /** `YYYY-MM` at whose end the required years are complete */
  metOn: string;
}

/** The items of 二.4, numbered as the notice numbers them. */
export type ItemNo = 1 | 2 | 3 | 4 | 5;

/** Why a route does not hold, one condition at a time (tagged with `kind`). */
export type Shortfall =
  | { kind: 'education-not-listed'; education: Education }
  | { kind: 'period'; of: 'work' | 'assistant-engineer' | 'technician'; period: Period }
  | { kind: 'education-below'; education: Education; lowest: PlainEducation }
  | { kind: 'no-assistant-engineer' }
  | { kind: 'no-technician' }
  | { kind: 'items'; held: ItemNo[]; need: number; total: number; long: Period }
  | { kind: 'no-honour' }
  | { kind: 'honour-category'; category: number; rows: number }
  | { kind: 'honour-window'; issued: string; from: string; to: string }
  | { kind: 'not-main-tech-lead' }
  | { kind: 'has-education'; education: Education; prescribed: PlainEducation }
  | { kind: 'has-assistant-engineer' };

/** RULES.md readings a ruling can rest on; each one makes the assessment say "以评委会解释为准". */
export type Reading = 'month-count' | 'mismatch-scope' | 'higher-education' | 'exceptional';

export interface RouteOutcome {
  route: RouteId;
  holds: boolean;
  shortfalls: Shortfall[];
  /** set when the route fails only on time: the period that would complete it */
  nearMiss: Period | null;
  clauses: string[];
  readings: Reading[];
}

/** What every route check needs, computed once per profile. */
export interface RuleContext {
  params: Parameters;
  cutoff: MonthIndex;
  /** the mismatch years added to professional-work thresholds (二: 专业不对口), 0 when relevant */
  extra: number;
}

/** Builds the context: the cut-off month (三(四)) and the mismatch year (二). */
export function ruleContext(profile: Profile, params: Parameters): RuleContext {
  const mismatch = profile.education !== 'none' && !profile.educationRelevant;
  return { params, cutoff: monthIndex(params.cutoff.value), extra: mismatch ? params.mismatchExtraYears.value : 0 };
}

/** Counts a period from `since` against `base + extra` full years at the cut-off. */
export function period(since: string, base: number, extra: number, cutoff: MonthIndex): Period {
  const start = monthIndex(since);
  const need = base + extra;
  return {
    since, months: monthsThrough(start, cutoff), years: fullYears(start, cutoff),
    need, base, extra, metOn: formatMonth(monthYearsMet(start, need)),
  };
}

const met = (p: Period): boolean => p.years >= p.need;
/** Within a month of the threshold: a differing way of counting months could change the ruling. */
const borderline = (p: Period): boolean => p.months - p.need * 12 >= -1 && p.months - p.need * 12 <= 0;

/** The clauses a route rests on; `mismatch` / `techSchool` add those of the mismatch year and the 技工院校 equivalence. */
export function routeClauses(route: RouteId, params: Parameters, flags: { mismatch: boolean; techSchool: boolean }): string[] {
  const p = params;
  const mismatch = flags.mismatch ? p.mismatchExtraYears.clauses : [];
  const tech = flags.techSchool ? p.techSchoolEquivalence.clauses : [];
  const byRoute: Record<RouteId, string[]> = {
    'education-years': [...p.educationWorkYears.clauses, ...mismatch, ...tech, ...p.cutoff.clauses],
    'assistant-engineer': [...p.assistantEngineerYears.clauses, ...p.assistantEngineerEducation.clauses, ...tech, ...p.cutoff.clauses],
    technician: [...p.technicianYears.clauses, ...p.cutoff.clauses],
    'two-of-five': [
      ...p.twoOfFive.clauses, ...p.innovationItem.clauses, ...p.patents.clauses, ...p.techHeadYears.clauses,
      ...p.longServiceYears.clauses, ...p.awardItem.clauses, ...mismatch, ...p.cutoff.clauses,
    ],
    exceptional: [...p.honourWindow.clauses, ...p.honourCategories.clauses, ...tech, ...p.honourQuota.clauses],
  };
  return unique(byRoute[route]);
}

/** Checks all five routes, in order. */
export function checkRoutes(profile: Profile, ctx: RuleContext): RouteOutcome[] {
  return [educationYears(profile, ctx), assistantEngineer(profile, ctx), technician(profile, ctx), twoOfFive(profile, ctx), exceptional(profile, ctx)];
}

function outcome(route: RouteId, profile: Profile, ctx: RuleContext, shortfalls: Shortfall[], nearMiss: Period | null, readings: Reading[]): RouteOutcome {
  const flags = { mismatch: ctx.extra > 0, techSchool: isTechSchool(profile.education) };
  return { route, holds: shortfalls.length === 0, shortfalls, nearMiss, clauses: routeClauses(route, ctx.params, flags), readings };
}

/** 二.1: 研究生 2 years, 本科 5, 大专 7 (2023), plus the mismatch year. */
function educationYears(profile: Profile, ctx: RuleContext): RouteOutcome {
  const base = educationWorkYears(profile.education, ctx.params);
  if (base === null) return outcome('education-years', profile, ctx, [{ kind: 'education-not-listed', education: profile.education }], null, []);
  const work = period(profile.workStart, base, ctx.extra, ctx.cutoff);
  const shortfalls: Shortfall[] = met(work) ? [] : [{ kind: 'period', of: 'work', period: work }];
  return outcome('education-years', profile, ctx, shortfalls, met(work) ? null : work, borderline(work) ? ['month-count'] : []);
}

/** 二.2: 大专 or higher, and 助理工程师 held for 4 years (2023); the mismatch year does not apply. */
function assistantEngineer(profile: Profile, ctx: RuleContext): RouteOutcome {
  const p = ctx.params;
  const admitted = p.assistantEngineerEducation.value;
  const plain = plainEducation(profile.education, p);
  const minimum = lowest(admitted);
  const shortfalls: Shortfall[] = [];
  const readings: Reading[] = [];
  const educationOk = atLeast(plain, minimum);
  if (!educationOk) shortfalls.push({ kind: 'education-below', education: profile.education, lowest: minimum });
  let held: Period | null = null;
  if (profile.assistantEngineerSince === null) shortfalls.push({ kind: 'no-assistant-engineer' });
  else {
    held = period(profile.assistantEngineerSince, p.assistantEngineerYears.value, 0, ctx.cutoff);
    if (!met(held)) shortfalls.push({ kind: 'period', of: 'assistant-engineer', period: held });
    if (educationOk && borderline(held)) readings.push('month-count');
  }
  // RULES.md: levels above those the notice names (研究生) are admitted too.
  if (educationOk && !(admitted as readonly string[]).includes(plain) && profile.assistantEngineerSince !== null) readings.push('higher-education');
  const nearMiss = held && shortfalls.length === 1 && !met(held) ? held : null;
  return outcome('assistant-engineer', profile, ctx, shortfalls, nearMiss, readings);
}

/** 二.3: 技师 职业资格 or 职业技能等级 held for 3 years (2023). */
function technician(profile: Profile, ctx: RuleContext): RouteOutcome {
  if (profile.technicianSince === null) return outcome('technician', profile, ctx, [{ kind: 'no-technician' }], null, []);
  const held = period(profile.technicianSince, ctx.params.technicianYears.value, 0, ctx.cutoff);
  const shortfalls: Shortfall[] = met(held) ? [] : [{ kind: 'period', of: 'technician', period: held }];
  return outcome('technician', profile, ctx, shortfalls, met(held) ? null : held, borderline(held) ? ['month-count'] : []);
}

/** 二.4: at least 2 of the 5 items (2023); item (4) is years of professional work, with the mismatch year. */
function twoOfFive(profile: Profile, ctx: RuleContext): RouteOutcome {
  const p = ctx.params;
  const a = profile.achievements;
  const pat = p.patents.value;
  const long = period(profile.workStart, p.longServiceYears.value, ctx.extra, ctx.cutoff);
  const items: Record<ItemNo, boolean> = {
    1: a.innovationLead,
    2: a.inventionPatents >= pat.inventionPatents || a.softwareCopyrights >= pat.softwareCopyrights || a.utilityModelsFirst >= pat.utilityModelsFirst,
    3: a.techHeadYears >= p.techHeadYears.value || a.innovationTeamOrCountyLeader,
    4: met(long),
    5: a.governmentAward,
  };
  const held = ([1, 2, 3, 4, 5] as const).filter((n) => items[n]);
  const need = p.twoOfFive.value.itemsRequired;
  const holds = held.length >= need;
  const shortfalls: Shortfall[] = holds ? [] : [{ kind: 'items', held, need, total: p.twoOfFive.value.itemsTotal, long }];
  // Item (4) decides the route when the others hold exactly one short of the requirement.
  const othersHeld = held.filter((n) => n !== 4).length;
  const decisive = othersHeld === need - 1;
  const nearMiss = !holds && decisive && !items[4] ? long : null;
  return outcome('two-of-five', profile, ctx, shortfalls, nearMiss, decisive && borderline(long) ? ['month-count'] : []);
}

/**
 * 二.5 破格: a listed honour (附件4), national or provincial, issued within the window, as its main
 * technical lead, and the applicant lacks the prescribed education and holds no 助理工程师.
 */
function exceptional(profile: Profile, ctx: RuleContext): RouteOutcome {
  const p = ctx.params;
  const shortfalls: Shortfall[] = [];
  const honour = profile.honour;
  if (honour === null) shortfalls.push({ kind: 'no-honour' });
  else {
    if (honour.category > p.honourCategories.value) shortfalls.push({ kind: 'honour-category', category: honour.category, rows: p.honourCategories.value });
    const window = honourWindow(p);
    if (honour.issued < window.from || honour.issued > window.to) shortfalls.push({ kind: 'honour-window', issued: honour.issued, ...window });
    if (!honour.mainTechLead) shortfalls.push({ kind: 'not-main-tech-lead' });
  }
  const prescribed = prescribedEducation(p);
  if (atLeast(plainEducation(profile.education, p), prescribed)) shortfalls.push({ kind: 'has-education', education: profile.education, prescribed });
  if (profile.assistantEngineerSince !== null) shortfalls.push({ kind: 'has-assistant-engineer' });
  return outcome('exceptional', profile, ctx, shortfalls, null, honour === null ? [] : ['exceptional']);
}

/** The window an honour must be issued in (二.5), from the edition's parameters (knowledge/wording.ts, which checks the examples against it). */
export const honourWindow = honourWindowOf;

/** Removes repeats, keeping the first occurrence. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

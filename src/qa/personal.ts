/**
 * Answers computed for the person: the rules of src/rules applied to the facts they told
 * (src/reading), as findings the dialogue words. Only what the facts decide is found: a route
 * whose start date is unknown is not judged; a year said without its month is judged for every
 * month of that year, and only when all of them agree.
 */
import type { Knowledge } from '../knowledge/load.ts';
import type { Facts, MonthSpan } from '../reading/index.ts';
import type { Education, Profile, Specialty } from '../rules/index.ts';
import { atLeast, educationWorkYears, lowest, plainEducation, prescribedEducation } from '../rules/education.ts';
import { hoursGap, type HoursGap } from '../rules/blockers.ts';
import { personalRows } from '../rules/checklist.ts';
import type { ChecklistEntry } from '../rules/types.ts';
import { personalEntry } from '../rules/wording.ts';
import { dateInZone, daysBetween, monthIndex } from '../rules/months.ts';
import { honourWindow, period, routeClauses, type ItemNo, type Period, type RouteId } from '../rules/routes.ts';

export type PeriodOf = 'work' | 'assistant-engineer' | 'technician';

export type Finding =
  /** The field of work is not one the notice evaluates. */
  | { kind: 'scope-field'; word: string; clauses: string[] }
  | { kind: 'scope-employer'; word: string; clauses: string[] }
  | { kind: 'scope-zone'; word: string; clauses: string[] }
  /** A foreigner without (or not saying) a permanent residence card or talent residence permit. */
  | { kind: 'scope-nationality'; known: boolean; clauses: string[] }
  /** 港澳台 or a foreigner with one of the two cards: covered, on the same conditions. */
  | { kind: 'nationality-covered'; nationality: 'hk-macau-taiwan' | 'foreign-permanent-resident' | 'foreign-talent-permit'; clauses: string[] }
  | { kind: 'review-failed'; years: number[]; clauses: string[] }
  | { kind: 'review-passed'; clauses: string[] }
  /**
   * A route decided by a period: `early`/`late` are the period counted from the first and the last
   * month the person may mean (the same when the month was said); `holds` 'depends' when they disagree.
   */
  | { kind: 'period'; route: RouteId; of: PeriodOf; holds: boolean | 'depends'; early: Period; late: Period; education: Education | null; inferredStart: boolean; clauses: string[] }
  /** 二.2 asks for 大专 or higher; the person is below it. */
  | { kind: 'assistant-education'; education: Education; clauses: string[] }
  /** What the person told of who they are is inside 一 (a private enterprise in the zone, a covered specialty), and nothing else decides. */
  | { kind: 'scope-ok'; employer: boolean; zone: boolean; specialty: Specialty | null; clauses: string[] }
  /** One of the five 二.4 items asked about alone ("技术部负责人干了两年半 算不算那一项"): whether it counts. */
  | { kind: 'item-check'; item: 3 | 4; holds: boolean; have: number; need: number; clauses: string[] }
  /** Hours of a year outside the 继续教育 window ("2020年的学时能算吗"). */
  | { kind: 'hours-window'; year: number; from: number; to: number; inside: boolean; clauses: string[] }
  /** The length of 本人述职 against its limit. */
  | { kind: 'statement-length'; chars: number; max: number; clauses: string[] }
  /** 专业不对口 concluded from the subject studied, not said: how it was counted. */
  | { kind: 'mismatch-assumed'; studied: string; clauses: string[] }
  /** An education 二.1 and 二.2 do not take (中专, 高中): the routes it can still use. */
  | { kind: 'no-education-route'; education: Education; clauses: string[] }
  /** How many years 二.1 asks for an education (and 专业不对口), when no dates were told. */
  | { kind: 'requirement'; education: Education; base: number; extra: number; asked: number | null; clauses: string[] }
  /** 二.4: the items the facts show, of the five; `workYears` for item (4) when known. */
  | { kind: 'items'; held: ItemNo[]; known: ItemNo[]; need: number; total: number; workYears: number | null; longNeed: number; clauses: string[] }
  /** 二.5 破格 checked on the honour told. */
  /** `personal`: the person spoke of themselves (their education, 助工, being the project's lead). */
  | { kind: 'honour'; personal: boolean; holds: boolean; category: number | null; issued: MonthSpan | null; inWindow: boolean | null; window: { from: string; to: string }; listed: boolean | null; mainTechLead: boolean | null; education: Education | null; hasEducation: boolean | null; hasAssistant: boolean | null; quota: number | null; clauses: string[] }
  | { kind: 'hours'; gap: HoursGap; partial: boolean; clauses: string[] }
  /** Days from a day to a deadline: today by the clock, today as the person said it, or another day they named. */
  | { kind: 'days'; deadline: 'individual' | 'unit'; date: string; from: string; days: number; counting: 'clock' | 'today' | 'other'; clauses: string[] }
  /** A patent outside 近五年. */
  | { kind: 'patent-window'; year: number; recentYears: number; clauses: string[] }
  /** 实用新型 counted only when ranked first, and 3 of them are needed. */
  | { kind: 'utility-first'; first: number; total: number; need: number; clauses: string[] }
  /** What the person's situation adds to the materials (the checklist rows of RULES.md). */
  | { kind: 'documents'; entries: ChecklistEntry[]; clauses: string[] };

export interface PersonalQuestion {
  facts: Facts;
  /** What the question asks (the reading's focus). */
  focus: ReadonlySet<string>;
  /** Whether the question asks if something counts as one of the 二.4 items ("算不算那一项"). */
  asksItem?: boolean;
  /** Which deadline the question names, if any. */
  deadline: 'individual' | 'unit' | null;
  now: Date;
  timeZone: string;
}

/** The findings the facts decide, most decisive first; empty when the facts decide nothing asked. */
export function personalFindings(q: PersonalQuestion, k: Knowledge): Finding[] {
  const f = q.facts;
  const p = k.params;
  const out: Finding[] = [];
  const eligibility = q.focus.has('can-i') || q.focus.has('years') || q.focus.has('short-by') || q.focus.has('how-many');

  // 一: who may apply at all.
  if (f.field && (f.field.specialty === 'other' || !Object.hasOwn(p.specialties.value, f.field.specialty))) out.push({ kind: 'scope-field', word: f.field.word, clauses: p.specialties.clauses });
  if (f.employerPrivate && !f.employerPrivate.value) out.push({ kind: 'scope-employer', word: f.employerPrivate.word, clauses: p.employerKind.clauses });
  if (f.employerInZone && !f.employerInZone.value) out.push({ kind: 'scope-zone', word: f.employerInZone.word, clauses: p.zone.clauses });
  if (f.nationality === 'foreign-other' || f.nationality === 'foreign-unknown') out.push({ kind: 'scope-nationality', known: f.nationality === 'foreign-other', clauses: p.nationalitiesCovered.clauses });
  else if (f.nationality && f.nationality !== 'mainland' && eligibility && (p.nationalitiesCovered.value as readonly string[]).includes(f.nationality)) {
    out.push({ kind: 'nationality-covered', nationality: f.nationality, clauses: p.nationalitiesCovered.clauses });
  }
  if (f.annualReviewsPassed === false) out.push({ kind: 'review-failed', years: f.failedReviewYears ?? [], clauses: p.annualReview.clauses });
  if (f.annualReviewsPassed === true && eligibility) out.push({ kind: 'review-passed', clauses: p.annualReview.clauses });

  const extra = f.educationRelevant === false && f.education !== 'none' ? p.mismatchExtraYears.value : 0;
  const flags = { mismatch: extra > 0, techSchool: f.education?.startsWith('tech-') ?? false };
  const cutoff = monthIndex(p.cutoff.value);
  const span = (s: MonthSpan, base: number, ex: number) => ({ early: period(s.from, base, ex, cutoff), late: period(s.to, base, ex, cutoff) });
  const verdict = (e: Period, l: Period): boolean | 'depends' => (e.years >= e.need) === (l.years >= l.need) ? e.years >= e.need : 'depends';

  // 二.1: education and the start of professional work (taken from the graduation when only that was said).
  const base = f.education ? educationWorkYears(f.education, p) : null;
  const workStart = f.workStart ?? (f.graduated && eligibility ? { ...f.graduated, inferred: true } : undefined);
  if (f.education && base !== null && workStart) {
    const { early, late } = span(workStart, base, extra);
    out.push({ kind: 'period', route: 'education-years', of: 'work', holds: verdict(early, late), early, late, education: f.education, inferredStart: workStart.inferred === true, clauses: routeClauses('education-years', p, flags) });
  } else if (f.education && base !== null && f.workYears && eligibility) {
    // "本科，做了6年": the years as said, against the requirement.
    const years = f.workYears.approx === 'almost' ? Math.ceil(f.workYears.years) - 1 : Math.floor(f.workYears.years);
    const since = `${Math.floor(cutoff / 12) - years}-${String((cutoff % 12) + 1).padStart(2, '0')}`;
    const { early, late } = span({ from: since, to: since }, base, extra);
    out.push({ kind: 'period', route: 'education-years', of: 'work', holds: verdict(early, late), early, late, education: f.education, inferredStart: false, clauses: routeClauses('education-years', p, flags) });
  } else if (f.education && base !== null && (q.focus.has('years') || extra > 0 || (f.askedYears !== undefined && eligibility)) && !f.assistantEngineerSince && !f.technicianSince) {
    out.push({ kind: 'requirement', education: f.education, base, extra, asked: f.askedYears ?? null, clauses: routeClauses('education-years', p, flags) });
  } else if (f.education && base === null && (q.focus.has('years') || eligibility) && !f.technicianSince) {
    out.push({ kind: 'no-education-route', education: f.education, clauses: [...p.educationWorkYears.clauses, ...p.technicianYears.clauses, ...p.twoOfFive.clauses, ...p.honourWindow.clauses, ...(flags.techSchool ? p.techSchoolEquivalence.clauses : [])] });
  }

  if (extra > 0 && f.relevanceInferred && f.studied && out.some((x) => x.kind === 'period' || x.kind === 'requirement')) {
    out.push({ kind: 'mismatch-assumed', studied: f.studied, clauses: [...p.mismatchExtraYears.clauses, ...p.contact.clauses] });
  }

  // 二.2: 助理工程师 held for 4 years, 大专 or higher.
  if (f.assistantEngineerSince) {
    const minimum = lowest(p.assistantEngineerEducation.value);
    if (f.education && !atLeast(plainEducation(f.education, p), minimum)) {
      out.push({ kind: 'assistant-education', education: f.education, clauses: routeClauses('assistant-engineer', p, flags) });
    } else {
      const { early, late } = span(f.assistantEngineerSince, p.assistantEngineerYears.value, 0);
      out.push({ kind: 'period', route: 'assistant-engineer', of: 'assistant-engineer', holds: verdict(early, late), early, late, education: f.education ?? null, inferredStart: false, clauses: routeClauses('assistant-engineer', p, flags) });
    }
  }
  // 二.3: 技师 held for 3 years.
  if (f.technicianSince) {
    const { early, late } = span(f.technicianSince, p.technicianYears.value, 0);
    out.push({ kind: 'period', route: 'technician', of: 'technician', holds: verdict(early, late), early, late, education: f.education ?? null, inferredStart: false, clauses: routeClauses('technician', p, flags) });
  }

  // 二.4: the items the facts show, when they tell of the person (two items or more, or a career).
  const items = itemsOf(f, p, extra, cutoff);
  const career = f.workStart !== undefined || f.workYears !== undefined || f.education !== undefined;
  const route1 = out.find((x) => x.kind === 'period' && x.route === 'education-years');
  // An education without an 二.1 route: item (4) alone is still worth saying ("中专…干了15年").
  const noRoute1 = f.education !== undefined && base === null;
  // One numeric item asked about alone: does it count.
  const alone = items.known.length === 1 ? items.known[0] : undefined;
  const numeric = alone === 3 ? f.techHeadYears !== undefined : alone === 4;
  if ((alone === 3 || alone === 4) && eligibility && q.asksItem && numeric && !f.education && !(route1?.kind === 'period' && route1.holds === true)) {
    const need = alone === 3 ? p.techHeadYears.value : p.longServiceYears.value + extra;
    const have = alone === 3 ? f.techHeadYears ?? 0 : items.workYears ?? 0;
    out.push({ kind: 'item-check', item: alone, holds: have >= need, have, need, clauses: alone === 3 ? p.techHeadYears.clauses : [...p.longServiceYears.clauses, ...p.cutoff.clauses] });
  }
  if (!out.some((x) => x.kind === 'item-check') && (items.known.some((n) => n !== 4) || (noRoute1 && items.known.includes(4))) && (items.known.length >= 2 || career) && !(route1?.kind === 'period' && route1.holds === true)) {
    out.push({ kind: 'items', ...items, need: p.twoOfFive.value.itemsRequired, total: p.twoOfFive.value.itemsTotal, longNeed: p.longServiceYears.value + extra, clauses: routeClauses('two-of-five', p, flags) });
  }
  if (f.patentYear !== undefined) {
    const recent = p.patents.value.recentYears;
    const seasonYear = Number(p.cutoff.value.slice(0, 4));
    if (f.patentYear <= seasonYear - recent) out.push({ kind: 'patent-window', year: f.patentYear, recentYears: recent, clauses: p.patents.clauses });
  }
  // 实用新型 short of 3 ranked first, when no 发明专利 or 软著 makes item (2) anyway.
  const firstUtility = f.utilityModelsFirst ?? (f.utilityModels !== undefined && f.utilityModels < p.patents.value.utilityModelsFirst ? f.utilityModels : undefined);
  if (f.utilityModels !== undefined && firstUtility !== undefined && firstUtility < p.patents.value.utilityModelsFirst && !f.inventionPatents && !f.softwareCopyrights) {
    out.push({ kind: 'utility-first', first: firstUtility, total: f.utilityModels, need: p.patents.value.utilityModelsFirst, clauses: p.patents.clauses });
  }

  // 二.5: the honour, when the person speaks of themselves (the project's lead, their education or 助工).
  const aboutThemselves = f.mainTechLead !== undefined || f.education !== undefined || f.assistantEngineerSince !== undefined;
  if (f.honourCategory !== undefined || (f.honourIssued && (aboutThemselves || eligibility))) {
    const window = honourWindow(p);
    const [first, last] = [window.from.slice(0, 7), window.to.slice(0, 7)];
    const issued = f.honourIssued;
    // Inside when every month it may be is inside; outside when none is; else it depends on the day.
    const inWindow = !issued ? null : issued.from >= first && issued.to <= last ? true : issued.to < first || issued.from > last ? false : null;
    const listed = f.honourCategory !== undefined ? f.honourCategory <= p.honourCategories.value : null;
    const hasEducation = f.education ? atLeast(plainEducation(f.education, p), prescribedEducation(p)) : null;
    const hasAssistant = f.assistantEngineerSince === undefined ? null : f.assistantEngineerSince !== null;
    const mainTechLead = f.mainTechLead ?? null;
    const holds = inWindow === true && listed !== false && mainTechLead === true && hasEducation === false && hasAssistant === false;
    const quota = f.honourLevel ? p.honourQuota.value[f.honourLevel] : null;
    out.push({ kind: 'honour', personal: aboutThemselves, holds, category: f.honourCategory ?? null, issued: issued ?? null, inWindow, window, listed, mainTechLead, education: f.education ?? null, hasEducation, hasAssistant, quota, clauses: routeClauses('exceptional', p, flags) });
  }

  // 三(三): hours of a year outside 近3年.
  if (f.hoursYear !== undefined && eligibility) {
    const ce = p.continuingEducation.value;
    out.push({ kind: 'hours-window', year: f.hoursYear, from: ce.fromYear, to: ce.toYear, inside: f.hoursYear >= ce.fromYear && f.hoursYear <= ce.toYear, clauses: p.continuingEducation.clauses });
  }
  // 附件1 二.3: 本人述职 within its limit.
  if (f.statementChars !== undefined) out.push({ kind: 'statement-length', chars: f.statementChars, max: p.statementMaxChars.value, clauses: p.statementMaxChars.clauses });

  // 三(三): continuing-education hours.
  if (f.hours) {
    const h = f.hours;
    const given = { professional: h.professional, public: h.public, other: h.other };
    const partial = h.professional === undefined || h.public === undefined;
    // A total said without its parts: the parts left unknown count as what the total leaves.
    const professional = h.professional ?? (h.total !== undefined ? Math.max(0, h.total - (h.public ?? 0) - (h.other ?? 0)) : 0);
    const pub = h.public ?? 0;
    const other = h.other ?? (h.total !== undefined && h.professional !== undefined ? Math.max(0, h.total - h.professional - pub) : 0);
    const profile = { continuingEducation: { professional, public: pub, other } } as Profile;
    if (given.professional !== undefined || given.public !== undefined || h.total !== undefined) {
      out.push({ kind: 'hours', gap: hoursGap(profile, p), partial, clauses: p.continuingEducation.clauses });
    }
  }

  // 五(二), 五(三): the documents the person's situation adds.
  if (q.focus.has('materials') || q.focus.has('how')) {
    const entries = documents(f, k);
    if (entries.length) out.push({ kind: 'documents', entries, clauses: entries.flatMap((e) => e.clauses) });
  }

  // The routes an education is left with are said only when none of them was decided.
  if (out.some((x) => (x.kind === 'items' && x.held.length >= x.need) || (x.kind === 'honour' && x.holds) || (x.kind === 'period' && x.route === 'technician' && x.holds === true))) {
    const at = out.findIndex((x) => x.kind === 'no-education-route');
    if (at >= 0) out.splice(at, 1);
  }
  // 一 as told, when it is all the facts say: inside the scope, the rest still to be checked.
  if (eligibility && !out.length && !f.otherFieldNamed) {
    const employer = f.employerPrivate?.value === true;
    const zone = f.employerInZone?.value === true;
    const specialty = f.field && f.field.specialty !== 'other' ? f.field.specialty : null;
    if (employer || zone || specialty) out.push({ kind: 'scope-ok', employer, zone, specialty, clauses: [...p.zone.clauses, ...p.employerKind.clauses, ...p.specialties.clauses] });
  }
  // 五(四): days left to a deadline (asked, or a deadline named in "还能…吗" when nothing else answers).
  const nothingElse = out.length === 0;
  if (q.focus.has('days-left') || (q.deadline && (f.today || f.otherDate) && q.focus.has('deadline')) || (q.deadline && nothingElse && q.focus.has('can-i'))) {
    const which = q.deadline ?? 'individual';
    const date = which === 'unit' ? p.unitDeadline.value : p.individualDeadline.value;
    // "9月8号截止对吧": a deadline the person names is confirmed, not counted from.
    const otherDate = f.otherDate && ![p.individualDeadline.value, p.unitDeadline.value].includes(f.otherDate) ? f.otherDate : undefined;
    const counting = f.today ? 'today' : otherDate ? 'other' : 'clock';
    const from = f.today ?? otherDate ?? dateInZone(q.now, q.timeZone);
    out.push({ kind: 'days', deadline: which, date, from, days: daysBetween(from, date), counting, clauses: (which === 'unit' ? p.unitDeadline : p.individualDeadline).clauses });
  }
  return out;
}

/** The 二.4 items the facts show held, and which items the facts say anything about. */
function itemsOf(f: Facts, p: Knowledge["params"], extra: number, cutoff: number): { held: ItemNo[]; known: ItemNo[]; workYears: number | null } {
  const held: ItemNo[] = [];
  const known: ItemNo[] = [];
  const pat = p.patents.value;
  const note = (n: ItemNo, v: boolean | undefined) => { if (v === undefined) return; known.push(n); if (v) held.push(n); };
  note(1, f.innovationLead);
  const patents = [f.inventionPatents, f.softwareCopyrights, f.utilityModels].some((x) => x !== undefined);
  note(2, patents ? (f.inventionPatents ?? 0) >= pat.inventionPatents || (f.softwareCopyrights ?? 0) >= pat.softwareCopyrights || (f.utilityModelsFirst ?? 0) >= pat.utilityModelsFirst : undefined);
  note(3, f.techHeadYears !== undefined || f.innovationTeamOrCountyLeader !== undefined ? (f.techHeadYears ?? 0) >= p.techHeadYears.value || f.innovationTeamOrCountyLeader === true : undefined);
  const need = p.longServiceYears.value + extra;
  let workYears: number | null = null;
  if (f.workStart) workYears = period(f.workStart.to, need, 0, cutoff).years;
  else if (f.workYears) workYears = Math.floor(f.workYears.years) - (f.workYears.approx === 'almost' ? 1 : 0);
  if (workYears !== null) note(4, workYears >= need);
  note(5, f.governmentAward);
  return { held, known, workYears };
}

/** The checklist rows the facts call for (degree verification, social insurance, a foreigner's card). */
function documents(f: Facts, k: Knowledge): ChecklistEntry[] {
  const p = k.params;
  const told = f.graduated !== undefined || f.educationOrigin !== undefined || f.degreeNotExtracted || f.outOfProvince || (f.nationality?.startsWith('foreign') ?? false);
  if (!told) return [];
  const profile = {
    education: f.education ?? 'bachelor',
    educationOrigin: f.educationOrigin ?? 'domestic',
    graduated: f.graduated && f.graduated.to < `${p.degreeAutoExtractYear.value}-01` ? f.graduated.to : f.graduated?.from,
    degreeAutoVerified: !f.degreeNotExtracted,
    socialInsurance: { consistent: true, outOfProvince: f.outOfProvince ?? false },
    nationality: f.nationality?.startsWith('foreign') ? (f.nationality === 'foreign-unknown' ? 'foreign-other' : f.nationality) : 'mainland',
  } as Profile;
  const entries = personalRows(profile, [], p).filter((r) => r.kind !== 'degree-year-unknown').map((r) => personalEntry(r, k));
  // A graduation told by its year only is said as that year, not as the month the rules used.
  const g = f.graduated;
  return g && g.from !== g.to ? entries.map((e) => ({ ...e, reason: e.reason.replace(profile.graduated ?? '', `${g.from.slice(0, 4)}年`) })) : entries;
}

/** The facts the check's answers give (the inverse of `profileAnswers`), for questions after it ("学时还差多少"). */
export function factsFromAnswers(a: Readonly<Record<string, unknown>>): Facts {
  const f: Facts = {};
  const month = (v: unknown) => (typeof v === 'string' && /^\d{4}-\d{2}$/.test(v) ? { from: v, to: v } : undefined);
  if (typeof a.education === 'string') f.education = a.education as Education;
  if (month(a.workStart)) f.workStart = month(a.workStart);
  if (month(a.graduated)) f.graduated = month(a.graduated);
  if (a.assistantEngineerSince === null) f.assistantEngineerSince = null;
  else if (month(a.assistantEngineerSince)) f.assistantEngineerSince = month(a.assistantEngineerSince);
  if (a.technicianSince === null) f.technicianSince = null;
  else if (month(a.technicianSince)) f.technicianSince = month(a.technicianSince);
  if (typeof a.educationRelevant === 'boolean') f.educationRelevant = a.educationRelevant;
  if (typeof a.specialty === 'string') f.field = { specialty: a.specialty as Specialty | 'other', word: a.specialty };
  if (typeof a.employerPrivate === 'boolean') f.employerPrivate = { value: a.employerPrivate, word: '' };
  if (typeof a.employerInZone === 'boolean') f.employerInZone = { value: a.employerInZone, word: '' };
  if (typeof a.annualReviewsPassed === 'boolean') f.annualReviewsPassed = a.annualReviewsPassed;
  const h = a.continuingEducation as { professional: number; public: number; other: number } | undefined;
  if (h && typeof h === 'object') f.hours = { professional: h.professional, public: h.public, other: h.other };
  if (typeof a['socialInsurance.outOfProvince'] === 'boolean') f.outOfProvince = a['socialInsurance.outOfProvince'] as boolean;
  return f;
}

/** The profile of the facts, with RULES.md defaults for what they do not say (for the check's pre-fill). */
export function profileAnswers(f: Facts): Record<string, unknown> {
  const a: Record<string, unknown> = {};
  if (f.education) a.education = f.education;
  if (f.workStart && f.workStart.from === f.workStart.to) a.workStart = f.workStart.from;
  if (f.graduated && f.graduated.from === f.graduated.to) a.graduated = f.graduated.from;
  if (f.assistantEngineerSince === null) a.assistantEngineerSince = null;
  else if (f.assistantEngineerSince && f.assistantEngineerSince.from === f.assistantEngineerSince.to) a.assistantEngineerSince = f.assistantEngineerSince.from;
  if (f.technicianSince === null) a.technicianSince = null;
  else if (f.technicianSince && f.technicianSince.from === f.technicianSince.to) a.technicianSince = f.technicianSince.from;
  if (f.educationRelevant !== undefined) a.educationRelevant = f.educationRelevant;
  if (f.field && f.field.specialty !== 'other') a.specialty = f.field.specialty;
  if (f.field?.specialty === 'other') a.specialty = 'other';
  if (f.employerPrivate) a.employerPrivate = f.employerPrivate.value;
  if (f.employerInZone) a.employerInZone = f.employerInZone.value;
  if (f.nationality && f.nationality !== 'foreign-unknown') a.nationality = f.nationality;
  if (f.educationOrigin) a.educationOrigin = f.educationOrigin;
  if (f.degreeNotExtracted) a.degreeAutoVerified = false;
  if (f.outOfProvince !== undefined) a['socialInsurance.outOfProvince'] = f.outOfProvince;
  if (f.annualReviewsPassed !== undefined) a.annualReviewsPassed = f.annualReviewsPassed;
  if (f.hours && f.hours.professional !== undefined && f.hours.public !== undefined) a.continuingEducation = { professional: f.hours.professional, public: f.hours.public, other: f.hours.other ?? 0 };
  if (f.inventionPatents !== undefined) a['achievements.inventionPatents'] = f.inventionPatents;
  if (f.softwareCopyrights !== undefined) a['achievements.softwareCopyrights'] = f.softwareCopyrights;
  if (f.utilityModelsFirst !== undefined) a['achievements.utilityModelsFirst'] = f.utilityModelsFirst;
  if (f.techHeadYears !== undefined) a['achievements.techHeadYears'] = f.techHeadYears;
  if (f.governmentAward !== undefined) a['achievements.governmentAward'] = f.governmentAward;
  if (f.innovationLead !== undefined) a['achievements.innovationLead'] = f.innovationLead;
  return a;
}

/**
 * The rules' sentences, filled from the edition's wording (knowledge/<edition>/wording.yaml):
 * this module picks the template and supplies its placeholders from the parameters or from the
 * facts passed in. What stays here is wording no notice would change: education labels, blocker
 * headings, how long a period is short, dates, days left and the verdict.
 */
import { fill, type Vars } from '../core/template.ts';
import type { BLOCKER_TEXTS, CHECKLIST_SOURCES, PERSONAL_SOURCES, READING_TEXTS, SHORTFALL_TEXTS } from '../knowledge/wording.ts';
import type { BlockerCode, BlockerFact, HoursGap } from './blockers.ts';
import { plainEducation, type PlainEducation } from './education.ts';
import { daysBetween } from './months.ts';
import type { Education } from './profile.ts';
import type { Period, Reading, RouteId, RouteOutcome, Shortfall } from './routes.ts';
import type { ChecklistEntry, Deadline, Edition, PersonalRow } from './types.ts';

const PLAIN_LABEL: Record<PlainEducation, string> = {
  doctorate: '博士研究生', master: '硕士研究生', bachelor: '本科', college: '大专（高职）', secondary: '中专', none: '无学历',
};
const EDUCATION_LABEL: Record<Education, string> = {
  ...PLAIN_LABEL,
  'tech-intermediate': '技工院校中级工班', 'tech-advanced': '技工院校高级工班', 'tech-technician': '技工院校预备技师（技师）班',
};
const BLOCKER_TITLE: Record<BlockerCode, string> = {
  'employer-not-in-zone': '单位注册地', 'employer-not-private': '单位性质', 'specialty-not-covered': '评审专业',
  'nationality-not-covered': '外籍人员证件', 'annual-review': '年度考核', 'continuing-education': '继续教育学时',
  'no-route': '申报途径',
};
const HONOUR_LEVEL = { national: '国家级', provincial: '省级' } as const;
/** How the bot counts working days, said after a deadline counted in them. */
const WORKING_DAYS = '；工作日按中国大陆日历计，含调休上班日';

/** "2023-12-31" → "2023年12月31日". */
export function cnDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${y}年${Number(m)}月${Number(d)}日`;
}

/** A shortfall phrase of the edition, filled. */
function shortfallText<K extends keyof typeof SHORTFALL_TEXTS>(ed: Edition, key: K, vars: Vars<typeof SHORTFALL_TEXTS, K>): string {
  return fill(ed.wording.shortfalls[key].text, vars);
}

/** The name of a route, with its section of the notice ("二.1 学历与专业工作年限"). */
export function routeTitle(route: RouteId, ed: Edition): string {
  const { itemsTotal, itemsRequired } = ed.params.twoOfFive.value;
  return fill(ed.wording.routes[route].text, { itemsTotal, itemsRequired });
}

/** An education as the rules read it: "本科", or "技工院校高级工班（按大专（高职））". */
export function educationPhrase(education: Education, plain: PlainEducation): string {
  return education === plain ? PLAIN_LABEL[plain] : `${EDUCATION_LABEL[education]}（按${PLAIN_LABEL[plain]}）`;
}

/** How long a period is short, in years and months ("还差6个月（2024年6月满）"). */
export function shortPhrase(p: Period): string {
  const months = p.need * 12 - p.months;
  const years = Math.floor(months / 12);
  const rest = months % 12;
  const gap = `${years ? `${years}年` : ''}${rest ? `${rest}个月` : ''}`;
  return `还差${gap}（${Number(p.metOn.slice(0, 4))}年${Number(p.metOn.slice(5, 7))}月满）`;
}

function requirement(ed: Edition, base: number, extra: number): string {
  return extra > 0 ? shortfallText(ed, 'requirementMismatch', { base, extra, need: base + extra }) : shortfallText(ed, 'requirement', { base });
}

/** One shortfall of a route, as a clause of a sentence. */
function shortfallPhrase(s: Shortfall, ed: Edition, education: Education): string {
  const params = ed.params;
  const cutoff = cnDate(params.cutoff.value);
  const plain = plainEducation(education, params);
  switch (s.kind) {
    case 'education-not-listed': {
      const listed = Object.keys(params.educationWorkYears.value).map((e) => PLAIN_LABEL[e as PlainEducation]).join('、');
      return shortfallText(ed, 'educationNotListed', { listed, education: educationPhrase(s.education, plain) });
    }
    case 'period': {
      const p = s.period;
      const common = { requirement: requirement(ed, p.base, p.extra), cutoff, years: p.years, short: shortPhrase(p) };
      if (s.of === 'work') return shortfallText(ed, 'periodWork', { ...common, education: educationPhrase(education, plain) });
      return shortfallText(ed, s.of === 'technician' ? 'periodTechnician' : 'periodAssistantEngineer', common);
    }
    case 'education-below':
      return shortfallText(ed, 'educationBelow', { lowest: PLAIN_LABEL[s.lowest], education: educationPhrase(s.education, plain) });
    case 'no-assistant-engineer':
      return shortfallText(ed, 'noAssistantEngineer', {});
    case 'no-technician':
      return shortfallText(ed, 'noTechnician', {});
    case 'items': {
      const heldItems = s.held.length > 0 ? shortfallText(ed, 'itemsHeld', { items: s.held.map((n) => `(${n})`).join('') }) : '';
      const longService = s.held.includes(4) ? ''
        : shortfallText(ed, 'itemsLongService', { requirement: requirement(ed, s.long.base, s.long.extra), years: s.long.years });
      return shortfallText(ed, 'items', { held: s.held.length, heldItems, missing: s.need - s.held.length, longService });
    }
    case 'no-honour':
      return shortfallText(ed, 'noHonour', {});
    case 'honour-category':
      return shortfallText(ed, 'honourCategory', { rows: s.rows, category: s.category });
    case 'honour-window':
      return shortfallText(ed, 'honourWindow', { from: cnDate(s.from), to: cnDate(s.to), issued: cnDate(s.issued) });
    case 'not-main-tech-lead':
      return shortfallText(ed, 'notMainTechLead', {});
    case 'has-education':
      return shortfallText(ed, 'hasEducation', { prescribed: PLAIN_LABEL[s.prescribed], education: educationPhrase(s.education, plain) });
    case 'has-assistant-engineer':
      return shortfallText(ed, 'hasAssistantEngineer', {});
  }
}

/** What a failed route lacks: "二.1 学历与专业工作年限：本科需从事专业工作满5年；截至…还差2年（2025-06满）". */
export function routeShortfalls(o: RouteOutcome, ed: Edition, education: Education): string {
  return `${routeTitle(o.route, ed)}：${o.shortfalls.map((s) => shortfallPhrase(s, ed, education)).join('；')}`;
}

/** A blocker text of the edition, filled. */
function blockerText<K extends keyof typeof BLOCKER_TEXTS>(ed: Edition, key: K, vars: Vars<typeof BLOCKER_TEXTS, K>): string {
  return fill(ed.wording.blockers[key].text, vars);
}

function hoursMessage(h: HoursGap, ed: Edition): string {
  const need = ed.params.continuingEducation.value;
  const gaps = [
    h.short.total > 0 ? blockerText(ed, 'hoursShortTotal', { hours: h.short.total }) : '',
    h.short.professional > 0 ? blockerText(ed, 'hoursShortProfessional', { hours: h.short.professional }) : '',
    h.short.public > 0 ? blockerText(ed, 'hoursShortPublic', { hours: h.short.public }) : '',
  ].filter(Boolean).join('，');
  return blockerText(ed, 'continuing-education', {
    years: need.toYear - need.fromYear + 1, fromYear: need.fromYear, toYear: need.toYear,
    total: need.total, professional: need.professional, public: need.public,
    have: h.have.total, haveProfessional: h.have.professional, havePublic: h.have.public, haveOther: h.have.other, gaps,
    continuingEducationPlatform: ed.wording.names.continuingEducationPlatform.text, site: ed.params.continuingEducationSite.value,
  });
}

/** A blocker's message: which condition, what the applicant has, what is needed, the difference. */
export function blockerMessage(fact: BlockerFact, ed: Edition, education: Education): string {
  const p = ed.params;
  switch (fact.code) {
    case 'employer-not-in-zone':
      return blockerText(ed, fact.code, { zone: p.zone.value });
    case 'employer-not-private':
      return blockerText(ed, fact.code, { employerKind: p.employerKind.value });
    case 'specialty-not-covered':
      return blockerText(ed, fact.code, { specialties: Object.values(p.specialties.value).join('、') });
    case 'nationality-not-covered':
      return blockerText(ed, fact.code, {});
    case 'annual-review': {
      const a = p.annualReview.value;
      return blockerText(ed, fact.code, { recentYears: a.recentYears, fromYear: a.fromYear, toYear: a.toYear, minGrade: a.minGrade });
    }
    case 'continuing-education':
      return hoursMessage(fact.hours, ed);
    case 'no-route':
      return blockerText(ed, fact.code, { routes: fact.outcomes.map((o) => routeShortfalls(o, ed, education)).join('。') });
  }
}

/** The values of the base checklist's placeholders, from the parameters. */
function checklistVars(ed: Edition): Vars<{ all: (keyof typeof CHECKLIST_SOURCES)[] }, 'all'> {
  const p = ed.params;
  const ph = p.photo.value;
  const a = p.annualReview.value;
  const ce = p.continuingEducation.value;
  return {
    platform: ed.wording.names.platform.text, platformSite: p.platformSite.value,
    formats: ph.formats.join('或'), minKB: ph.minKB, maxMB: ph.maxMB, minWidth: ph.minWidth, minHeight: ph.minHeight, ratioMin: ph.ratioMin, ratioMax: ph.ratioMax,
    fraudBanYears: p.fraudBanYears.value, statementMaxChars: p.statementMaxChars.value,
    reviewYears: a.recentYears, reviewFrom: a.fromYear, reviewTo: a.toYear, minGrade: a.minGrade,
    hoursFrom: ce.fromYear, hoursTo: ce.toYear, hoursTotal: ce.total, hoursProfessional: ce.professional, hoursPublic: ce.public,
    continuingEducationPlatform: ed.wording.names.continuingEducationPlatform.text, continuingEducationSite: p.continuingEducationSite.value,
    formCopies: p.formCopies.value, paperAddress: p.paperAddress.value, feeSms: p.feeSms.value,
  };
}

/**
 * The base checklist every applicant needs, in the edition's order. `idCard`: whether the
 * applicant has a 二代身份证 (items marked for one or the other are kept accordingly).
 */
export function baseChecklist(ed: Edition, idCard = true): ChecklistEntry[] {
  const vars = checklistVars(ed);
  return ed.wording.checklist
    .filter((e) => e.for === undefined || e.for === (idCard ? 'id-card' : 'no-id-card'))
    .map((e) => ({ item: fill(e.item, vars), reason: fill(e.reason, vars), clauses: [...e.clauses] }));
}

/** A personal row's item and reason, filled. */
function personalText<K extends keyof typeof PERSONAL_SOURCES>(ed: Edition, kind: K, vars: Readonly<Record<keyof (typeof PERSONAL_SOURCES)[K], string | number>>): ChecklistEntry {
  const e = ed.wording.personal[kind];
  return { item: fill(e.item, vars), reason: fill(e.reason, vars), clauses: [...e.clauses] };
}

/** A personal checklist row (RULES.md "Personal checklist"). */
export function personalEntry(row: PersonalRow, ed: Edition): ChecklistEntry {
  const p = ed.params;
  const year = p.degreeAutoExtractYear.value;
  switch (row.kind) {
    case 'degree-before-auto':
      return personalText(ed, row.kind, { graduated: row.graduated, year });
    case 'degree-year-unknown':
    case 'degree-not-extracted':
      return personalText(ed, row.kind, { year });
    case 'foreign-degree':
    case 'hmt-degree':
    case 'insurance-inconsistent':
      return personalText(ed, row.kind, {});
    case 'insurance-out-of-province':
      return personalText(ed, row.kind, { years: p.socialInsuranceYears.value });
    case 'technician-route':
      return personalText(ed, row.kind, { route: routeTitle('technician', ed) });
    case 'exceptional-route': {
      const q = p.honourQuota.value;
      return personalText(ed, row.kind, { route: routeTitle('exceptional', ed), national: q.national, provincial: q.provincial, level: HONOUR_LEVEL[row.level] });
    }
    case 'tech-school': {
      const eq = p.techSchoolEquivalence.value;
      const rule = (Object.keys(eq) as (keyof typeof eq)[]).map((k) => `${EDUCATION_LABEL[k]}按${PLAIN_LABEL[eq[k]]}`).join('、');
      return personalText(ed, row.kind, { education: EDUCATION_LABEL[row.education], plain: PLAIN_LABEL[eq[row.education]], rule });
    }
    case 'foreign-id': {
      const docs = ed.wording.foreignDocuments;
      const document = row.nationality === 'foreign-permanent-resident' || row.nationality === 'foreign-talent-permit' ? docs[row.nationality] : docs.other;
      return personalText(ed, row.kind, { document });
    }
  }
}

/** The deadlines of the edition (五(四), 五(一), 附件1 二.7), in the wording's order. */
export function deadlines(ed: Edition): Deadline[] {
  const p = ed.params;
  const d = ed.wording.deadlines;
  return [
    { date: p.individualDeadline.value, what: fill(d.individual.what, {}), clauses: [...d.individual.clauses] },
    { date: p.unitDeadline.value, what: fill(d.unit.what, {}), clauses: [...d.unit.clauses] },
    { date: null, what: fill(d.paper.what, { days: p.paperWorkingDays.value, address: p.paperAddress.value, workingDays: WORKING_DAYS }), clauses: [...d.paper.clauses] },
    { date: null, what: fill(d.publicity.what, { days: p.publicityWorkingDays.value, workingDays: WORKING_DAYS }), clauses: [...d.publicity.clauses] },
    { date: null, what: fill(d.fee.what, { feeSms: p.feeSms.value }), clauses: [...d.fee.clauses] },
  ];
}

function daysLeft(today: string, date: string): string {
  const d = daysBetween(today, date);
  if (d > 1) return `还有${d}天`;
  if (d === 1) return '还有1天（明天截止）';
  if (d === 0) return '今天截止';
  return `已过${-d}天`;
}

/** The deadline summary relative to the bot's clock ("截至2023年8月1日：个人申报截止（2023年9月8日）还有38天；…"). */
export function deadlineSummary(today: string, ed: Edition): string {
  const dated = deadlines(ed).filter((d): d is Deadline & { date: string } => d.date !== null);
  const parts = dated.map((d) => `${d.what}（${cnDate(d.date)}）${daysLeft(today, d.date)}`);
  const allPast = dated.every((d) => daysBetween(today, d.date) < 0);
  return `截至${cnDate(today)}：${parts.join('；')}。${allPast ? '本年度申报已截止；下一年度的通知一般沿用同样的流程，发布后可以再来问我。' : ''}`;
}

/** The verdict in one sentence. */
export function verdictNote(eligible: boolean, routes: RouteId[], blockers: BlockerCode[], ed: Edition): string {
  if (eligible) return `符合申报条件，可按${routes.map((r) => routeTitle(r, ed)).join('、')}申报。`;
  return `暂不符合申报条件，原因：${blockers.map((b) => BLOCKER_TITLE[b]).join('、')}（详见各项说明）。`;
}

/** A reading text of the edition, filled. */
function readingText<K extends keyof typeof READING_TEXTS>(ed: Edition, key: K, vars: Vars<typeof READING_TEXTS, K>): string {
  return fill(ed.wording.readings[key].text, vars);
}

/** The readings of RULES.md a ruling rested on, with the committee's final say and its phone. */
export function readingsNote(readings: Reading[], ed: Edition, facts: { extra: number; prescribed: PlainEducation; window: { from: string; to: string } }): string {
  const text = (r: Reading): string => {
    switch (r) {
      case 'month-count': return readingText(ed, r, { cutoff: cnDate(ed.params.cutoff.value) });
      case 'mismatch-scope': return readingText(ed, r, { extra: facts.extra });
      case 'higher-education': return readingText(ed, r, {});
      case 'exceptional': return readingText(ed, r, { prescribed: PLAIN_LABEL[facts.prescribed], from: cnDate(facts.window.from), to: cnDate(facts.window.to) });
    }
  };
  return readingText(ed, 'note', { readings: readings.map(text).join('；'), phone: ed.params.contact.value.phone });
}

/**
 * Words the findings of src/qa/personal.ts: the verdict first ("✅ 可以按二.1申报" / "❌ 目前还不能
 * 申报"), then each route or rule as it applies to the person, every computed figure marked as
 * computed, then what else must hold and the clauses. Wording: flows/personal.yaml (zh and en),
 * checked at load against the placeholders declared here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { cachedLoad } from '../core/data-cache.ts';
import { DataError, parseDataFile } from '../core/data-file.ts';
import { projectPath } from '../core/paths.ts';
import { checkPlaceholders, fill, type PlaceholderTable, type Vars } from '../core/template.ts';
import type { Citation } from '../core/types.ts';
import { cite } from '../knowledge/cite.ts';
import type { Knowledge } from '../knowledge/load.ts';
import type { Finding } from '../qa/personal.ts';
import { cnDate, educationPhrase, routeTitle, type Education } from '../rules/index.ts';
import { atLeast, plainEducation, prescribedEducation, type PlainEducation } from '../rules/education.ts';
import type { Period, RouteId } from '../rules/routes.ts';

/** Every text key and the placeholders the code fills in it (the same for both languages). */
export const PERSONAL_TEXTS = {
  computed: [], counted: [], yes: [], no: [], maybe: [],
  scopeField: ['specialties', 'word'], scopeEmployer: ['zone', 'kind', 'word'], scopeZone: ['zone', 'word'],
  scopeNationality: ['permanent', 'talent'], scopeNationalityNone: ['permanent', 'talent'], nationalityCovered: ['who'], whoHmt: [], whoPermanent: ['document'], whoTalent: ['document'], reviewFailed: ['recent', 'from', 'to', 'grade', 'years'], yearsSome: [],
  requirement: ['base'], requirementMismatch: ['base', 'extra', 'need'], noEducationRoute: ['education', 'workEducations', 'assistantEducations', 'technician', 'need', 'total'], mismatchAssumed: ['studied', 'extra', 'contactName', 'phone'], itemCheckMet: ['total', 'item', 'need', 'have', 'computed', 'items'], itemCheckShort: ['total', 'item', 'need', 'have', 'computed'], needConfirm: [], needCorrect: ['asked'], hoursWindowIn: ['year', 'recent', 'from', 'to'], hoursWindowOut: ['year', 'recent', 'from', 'to'], statementOk: ['chars', 'max'], statementLong: ['chars', 'max', 'over', 'computed'], scopeOk: ['said', 'recent'], saidEmployer: ['kind'], saidZone: ['zone'], saidField: ['specialty'],
  workLine: ['mark', 'route', 'education', 'requirement', 'since', 'cutoff', 'years', 'computed', 'verdict'], workLineStart: [],
  assistantLine: ['mark', 'route', 'need', 'since', 'cutoff', 'years', 'computed', 'verdict'], assistantEducationUnknown: ['educations'],
  assistantEducation: ['route', 'educations', 'education'],
  technicianLine: ['mark', 'route', 'need', 'since', 'cutoff', 'years', 'computed', 'verdict'],
  verdictMet: [], verdictShort: ['short', 'metOn', 'need'], verdictDepends: ['year', 'first', 'last', 'low', 'high', 'computed', 'metBy'],
  shortYears: ['n'], shortMonths: ['n'],
  needLine: ['education', 'mismatch', 'need', 'detail'], needMismatch: [], needDetail: ['base', 'extra'],
  itemsLine: ['mark', 'route', 'total', 'count', 'list', 'need', 'verdict'], itemsList: ['items'], itemsVerdictMet: [], itemsVerdictShort: ['missing'],
  item1: ['condition'], item2: ['condition', 'recent', 'invention', 'utility'], item3: ['condition', 'years'], item4: ['condition', 'need', 'have', 'computed'], item5: ['condition'], item4Short: ['need', 'have', 'computed'],
  reviewPassed: ['recent', 'from', 'to', 'grade'], documents: [], documentLine: ['item', 'reason'],
  patentWindow: ['recent', 'year'], utilityFirst: ['need', 'first', 'short'],
  honourLine: ['mark', 'route', 'verdict'], honourOk: ['quota'], honourWindowOut: ['from', 'to', 'issued'], honourWindowIn: ['issued', 'from', 'to'],
  honourWindowDay: ['from', 'to', 'issued'], honourListed: ['name', 'annex', 'row'], honourNotListed: ['annex', 'rows'], honourEducation: ['prescribed', 'education'], honourAssistant: ['years'],
  honourLead: [], honourQuota: ['level', 'quota'], levelNational: [], levelProvincial: [],
  hoursHave: ['total', 'professional', 'public', 'other', 'recent', 'from', 'to', 'needTotal', 'needProfessional', 'needPublic'],
  hoursOk: ['computed'], hoursShort: ['computed', 'gaps', 'platform', 'site'], hoursGapTotal: ['n'], hoursGapProfessional: ['n'], hoursGapPublic: ['n'], hoursPartial: [],
  daysLeft: ['from', 'what', 'date', 'days', 'counted'], daysLeftFrom: ['from', 'what', 'date', 'days', 'counted'], daysToday: ['date', 'what'],
  daysPast: ['what', 'date', 'from'], individual: [], unit: [],
  leadEligible: ['routes'], leadFixable: ['routes'], leadNotYet: ['routes'], leadDepends: [], others: ['zone', 'employerKind', 'recent', 'grade'], othersShort: [], interpretation: ['phone'],
} as const satisfies PlaceholderTable;
export type PersonalKey = keyof typeof PERSONAL_TEXTS;

const ROUTE_IDS = ['education-years', 'assistant-engineer', 'technician', 'two-of-five', 'exceptional'] as const;
const EDUCATION_IDS = ['doctorate', 'master', 'bachelor', 'college', 'secondary', 'tech-intermediate', 'tech-advanced', 'tech-technician', 'none'] as const;
const PLAIN_IDS = ['doctorate', 'master', 'bachelor', 'college', 'secondary', 'none'] as const satisfies readonly PlainEducation[];
/** Placeholders of the English route titles (the Chinese ones are the edition's, wording.yaml routes). */
export const EN_ROUTE_TEXTS = {
  'education-years': [], 'assistant-engineer': ['years'], technician: [], 'two-of-five': [], exceptional: [],
} as const satisfies Record<RouteId, readonly string[]>;
const levelLabels = z.strictObject(Object.fromEntries(PLAIN_IDS.map((e) => [e, z.string().min(1)])) as Record<PlainEducation, z.ZodString>);
const texts = z.strictObject({
  ...(Object.fromEntries(Object.keys(PERSONAL_TEXTS).map((k) => [k, z.string().min(1)])) as Record<PersonalKey, z.ZodString>),
  /** How an education level is named in a list of the levels a route takes, short and as 二.2 writes them. */
  levels: levelLabels,
  levelsFull: levelLabels,
});
const schema = z.strictObject({
  zh: texts,
  en: texts.extend({
    routes: z.strictObject(Object.fromEntries(ROUTE_IDS.map((r) => [r, z.string().min(1)])) as Record<RouteId, z.ZodString>),
    educations: z.strictObject(Object.fromEntries(EDUCATION_IDS.map((e) => [e, z.string().min(1)])) as Record<Education, z.ZodString>),
  }),
});
export type PersonalTexts = z.infer<typeof schema>;
export type Language = 'zh' | 'en';

export function parsePersonalTexts(source: string, file = 'flows/personal.yaml'): PersonalTexts {
  const t = parseDataFile(file, source, schema);
  for (const lang of ['zh', 'en'] as const) {
    const { routes: _r, educations: _e, levels: _l, levelsFull: _f, ...plain } = t[lang] as PersonalTexts['en'];
    const bad = checkPlaceholders(plain, PERSONAL_TEXTS);
    if (bad) throw new DataError(file, `${lang}.${bad[0]}`, bad[1]);
  }
  const badRoute = checkPlaceholders(t.en.routes, EN_ROUTE_TEXTS);
  if (badRoute) throw new DataError(file, `en.routes.${badRoute[0]}`, badRoute[1]);
  return t;
}

/** Reads and checks flows/personal.yaml (from the data cache when this content was checked before). */
export function loadPersonalTexts(root = projectPath('flows')): PersonalTexts {
  const source = readFileSync(path.join(root, 'personal.yaml'), 'utf8');
  return cachedLoad('personal-texts', [source], () => parsePersonalTexts(source));
}

export interface PersonalReply {
  text: string;
  citations: Citation[];
  /** What the findings add up to. */
  verdict: 'eligible' | 'not-yet' | 'depends' | 'not-covered' | 'info';
}

/** The reply for the findings, or null when there are none; `brief` leaves out the lead and what else must hold. */
export function personalReply(findings: readonly Finding[], lang: Language, k: Knowledge, all: PersonalTexts, brief = false): PersonalReply | null {
  if (!findings.length) return null;
  const T = all[lang];
  const say = <K extends PersonalKey>(key: K, vars: Vars<typeof PERSONAL_TEXTS, K>): string => fill(T[key], vars);
  const p = k.params;
  const date = (iso: string) => (lang === 'zh' ? cnDate(iso) : enDate(iso));
  const month = (ym: string) => (lang === 'zh' ? cnMonth(ym) : enMonth(ym));
  const route = (r: RouteId) => (lang === 'zh' ? routeTitle(r, k) : fill(all.en.routes[r], { years: p.assistantEngineerYears.value }));
  const levels = (of: readonly PlainEducation[], full = false) => levelList(of, full ? T.levelsFull : T.levels, lang);
  const docs = k.wording.foreignDocuments;
  /** A name of the notice as this language writes it (the Chinese one when the edition gives no English). */
  const nameOf = (key: keyof Knowledge['wording']['names']) => (lang === 'en' ? k.wording.names[key].en : undefined) ?? k.wording.names[key].text;
  const nationalityDocs = { permanent: docs['foreign-permanent-resident'], talent: docs['foreign-talent-permit'] };
  const reviewYears = p.annualReview.value.recentYears;
  const education = (e: Education) => (lang === 'zh' ? educationPhrase(e, plainEducation(e, p)) : all.en.educations[e]);
  const cutoff = date(p.cutoff.value);
  const lines: string[] = [];
  const eligible: RouteId[] = [];
  const short: RouteId[] = [];
  let depends = false;
  let scope = false;

  for (const f of findings) {
    switch (f.kind) {
      case 'scope-field': scope = true; lines.push(say('scopeField', { specialties: Object.values(p.specialties.value).join('、'), word: f.word })); break;
      case 'scope-employer': scope = true; lines.push(say('scopeEmployer', { zone: p.zone.value, kind: p.employerKind.value, word: f.word })); break;
      case 'scope-zone': scope = true; lines.push(say('scopeZone', { zone: p.zone.value, word: f.word })); break;
      case 'scope-nationality': scope = scope || f.known; lines.push(say(f.known ? 'scopeNationalityNone' : 'scopeNationality', nationalityDocs)); break;
      case 'nationality-covered': {
        const who = f.nationality === 'hk-macau-taiwan' ? T.whoHmt
          : say(f.nationality === 'foreign-permanent-resident' ? 'whoPermanent' : 'whoTalent', { document: docs[f.nationality === 'foreign-permanent-resident' ? 'foreign-permanent-resident' : 'foreign-talent-permit'] });
        lines.push(say('nationalityCovered', { who }));
        break;
      }
      case 'review-passed': {
        const r = p.annualReview.value;
        lines.push(say('reviewPassed', { recent: r.recentYears, from: r.fromYear, to: r.toYear, grade: r.minGrade }));
        break;
      }
      case 'documents': {
        lines.push(T.documents, ...f.entries.map((e) => say('documentLine', { item: e.item, reason: e.reason })));
        break;
      }
      case 'review-failed': {
        scope = true;
        const r = p.annualReview.value;
        lines.push(say('reviewFailed', { recent: r.recentYears, from: r.fromYear, to: r.toYear, grade: r.minGrade, years: f.years.length ? f.years.join('、') : T.yearsSome }));
        break;
      }
      case 'period': {
        const mark = f.holds === true ? T.yes : f.holds === 'depends' ? T.maybe : T.no;
        if (f.holds === true) eligible.push(f.route);
        else if (f.holds === 'depends') depends = true;
        else short.push(f.route);
        const verdict = f.holds === true ? T.verdictMet : f.holds === 'depends' ? dependsText(f.early, f.late) : say('verdictShort', { short: shortText(f.late), metOn: month(f.late.metOn), need: f.late.need });
        const since = f.early.since === f.late.since ? month(f.early.since) : lang === 'zh' ? `${f.early.since.slice(0, 4)}年` : f.early.since.slice(0, 4);
        const years = f.early.years === f.late.years ? String(f.early.years) : `${f.late.years}–${f.early.years}`;
        const common = { mark, route: route(f.route), since, cutoff, years, computed: T.computed, verdict };
        if (f.of === 'work') {
          const requirement = f.late.extra > 0 ? say('requirementMismatch', { base: f.late.base, extra: f.late.extra, need: f.late.need }) : say('requirement', { base: f.late.base });
          lines.push(say('workLine', { ...common, education: education(f.education!), requirement }) + (f.inferredStart ? T.workLineStart : ''));
        } else if (f.of === 'assistant-engineer') {
          lines.push(say('assistantLine', { ...common, need: f.late.need }) + (f.education ? '' : say('assistantEducationUnknown', { educations: levels(p.assistantEngineerEducation.value, true) })));
        } else {
          lines.push(say('technicianLine', { ...common, need: f.late.need }));
        }
        break;
      }
      case 'assistant-education': short.push('assistant-engineer'); lines.push(say('assistantEducation', { route: route('assistant-engineer'), educations: levels(p.assistantEngineerEducation.value, true), education: education(f.education) })); break;
      case 'scope-ok': {
        const parts = [
          f.zone ? say('saidZone', { zone: p.zone.value }) : '',
          f.employer ? say('saidEmployer', { kind: p.employerKind.value }) : '',
          f.specialty ? say('saidField', { specialty: (p.specialties.value as Record<string, string>)[f.specialty] ?? f.specialty }) : '',
        ].filter(Boolean);
        lines.push(say('scopeOk', { said: parts.join(lang === 'zh' ? '、' : ', '), recent: reviewYears }));
        break;
      }
      case 'item-check': {
        const two = p.twoOfFive.value;
        const vars = { total: two.itemsTotal, item: f.item, need: f.need, have: f.have, computed: f.item === 4 ? T.computed : '' };
        lines.push(f.holds ? say('itemCheckMet', { ...vars, items: two.itemsRequired }) : say('itemCheckShort', vars));
        break;
      }
      case 'hours-window': lines.push(say(f.inside ? 'hoursWindowIn' : 'hoursWindowOut', { year: f.year, recent: f.to - f.from + 1, from: f.from, to: f.to })); break;
      case 'statement-length': lines.push(f.chars <= f.max ? say('statementOk', { chars: f.chars, max: f.max }) : say('statementLong', { chars: f.chars, max: f.max, over: f.chars - f.max, computed: T.computed })); break;
      case 'mismatch-assumed': lines.push(say('mismatchAssumed', { studied: f.studied, extra: p.mismatchExtraYears.value, contactName: p.contact.value.name, phone: p.contact.value.phone })); break;
      case 'no-education-route': {
        const two = p.twoOfFive.value;
        lines.push(say('noEducationRoute', {
          education: education(f.education), workEducations: levels(Object.keys(p.educationWorkYears.value) as PlainEducation[]),
          assistantEducations: levels(p.assistantEngineerEducation.value), technician: p.technicianYears.value, need: two.itemsRequired, total: two.itemsTotal }));
        break;
      }
      case 'requirement': {
        const need = f.base + f.extra;
        const confirm = f.asked === null ? '' : f.asked === need ? T.needConfirm : say('needCorrect', { asked: f.asked });
        lines.push(confirm + say('needLine', { education: education(f.education), mismatch: f.extra > 0 ? T.needMismatch : '', need, detail: f.extra > 0 ? say('needDetail', { base: f.base, extra: f.extra }) : '' }));
        break;
      }
      case 'items': {
        const enough = f.held.length >= f.need;
        (enough ? eligible : short).push('two-of-five');
        const pat = p.patents.value;
        /** An item of 二.4 in short, as the edition says it in this language. */
        const c = (key: 'item1' | 'item2' | 'item3' | 'item4' | 'item5') => (lang === 'en' ? k.wording.conditions[key].en : undefined) ?? k.wording.conditions[key].text;
        const patents = { recent: pat.recentYears, invention: pat.inventionPatents, utility: pat.utilityModelsFirst };
        const name = (n: number): string => {
          switch (n) {
            case 1: return say('item1', { condition: c('item1') });
            case 2: return say('item2', { condition: fill(c('item2'), patents), ...patents });
            case 3: return say('item3', { condition: fill(c('item3'), { years: p.techHeadYears.value }), years: p.techHeadYears.value });
            case 4: return say('item4', { condition: fill(c('item4'), { need: f.longNeed }), need: f.longNeed, have: f.workYears ?? 0, computed: T.computed });
            default: return say('item5', { condition: c('item5') });
          }
        };
        const list = f.held.length ? say('itemsList', { items: f.held.map(name).join(lang === 'zh' ? '；' : '; ') }) : '';
        const verdict = enough ? T.itemsVerdictMet : say('itemsVerdictShort', { missing: f.need - f.held.length });
        lines.push(say('itemsLine', { mark: enough ? T.yes : T.no, route: route('two-of-five'), total: p.twoOfFive.value.itemsTotal, count: f.held.length, list, need: f.need, verdict }));
        if (!f.held.includes(4) && f.workYears !== null) lines.push(say('item4Short', { need: f.longNeed, have: f.workYears, computed: T.computed }));
        break;
      }
      case 'patent-window': lines.push(say('patentWindow', { recent: f.recentYears, year: f.year })); break;
      case 'utility-first': lines.push(say('utilityFirst', { need: f.need, first: f.first, short: f.need - f.first })); break;
      case 'honour': {
        const parts: string[] = [];
        const window = { from: date(f.window.from), to: date(f.window.to) };
        const annex = nameOf('honourAnnex');
        if (f.holds) parts.push(say('honourOk', { quota: f.quota ?? Math.max(...Object.values(p.honourQuota.value)) }));
        else {
          if (f.inWindow === false) parts.push(say('honourWindowOut', { ...window, issued: issuedText(f, lang) }));
          if (f.inWindow === null && issuedText(f, lang)) parts.push(say('honourWindowDay', { ...window, issued: issuedText(f, lang) }));
          if (f.listed === false) parts.push(say('honourNotListed', { annex, rows: p.honourCategories.value }));
          if (f.listed && f.category !== null && !f.personal) parts.push(say('honourListed', { annex, name: k.clauseById.get(k.choices.honourCategories[f.category - 1]?.clause ?? '')?.text ?? String(f.category), row: f.category }));
          if (f.hasEducation && f.education) parts.push(say('honourEducation', { prescribed: education(prescribedEducation(p) as Education), education: education(f.education) }));
          if (f.hasAssistant) parts.push(say('honourAssistant', { years: p.assistantEngineerYears.value }));
          if (f.mainTechLead === false || (f.personal && f.mainTechLead === null)) parts.push(T.honourLead);
          if (!parts.length && f.inWindow === true) parts.push(say('honourWindowIn', { ...window, issued: issuedText(f, lang) }));
          if (f.quota !== null && f.inWindow !== false) parts.push(say('honourQuota', { level: f.quota === p.honourQuota.value.national ? T.levelNational : T.levelProvincial, quota: f.quota }));
        }
        if (f.personal || f.holds) (f.holds ? eligible : short).push('exceptional');
        const mark = f.holds ? T.yes : f.inWindow === false || f.listed === false || f.hasEducation || f.hasAssistant ? T.no : T.maybe;
        lines.push(say('honourLine', { mark, route: route('exceptional'), verdict: parts.join(lang === 'zh' ? '' : ' ') }));
        break;
      }
      case 'hours': {
        const need = p.continuingEducation.value;
        const g = f.gap;
        lines.push(say('hoursHave', { total: g.have.total, professional: g.have.professional, public: g.have.public, other: g.have.other, recent: need.toYear - need.fromYear + 1, from: need.fromYear, to: need.toYear, needTotal: need.total, needProfessional: need.professional, needPublic: need.public }) + (f.partial ? T.hoursPartial : ''));
        const gaps = [
          g.short.total > 0 ? say('hoursGapTotal', { n: g.short.total }) : '',
          g.short.professional > 0 ? say('hoursGapProfessional', { n: g.short.professional }) : '',
          g.short.public > 0 ? say('hoursGapPublic', { n: g.short.public }) : '',
        ].filter(Boolean);
        lines.push(gaps.length ? say('hoursShort', { computed: T.computed, gaps: gaps.join(lang === 'zh' ? '，' : ', '), platform: nameOf('continuingEducationPlatform'), site: p.continuingEducationSite.value }) : say('hoursOk', { computed: T.computed }));
        break;
      }
      case 'days': {
        const what = T[f.deadline];
        if (f.days > 0) lines.push(say(f.counting === 'other' ? 'daysLeftFrom' : 'daysLeft', { from: date(f.from), what, date: date(f.date), days: f.days, counted: T.counted }));
        else if (f.days === 0) lines.push(say('daysToday', { date: date(f.date), what }));
        else lines.push(say('daysPast', { what, date: date(f.date), from: date(f.from) }));
        break;
      }
    }
  }

  const hoursShort = findings.some((f) => f.kind === 'hours' && (f.gap.short.total > 0 || f.gap.short.professional > 0 || f.gap.short.public > 0));
  const routeList = (rs: RouteId[]) => [...new Set(rs)].map(route).join(lang === 'zh' ? '、' : ', ');
  let lead = '';
  let verdict: PersonalReply['verdict'] = 'info';
  if (scope) verdict = 'not-covered';
  // A route holds but the hours are short: they can still be studied.
  else if (eligible.length && hoursShort) { lead = say('leadFixable', { routes: routeList(eligible) }); verdict = 'not-yet'; }
  else if (eligible.length) { lead = say('leadEligible', { routes: routeList(eligible) }); verdict = 'eligible'; }
  else if (depends) { lead = T.leadDepends; verdict = 'depends'; }
  else if (short.length) { lead = say('leadNotYet', { routes: routeList(short) }); verdict = 'not-yet'; }
  const routesChecked = eligible.length + short.length > 0 || depends;
  const tail = scope ? [] : routesChecked ? [say('others', { zone: p.zone.value, employerKind: p.employerKind.value, recent: reviewYears, grade: p.annualReview.value.minGrade })] : [];
  // Brief: the lines alone, for a note inside the check (which asks for the rest itself).
  const text = (brief ? lines : [lead, ...lines, ...tail]).filter(Boolean).join('\n');
  return { text, citations: cite(k, findings.flatMap((f) => f.clauses)), verdict };

  function dependsText(early: Period, late: Period): string {
    return say('verdictDepends', {
      year: early.since.slice(0, 4), first: Number(early.since.slice(5)), last: Number(late.since.slice(5)), low: late.years, high: early.years,
      computed: T.computed, metBy: month(latestStart(early)),
    });
  }
  function shortText(pd: Period): string {
    const months = pd.need * 12 - pd.months;
    if (months < 12) return say('shortMonths', { n: months });
    const years = Math.floor(months / 12);
    const rest = months - years * 12;
    return rest ? `${say('shortYears', { n: years })}${say('shortMonths', { n: rest })}` : say('shortYears', { n: years });
  }
}

/**
 * A list of education levels as a route takes them ("研究生、本科、大专", "本科或大专"): highest
 * first, each label once; in Chinese two are joined by 或 and more by 、, in English "a, b or c".
 */
function levelList(of: readonly PlainEducation[], labels: Readonly<Record<PlainEducation, string>>, lang: Language): string {
  const sorted = [...of].sort((a, b) => (a === b ? 0 : atLeast(a, b) ? -1 : 1));
  const names = [...new Set(sorted.map((e) => labels[e]))];
  if (names.length < 2) return names.join('');
  if (lang === 'zh') return names.length === 2 ? names.join('或') : names.join('、');
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

/** The last start month that still completes the period's requirement by the cut-off. */
function latestStart(pd: Period): string {
  const cut = Number(pd.since.slice(0, 4)) * 12 + Number(pd.since.slice(5)) - 1 + pd.months - 1;
  const latest = cut - pd.need * 12 + 1;
  return `${Math.floor(latest / 12)}-${String((latest % 12) + 1).padStart(2, '0')}`;
}

/** When the honour was issued, as the person said it (a month, or a year). */
function issuedText(f: Extract<Finding, { kind: 'honour' }>, lang: Language): string {
  if (!f.issued) return '';
  if (f.issued.from === f.issued.to) return lang === 'zh' ? cnMonth(f.issued.from) : enMonth(f.issued.from);
  return lang === 'zh' ? `${f.issued.from.slice(0, 4)}年` : f.issued.from.slice(0, 4);
}

function cnMonth(ym: string): string {
  return `${ym.slice(0, 4)}年${Number(ym.slice(5, 7))}月`;
}

const EN_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
function enMonth(ym: string): string {
  return `${EN_MONTHS[Number(ym.slice(5, 7)) - 1]} ${ym.slice(0, 4)}`;
}
function enDate(iso: string): string {
  return `${Number(iso.slice(8, 10))} ${EN_MONTHS[Number(iso.slice(5, 7)) - 1]} ${iso.slice(0, 4)}`;
}

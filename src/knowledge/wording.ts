/**
 * knowledge/<edition>/wording.yaml: the notice's sentences the rules say (route titles,
 * shortfalls, blockers, the checklist, deadlines, readings), as templates. This file declares, for
 * every text, the placeholders the code fills in it and, for texts whose clauses a reply cites,
 * the parameter each placeholder comes from; the loader checks the file against it.
 */
import { z } from 'zod';
import { checkPlaceholders, type PlaceholderTable } from '../core/template.ts';
import { numbersIn } from '../text/numbers.ts';
import { BLOCKER_CODES, type Parameters } from './schema.ts';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"');
const clauseRefs = z.array(id);
/** A template and the clauses whose numbers it may state; a bare string is a template citing none. */
const cited = z.preprocess(
  (v) => (typeof v === 'string' ? { text: v, clauses: [] } : v),
  z.strictObject({ text: z.string().min(1), clauses: clauseRefs }),
);
export type CitedText = z.infer<typeof cited>;
/** A name or condition of the notice, and optionally its English rendering (for the English replies that say it). */
const named = z.strictObject({ text: z.string().min(1), en: z.string().min(1).optional(), clauses: clauseRefs });

/** The route ids of 二.1–二.5, in the notice's order (src/rules/routes.ts). */
export const ROUTE_IDS = ['education-years', 'assistant-engineer', 'technician', 'two-of-five', 'exceptional'] as const;
/** The kinds of personal checklist rows (src/rules/types.ts). */
export const PERSONAL_ROW_KINDS = [
  'degree-before-auto', 'degree-year-unknown', 'degree-not-extracted', 'foreign-degree', 'hmt-degree', 'insurance-out-of-province',
  'insurance-inconsistent', 'technician-route', 'exceptional-route', 'tech-school', 'foreign-id',
] as const;
export const READING_IDS = ['month-count', 'mismatch-scope', 'higher-education', 'exceptional'] as const;

type ParamName = keyof Parameters;
/** Where a placeholder's value comes from: a parameter, a name of wording.yaml, or null (the case's facts, or code). */
type Sources = Readonly<Record<string, ParamName | 'name' | null>>;

export const NAME_KEYS = ['platform', 'continuingEducationPlatform', 'annualReviewForm', 'evaluation', 'zoneShort', 'honourAnnex'] as const;

/**
 * The notice's conditions as the bot restates them in its own sentences: the interview's questions
 * (flows/interview-texts.yaml: who is outside 一's employer kind, the honours of 二.5, the items of
 * 二.4 asked one by one) and the five items of 二.4 in short (flows/personal.yaml, item1…item5).
 */
export const QUESTION_KEYS = ['employerExcluded', 'honours', 'innovation', 'techHead', 'teamLeader', 'award'] as const;
export const ITEM_KEYS = ['item1', 'item2', 'item3', 'item4', 'item5'] as const;
/** Placeholders of the conditions (the items' numbers, filled from parameters or the person's case). */
export const CONDITION_TEXTS = {
  item2: ['recent', 'invention', 'utility'], item3: ['years'], item4: ['need'],
} as const satisfies PlaceholderTable;

/** Placeholders of the route titles. */
export const ROUTE_TEXTS = {
  'education-years': [], 'assistant-engineer': [], technician: [], 'two-of-five': ['itemsTotal', 'itemsRequired'], exceptional: [],
} as const satisfies Record<(typeof ROUTE_IDS)[number], readonly string[]>;

/** Placeholders of the shortfall phrases. */
export const SHORTFALL_TEXTS = {
  requirement: ['base'], requirementMismatch: ['base', 'extra', 'need'], educationNotListed: ['listed', 'education'],
  periodWork: ['education', 'requirement', 'cutoff', 'years', 'short'], periodAssistantEngineer: ['requirement', 'cutoff', 'years', 'short'],
  periodTechnician: ['requirement', 'cutoff', 'years', 'short'], educationBelow: ['lowest', 'education'], noAssistantEngineer: [], noTechnician: [],
  items: ['held', 'heldItems', 'missing', 'longService'], itemsHeld: ['items'], itemsLongService: ['requirement', 'years'], noHonour: [],
  honourCategory: ['rows', 'category'], honourWindow: ['from', 'to', 'issued'], notMainTechLead: [], hasEducation: ['prescribed', 'education'],
  hasAssistantEngineer: [],
} as const satisfies PlaceholderTable;

/** Placeholders of the blocker messages (and the parts of the hours message). */
export const BLOCKER_TEXTS = {
  'employer-not-in-zone': ['zone'], 'employer-not-private': ['employerKind'], 'specialty-not-covered': ['specialties'], 'nationality-not-covered': [],
  'annual-review': ['recentYears', 'fromYear', 'toYear', 'minGrade'],
  'continuing-education': ['years', 'fromYear', 'toYear', 'total', 'professional', 'public', 'have', 'haveProfessional', 'havePublic', 'haveOther', 'gaps', 'continuingEducationPlatform', 'site'],
  'no-route': ['routes'], hoursShortTotal: ['hours'], hoursShortProfessional: ['hours'], hoursShortPublic: ['hours'],
} as const satisfies PlaceholderTable & Record<(typeof BLOCKER_CODES)[number], readonly string[]>;

/** The placeholders every base checklist item and reason may use, and their parameters. */
export const CHECKLIST_SOURCES = {
  platform: 'name', platformSite: 'platformSite',
  formats: 'photo', minKB: 'photo', maxMB: 'photo', minWidth: 'photo', minHeight: 'photo', ratioMin: 'photo', ratioMax: 'photo',
  fraudBanYears: 'fraudBanYears', statementMaxChars: 'statementMaxChars',
  reviewYears: 'annualReview', reviewFrom: 'annualReview', reviewTo: 'annualReview', minGrade: 'annualReview',
  hoursFrom: 'continuingEducation', hoursTo: 'continuingEducation', hoursTotal: 'continuingEducation',
  hoursProfessional: 'continuingEducation', hoursPublic: 'continuingEducation',
  continuingEducationPlatform: 'name', continuingEducationSite: 'continuingEducationSite',
  formCopies: 'formCopies', paperAddress: 'paperAddress', feeSms: 'feeSms',
} as const satisfies Sources;

/** The placeholders of each personal row (item and reason), and their parameters. */
export const PERSONAL_SOURCES = {
  'degree-before-auto': { graduated: null, year: 'degreeAutoExtractYear' },
  'degree-year-unknown': { year: 'degreeAutoExtractYear' },
  'degree-not-extracted': { year: 'degreeAutoExtractYear' },
  'foreign-degree': {}, 'hmt-degree': {},
  'insurance-out-of-province': { years: 'socialInsuranceYears' },
  'insurance-inconsistent': {},
  'technician-route': { route: null },
  'exceptional-route': { route: null, national: 'honourQuota', provincial: 'honourQuota', level: null },
  'tech-school': { education: null, plain: 'techSchoolEquivalence', rule: 'techSchoolEquivalence' },
  'foreign-id': { document: null },
} as const satisfies Record<(typeof PERSONAL_ROW_KINDS)[number], Sources>;

/** The placeholders of each deadline, their parameters, and the parameter of its date. */
export const DEADLINE_SOURCES = {
  individual: {}, unit: {},
  paper: { days: 'paperWorkingDays', address: 'paperAddress', workingDays: null },
  publicity: { days: 'publicityWorkingDays', workingDays: null },
  fee: { feeSms: 'feeSms' },
} as const satisfies Record<string, Sources>;
export const DEADLINE_DATES = { individual: 'individualDeadline', unit: 'unitDeadline' } as const satisfies Partial<Record<keyof typeof DEADLINE_SOURCES, ParamName>>;

/**
 * Numbers a text may state that are no fact of the notice but of the calendar, by text: the
 * month-count reading says a year is 12 months and that both end months count ("两月").
 */
const CALENDAR_NUMBERS: Readonly<Record<string, readonly string[]>> = { 'readings.month-count': ['1', '2', '12'] };

/** Placeholders of what each photo rule asks (the photo parameter's values). */
const PHOTO_VALUES = ['formats', 'minKB', 'maxMB', 'minWidth', 'minHeight', 'ratioMin', 'ratioMax'] as const;
export const PHOTO_TEXTS = {
  image: PHOTO_VALUES, format: PHOTO_VALUES, size: PHOTO_VALUES, pixels: PHOTO_VALUES, ratio: PHOTO_VALUES, background: PHOTO_VALUES,
} as const satisfies PlaceholderTable;

/** Placeholders of the readings and of the note that holds them. */
export const READING_TEXTS = {
  'month-count': ['cutoff'], 'mismatch-scope': ['extra'], 'higher-education': [], exceptional: ['prescribed', 'from', 'to'], note: ['readings', 'phone'],
} as const satisfies PlaceholderTable;

const keyed = <K extends string, S extends z.ZodType>(keys: readonly K[], schema: S) =>
  z.strictObject(Object.fromEntries(keys.map((k) => [k, schema])) as Record<K, S>);
const keysOf = <T extends object>(o: T) => Object.keys(o) as (keyof T & string)[];

const entry = z.strictObject({ item: z.string().min(1), reason: z.string().min(1), clauses: z.array(id).min(1, 'cite at least one clause') });
export const wordingFileSchema = z.strictObject({
  names: keyed(NAME_KEYS, named),
  conditions: keyed([...QUESTION_KEYS, ...ITEM_KEYS], named),
  routes: keyed(ROUTE_IDS, cited),
  shortfalls: keyed(keysOf(SHORTFALL_TEXTS), cited),
  blockers: keyed(keysOf(BLOCKER_TEXTS), cited),
  checklist: z.array(entry.extend({ id, for: z.enum(['id-card', 'no-id-card']).optional() })).min(1),
  personal: keyed(PERSONAL_ROW_KINDS, entry),
  photo: keyed(keysOf(PHOTO_TEXTS), cited),
  foreignDocuments: z.strictObject({ 'foreign-permanent-resident': z.string().min(1), 'foreign-talent-permit': z.string().min(1), other: z.string().min(1) }),
  deadlines: keyed(keysOf(DEADLINE_SOURCES), z.strictObject({ what: z.string().min(1), clauses: z.array(id).min(1, 'cite at least one clause') })),
  readings: keyed(keysOf(READING_TEXTS), cited),
  /** The clause of each annex printed as a blank form (its fields follow "表内栏目："). */
  forms: z.strictObject({ annualReview: id }),
  /** Example answers the interview shows and the HR track's samples use, checked against the edition. */
  examples: z.strictObject({ honourIssued: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD') }),
});
export type Wording = z.infer<typeof wordingFileSchema>;

/** What the check needs of the rest of the knowledge. */
export interface WordingChecks {
  params: Parameters;
  /** Throws when a cited clause does not exist. */
  checkCitations(entry: string, ids: string[]): void;
  /** Throws when a stated number is in none of the cited clauses. */
  checkNumbers(entry: string, stated: Set<string>, ids: string[]): void;
  fail(entry: string, detail: string): never;
}

/**
 * Checks a parsed wording file: placeholders only those the code supplies for each text, every
 * clause cited exists, every number a template writes is in its clauses, and a text whose
 * clauses a reply cites cites those of every parameter it states.
 */
export function checkWording(w: Wording, c: WordingChecks): void {
  const texts = (section: string, entries: Record<string, CitedText>, table: PlaceholderTable): void => {
    const bad = checkPlaceholders(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, v.text])), table);
    if (bad) c.fail(`${section}.${bad[0]}`, bad[1]);
    for (const [key, v] of Object.entries(entries)) {
      c.checkCitations(`${section}.${key}`, v.clauses);
      const own = CALENDAR_NUMBERS[`${section}.${key}`] ?? [];
      c.checkNumbers(`${section}.${key}`, new Set([...numbersIn(v.text)].filter((n) => !own.includes(n))), v.clauses);
    }
  };
  /** The English renderings of a section's texts, checked like the texts. */
  const english = (entries: Record<string, z.infer<typeof named>>) =>
    Object.fromEntries(Object.entries(entries).flatMap(([k, v]) => (v.en ? [[k, { text: v.en, clauses: v.clauses }]] : [])));
  texts('names', w.names, {});
  texts('names (en)', english(w.names), {});
  texts('conditions', w.conditions, CONDITION_TEXTS);
  texts('conditions (en)', english(w.conditions), CONDITION_TEXTS);
  texts('routes', w.routes, ROUTE_TEXTS);
  texts('shortfalls', w.shortfalls, SHORTFALL_TEXTS);
  texts('blockers', w.blockers, BLOCKER_TEXTS);
  texts('readings', w.readings, READING_TEXTS);
  texts('photo', w.photo, PHOTO_TEXTS);

  /** Texts whose clauses are cited: placeholders, clauses, numbers, and the clauses of each source. */
  const citedTexts = (where: string, parts: Record<string, string>, clauses: string[], sources: Sources, extra: ParamName[] = []): void => {
    const bad = checkPlaceholders(parts, Object.fromEntries(Object.keys(parts).map((k) => [k, Object.keys(sources)])));
    if (bad) c.fail(`${where}.${bad[0]}`, bad[1]);
    c.checkCitations(where, clauses);
    c.checkNumbers(where, new Set(Object.values(parts).flatMap((t) => [...numbersIn(t)])), clauses);
    const used = new Set(Object.values(parts).flatMap((t) => [...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)));
    const needed = [...used].flatMap((p) => {
      const src = sources[p];
      if (src === 'name') return w.names[p as (typeof NAME_KEYS)[number]].clauses;
      return src ? c.params[src].clauses : [];
    });
    for (const ref of [...needed, ...extra.flatMap((p) => c.params[p].clauses)]) {
      if (!clauses.includes(ref)) c.fail(where, `states a fact of clause "${ref}" but does not cite it`);
    }
  };
  const seen = new Set<string>();
  w.checklist.forEach((e, i) => {
    const where = `checklist[${i}] (id ${e.id})`;
    if (seen.has(e.id)) c.fail(where, 'duplicate id');
    seen.add(e.id);
    citedTexts(where, { item: e.item, reason: e.reason }, e.clauses, CHECKLIST_SOURCES);
  });
  for (const kind of PERSONAL_ROW_KINDS) {
    const e = w.personal[kind];
    citedTexts(`personal.${kind}`, { item: e.item, reason: e.reason }, e.clauses, PERSONAL_SOURCES[kind]);
  }
  for (const [key, doc] of Object.entries(w.foreignDocuments)) {
    if (numbersIn(doc).size > 0) c.fail(`foreignDocuments.${key}`, 'a document name states no number');
    const bad = checkPlaceholders({ [key]: doc }, {});
    if (bad) c.fail(`foreignDocuments.${key}`, bad[1]);
  }
  for (const [key, ref] of Object.entries(w.forms)) c.checkCitations(`forms.${key}`, [ref]);
  const window = honourWindowOf(c.params);
  const issued = w.examples.honourIssued;
  if (issued < window.from || issued > window.to) c.fail('examples.honourIssued', `${issued} is outside the edition's honour window (${window.from} to ${window.to})`);
  for (const key of keysOf(DEADLINE_SOURCES)) {
    const d = w.deadlines[key];
    const date = (DEADLINE_DATES as Partial<Record<string, ParamName>>)[key];
    citedTexts(`deadlines.${key}`, { what: d.what }, d.clauses, DEADLINE_SOURCES[key], date ? [date] : []);
  }
}

/**
 * The window an honour must be issued in (二.5: 上一年度7月1日至当年度6月30日), from the edition's
 * `honourWindow` and its cut-off year: it ends on `to` of the cut-off year and starts at the last
 * `from` before that (the year before when `from` falls after `to` in the calendar).
 */
export function honourWindowOf(params: Parameters): { from: string; to: string } {
  const year = Number(params.cutoff.value.slice(0, 4));
  const { from, to } = params.honourWindow.value;
  const fromYear = from > to ? year - 1 : year;
  return { from: `${fromYear}-${from}`, to: `${year}-${to}` };
}

/**
 * flows/interview.yaml (logic) and flows/interview-texts.yaml (wording), checked at load: strict
 * keys, every step's field a profile field of RULES.md, every option set, guard, clause and text
 * known, every question worded, and every number a question states found in its clauses.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Knowledge } from '../knowledge/load.ts';
import { cnDate, EXPECTED_FORM } from '../rules/index.ts';
import { QUESTION_KEYS } from '../knowledge/wording.ts';
import { chineseCount, numbersIn } from '../text/numbers.ts';
import { cachedLoad, dataCacheKeyOf } from '../core/data-cache.ts';
import { contentHash, DataError, parseDataFile } from '../core/data-file.ts';
import { projectPath } from '../core/paths.ts';
import { checkPlaceholders, fill, type PlaceholderTable } from '../core/template.ts';
import { GUARDS } from './guards.ts';

export type Condition =
  | { eq: [string, string | number | boolean] }
  | { in: [string, (string | number)[]] }
  | { gte: [string, number] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | { guard: string };

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const condition: z.ZodType<Condition> = z.lazy(() => z.union([
  z.strictObject({ eq: z.tuple([z.string(), scalar]) }),
  z.strictObject({ in: z.tuple([z.string(), z.array(z.union([z.string(), z.number()]))]) }),
  z.strictObject({ gte: z.tuple([z.string(), z.number()]) }),
  z.strictObject({ all: z.array(condition).min(1) }),
  z.strictObject({ any: z.array(condition).min(1) }),
  z.strictObject({ not: condition }),
  z.strictObject({ guard: z.string() }),
]));

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);
const option = z.strictObject({ value: z.string().min(1), label: z.string().min(1).max(20), words: z.array(z.string().min(1)).default([]) });
/** Stands for the notice's own choices, taken from the edition (knowledge/<edition>/choices.yaml). */
const editionOptions = z.strictObject({ edition: z.enum(['specialties', 'honourCategories']) });
export type Option = z.infer<typeof option>;

export const stepSchema = z.strictObject({
  id,
  field: z.string(),
  kind: z.enum(['boolean', 'choice', 'month', 'number', 'years', 'hours', 'date']),
  options: z.string().optional(),
  /** "none" is an answer: a month field becomes null, a choice's object becomes null. */
  nullable: z.boolean().default(false),
  /** May be skipped; the RULES.md default then holds. */
  optional: z.boolean().default(false),
  if: condition.optional(),
  clauses: z.array(id).min(1),
});

export const interviewFlowSchema = z.strictObject({
  optionSets: z.record(z.string(), z.array(z.union([option, editionOptions])).min(2)),
  phases: z.array(z.strictObject({
    id,
    if: condition.optional(),
    until: condition.optional(),
    stopWhen: condition.optional(),
    steps: z.array(stepSchema).min(1),
  })).min(1),
});

/** The interview's wording keys and the placeholders the engine supplies for each. */
export const INTERVIEW_TEXTS = {
  start: ['reviewYears'], prefilled: ['answers'], learned: ['answers'], noted: ['answers'], amended: ['changes'], changedAnswer: ['field', 'before', 'after'], progress: ['n', 'question'], resume: ['n', 'question'], yes: [], no: [], none: [], skip: [], back: [], restart: [], exit: [],
  help: [], hint: ['hint'], notSkippable: ['hint'], skipped: ['answer'], backTo: ['answer'], editing: ['answer'], nothingToGoBack: [],
  stale: [], exited: [], review: [], reviewGroup: ['title'], whichItem: [], backToReview: [], reviewLine: ['n', 'field', 'answer'], confirm: [], change: ['n'],
  eligible: ['routes'], eligibleNextSeason: ['routes'], fixable: ['routes', 'deadline'], fixableNextSeason: ['routes'], seasonClosed: ['year', 'date', 'today', 'unitOpen'], seasonUnitOpen: ['date', 'days'], daysLeftLead: ['date', 'days'], nextSeason: [], notEligible: [], earlyStop: [], nearMiss: ['route', 'short'], checklistTitle: [], checklistCommon: [], checklistMine: [], shareTitle: ['title'], nextStep: [], source: ['titles'], shareContact: ['contactName', 'phone'], share: [], deadlinesTitle: [],
  changed: ['changes'], unchanged: [], changeEligible: [], changeIneligible: [], changeRoutes: ['routes'], changeBlockers: ['blockers'],
  changeChecklist: ['n'], modify: [], again: [], menu: [], notAsked: [], unsureDefault: ['contactName', 'phone'], unsureSkip: [], whatever: ['choices'],
} as const satisfies PlaceholderTable;
export type InterviewTextKey = keyof typeof INTERVIEW_TEXTS;

/** The placeholders every question and label may use: facts of the edition (see `questionVars`). */
export const QUESTION_PLACEHOLDERS = [
  'zone', 'zoneShort', 'honourAnnex', 'employerKind', 'reviewYears', 'reviewFrom', 'reviewTo', 'minGrade', 'hoursYears', 'hoursFrom', 'hoursTo', 'insuranceYears',
  'patentYears', 'patentYearsZh', 'honourExample', ...QUESTION_KEYS,
] as const;
/** The placeholders the "where to find out" hints may use. */
export const UNSURE_PLACEHOLDERS = [...QUESTION_PLACEHOLDERS, 'site', 'contactName', 'phone'] as const;

/**
 * The values of the question placeholders: the edition's parameters (`patentYearsZh` in Chinese
 * numerals, "近五年"), its example honour date, and what its wording.yaml `conditions` restate.
 */
export function questionVars(k: Knowledge): Record<(typeof QUESTION_PLACEHOLDERS)[number], string | number> {
  const p = k.params;
  const a = p.annualReview.value;
  const ce = p.continuingEducation.value;
  return {
    reviewYears: a.recentYears, reviewFrom: a.fromYear, reviewTo: a.toYear, minGrade: a.minGrade,
    hoursYears: ce.toYear - ce.fromYear + 1, hoursFrom: ce.fromYear, hoursTo: ce.toYear,
    zone: p.zone.value, zoneShort: k.wording.names.zoneShort.text, honourAnnex: k.wording.names.honourAnnex.text,
    employerKind: p.employerKind.value,
    insuranceYears: p.socialInsuranceYears.value, patentYears: p.patents.value.recentYears, patentYearsZh: chineseCount(p.patents.value.recentYears),
    honourExample: cnDate(k.wording.examples.honourIssued),
    ...(Object.fromEntries(QUESTION_KEYS.map((key) => [key, k.wording.conditions[key].text])) as Record<(typeof QUESTION_KEYS)[number], string>),
  };
}

export const interviewTextsSchema = z.strictObject({
  questions: z.record(z.string(), z.string().min(1)),
  /** At most 20 characters once filled (checked at load). */
  labels: z.record(z.string(), z.string().min(1)),
  /** Where to find out, for a step the person does not know the answer to ("不知道"); `texts.unsureDefault` otherwise. */
  unsure: z.record(z.string(), z.string().min(1)).default({}),
  /** Headings of the review, by phase id. */
  phases: z.record(z.string(), z.string().min(1).max(20)).default({}),
  texts: z.strictObject(Object.fromEntries(Object.keys(INTERVIEW_TEXTS).map((k) => [k, z.string().min(1)])) as Record<InterviewTextKey, z.ZodString>),
});

export type Step = z.infer<typeof stepSchema>;
export type InterviewFlowData = z.infer<typeof interviewFlowSchema>;
export interface InterviewFlow extends Omit<InterviewFlowData, 'optionSets'> {
  /** The option sets, the edition's choices in place of their `{ edition: … }` entries. */
  optionSets: Record<string, Option[]>;
  /** A hash of both files: stored sessions of another version are migrated (see dialogue/session.ts). */
  version: string;
  texts: z.infer<typeof interviewTextsSchema>;
  stepById: Map<string, Step>;
  /** Steps in the order they can be asked. */
  steps: Step[];
}

/**
 * Loads the interview from flows/ and checks it against the knowledge; from the data cache when
 * these files were checked before against the same knowledge (a knowledge the loader returned).
 */
export function loadInterviewFlow(k: Knowledge, root = projectPath('flows')): InterviewFlow {
  const read = (name: string) => readFileSync(path.join(root, name), 'utf8');
  const logic = read('interview.yaml');
  const texts = read('interview-texts.yaml');
  const knowledgeKey = dataCacheKeyOf(k);
  const parse = () => parseInterviewFlow(logic, texts, k);
  return knowledgeKey ? cachedLoad('interview-flow', [logic, texts, knowledgeKey], parse) : parse();
}

/** Parses both files and checks every reference; throws one line naming the file and entry. */
export function parseInterviewFlow(logicSource: string, textsSource: string, k: Knowledge): InterviewFlow {
  const logic = parseDataFile('flows/interview.yaml', logicSource, interviewFlowSchema);
  const texts = parseDataFile('flows/interview-texts.yaml', textsSource, interviewTextsSchema);
  const fail = (file: string, entry: string, detail: string): never => {
    throw new DataError(file, entry, detail);
  };
  const badText = checkPlaceholders(texts.texts, INTERVIEW_TEXTS);
  if (badText) fail('flows/interview-texts.yaml', `texts.${badText[0]}`, badText[1]);
  const L = 'flows/interview.yaml';
  const steps = logic.phases.flatMap((p) => p.steps);
  const stepById = new Map<string, Step>();
  for (const step of steps) {
    const where = `step "${step.id}"`;
    if (stepById.has(step.id)) fail(L, where, 'duplicate id');
    stepById.set(step.id, step);
    if (!(step.field in EXPECTED_FORM)) fail(L, where, `field "${step.field}" is not a profile field of RULES.md`);
    if (step.kind === 'choice' && (!step.options || !logic.optionSets[step.options])) fail(L, where, `option set "${step.options ?? ''}" does not exist`);
    for (const c of step.clauses) if (!k.clauseById.has(c)) fail(L, where, `cites clause "${c}", which does not exist`);
    if (step.if) checkCondition(step.if, L, where, fail);
    if (texts.labels[step.id] === undefined) fail('flows/interview-texts.yaml', `labels.${step.id}`, 'the step has no label');
    const badLabel = checkPlaceholders({ [step.id]: texts.labels[step.id]! }, { [step.id]: QUESTION_PLACEHOLDERS });
    if (badLabel) fail('flows/interview-texts.yaml', `labels.${step.id}`, badLabel[1]);
    const question = texts.questions[step.id];
    if (question === undefined) fail('flows/interview-texts.yaml', `questions.${step.id}`, 'the step has no question text');
    const badQuestion = checkPlaceholders({ [step.id]: question! }, { [step.id]: QUESTION_PLACEHOLDERS });
    if (badQuestion) fail('flows/interview-texts.yaml', `questions.${step.id}`, badQuestion[1]);
    // Numbers a question states come from its clauses; examples ("例如 …") and "填0" are not facts.
    const stated = [...numbersIn(question!.replace(/例如[^。？）)]*/g, ''))].filter((n) => n !== '0');
    const known = new Set(step.clauses.flatMap((c) => [...numbersIn(k.clauseById.get(c)!.text)]));
    for (const n of stated) if (!known.has(n)) fail('flows/interview-texts.yaml', `questions.${step.id}`, `states ${n}, which is in none of its clauses (${step.clauses.join(', ')})`);
  }
  for (const phase of logic.phases) {
    for (const [key, c] of [['if', phase.if], ['until', phase.until], ['stopWhen', phase.stopWhen]] as const) {
      if (c) checkCondition(c, L, `phase "${phase.id}".${key}`, fail);
    }
  }
  for (const [id, hint] of Object.entries(texts.unsure)) {
    const bad = checkPlaceholders({ [id]: hint }, { [id]: UNSURE_PLACEHOLDERS });
    if (bad) fail('flows/interview-texts.yaml', `unsure.${id}`, bad[1]);
  }
  for (const id of Object.keys(texts.phases)) if (!logic.phases.some((p) => p.id === id)) fail('flows/interview-texts.yaml', `phases.${id}`, 'no phase has this id');
  for (const [section, keys] of [['questions', Object.keys(texts.questions)], ['labels', Object.keys(texts.labels)], ['unsure', Object.keys(texts.unsure)]] as const) {
    for (const key of keys) if (!stepById.has(key)) fail('flows/interview-texts.yaml', `${section}.${key}`, 'no step has this id');
  }
  // Labels name the edition's facts ("近3年年度考核合格"): filled once, for this knowledge.
  const vars = questionVars(k);
  const labels = Object.fromEntries(Object.entries(texts.labels).map(([id, label]) => [id, fill(label, vars)]));
  for (const [id, label] of Object.entries(labels)) {
    if (label.length > 20) fail('flows/interview-texts.yaml', `labels.${id}`, `"${label}" is ${label.length} characters, at most 20`);
  }
  const optionSets = Object.fromEntries(Object.entries(logic.optionSets).map(([name, set]) => [name, editionChoices(set, k)]));
  return { ...logic, optionSets, version: contentHash([logicSource, textsSource]), texts: { ...texts, labels }, stepById, steps };
}

/**
 * An option set with the edition's choices in place of `{ edition: … }`: the specialties of 一
 * (labels from parameters.specialties) or the rows of 附件4 ("<row> <label>", value the row).
 * A word an edition's choice claims is dropped from the set's other options.
 */
export function editionChoices(set: InterviewFlowData['optionSets'][string], k: Knowledge): Option[] {
  const fromEdition = (which: 'specialties' | 'honourCategories'): Option[] => which === 'specialties'
    ? Object.entries(k.params.specialties.value).map(([value, label]) => ({ value, label, words: k.choices.specialties[value]!.words }))
    : k.choices.honourCategories.map((row, i) => ({ value: String(i + 1), label: `${i + 1} ${row.label}`, words: row.words }));
  const expanded = set.flatMap((o) => ('edition' in o ? fromEdition(o.edition) : []));
  const claimed = new Set(expanded.flatMap((o) => o.words));
  return set.flatMap((o) => ('edition' in o ? fromEdition(o.edition) : [{ ...o, words: o.words.filter((w) => !claimed.has(w)) }]));
}

function checkCondition(c: Condition, file: string, where: string, fail: (f: string, e: string, d: string) => never): void {
  if ('guard' in c) {
    if (!(c.guard in GUARDS)) fail(file, where, `guard "${c.guard}" is not one of ${Object.keys(GUARDS).join(', ')}`);
  } else if ('all' in c) c.all.forEach((x) => checkCondition(x, file, where, fail));
  else if ('any' in c) c.any.forEach((x) => checkCondition(x, file, where, fail));
  else if ('not' in c) checkCondition(c.not, file, where, fail);
  else {
    const field = 'eq' in c ? c.eq[0] : 'in' in c ? c.in[0] : c.gte[0];
    if (!(field in EXPECTED_FORM)) fail(file, where, `condition names "${field}", which is not a profile field`);
  }
}

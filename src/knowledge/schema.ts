/**
 * The shape of everything in knowledge/, checked with zod at load. Objects are strict: an
 * unknown key is an error, so a misspelt field never silently falls back to a default.
 */
import { z } from 'zod';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and "-"');
const clauseRefs = z.array(id).min(1, 'cite at least one clause');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

export const noticeSchema = z.strictObject({
  edition: z.string().regex(/^\d{4}$/),
  docNumber: z.string().min(1),
  title: z.string().min(1),
  issuer: z.string().min(1),
  issued: isoDate,
  source: z.string().min(1),
});

export const clauseSchema = z.strictObject({
  id,
  title: z.string().min(1),
  text: z.string().min(1),
  keywords: z.array(z.string().min(1)).default([]),
});
export const clausesFileSchema = z.strictObject({ clauses: z.array(clauseSchema).min(1) });

/** One parameter of the notice: its value and the clauses it comes from (OpenFisca style). */
const param = <T extends z.ZodType>(value: T) =>
  z.strictObject({ value, clauses: clauseRefs, note: z.string().optional() });

const count = z.number().int().nonnegative();
/** A specialty's id: data of the edition (its parameter `specialties`), not a list fixed in code. */
const specialty = id.refine((s) => s !== 'other', '"other" is the choice of a field the notice does not cover');
const nationality = z.enum(['mainland', 'hk-macau-taiwan', 'foreign-permanent-resident', 'foreign-talent-permit']);
const plainEducation = z.enum(['doctorate', 'master', 'bachelor', 'college', 'secondary']);

/** The blockers of an assessment (src/rules/blockers.ts), in the order it lists them. */
export const BLOCKER_CODES = [
  'employer-not-in-zone', 'employer-not-private', 'specialty-not-covered', 'nationality-not-covered',
  'annual-review', 'continuing-education', 'no-route',
] as const;

export const parametersSchema = z.strictObject({
  cutoff: param(isoDate),
  zone: param(z.string()),
  employerKind: param(z.string()),
  specialties: param(z.record(specialty, z.string())),
  nationalitiesCovered: param(z.array(nationality).min(1)),
  annualReview: param(z.strictObject({ recentYears: count, fromYear: count, toYear: count, minGrade: z.string() })),
  mismatchExtraYears: param(count),
  techSchoolEquivalence: param(z.strictObject({ 'tech-intermediate': plainEducation, 'tech-advanced': plainEducation, 'tech-technician': plainEducation })),
  educationWorkYears: param(z.partialRecord(plainEducation, count)),
  assistantEngineerYears: param(count),
  assistantEngineerEducation: param(z.array(plainEducation).min(1)),
  technicianYears: param(count),
  twoOfFive: param(z.strictObject({ itemsRequired: count, itemsTotal: count })),
  /** 二.4 items (1) and (5), which state no number: the item's number, and its clause. */
  innovationItem: param(z.literal(1)),
  awardItem: param(z.literal(5)),
  patents: param(z.strictObject({ recentYears: count, inventionPatents: count, softwareCopyrights: count, utilityModelsFirst: count })),
  techHeadYears: param(count),
  longServiceYears: param(count),
  honourWindow: param(z.strictObject({ from: z.string().regex(/^\d{2}-\d{2}$/), to: z.string().regex(/^\d{2}-\d{2}$/), validityYears: count })),
  honourCategories: param(count),
  honourQuota: param(z.strictObject({ national: count, provincial: count })),
  continuingEducation: param(z.strictObject({ fromYear: count, toYear: count, total: count, professional: count, public: count })),
  continuingEducationSite: param(z.string().url()),
  /** Blockers that can still be removed before the personal deadline (hours can be studied): the check goes on past them. */
  fixableBlockers: param(z.array(z.enum(BLOCKER_CODES))),
  platformSite: param(z.string().url()),
  degreeAutoExtractYear: param(count),
  socialInsuranceYears: param(count),
  individualDeadline: param(isoDate),
  unitDeadline: param(isoDate),
  paperWorkingDays: param(count),
  publicityWorkingDays: param(count),
  fraudBanYears: param(count),
  photo: param(z.strictObject({
    formats: z.array(z.string()).min(1),
    minKB: z.number().positive(), maxMB: z.number().positive(),
    minWidth: count, minHeight: count,
    ratioMin: z.number().positive(), ratioMax: z.number().positive(),
  })),
  statementMaxChars: param(count),
  formCopies: param(count),
  paperAddress: param(z.string()),
  feeSms: param(z.string()),
  contact: param(z.strictObject({ name: z.string(), phone: z.string() })),
});
export const parametersFileSchema = z.strictObject({ parameters: parametersSchema });

export const topicSchema = z.strictObject({ id, title: z.string().min(1) });
export const faqEntrySchema = z.strictObject({
  id,
  /** Filled from faq-en.yaml at load. */
  answerEn: z.string().optional(),
  topic: id,
  questions: z.array(z.string().min(1)).min(1),
  answer: z.string().min(1).max(400),
  clauses: z.array(id).min(1, 'an FAQ entry must cite at least one clause'),
  related: z.array(id).default([]),
  /** The notice does not answer this question: the reply says so and counts as a fallback. */
  notInNotice: z.boolean().default(false),
});
export const faqFileSchema = z.strictObject({ topics: z.array(topicSchema).min(1), faq: z.array(faqEntrySchema).min(1) });

/** Canonical notice term → the ways people say it. */
export const synonymsFileSchema = z.strictObject({ synonyms: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)) });

/** English answers of the FAQ entries, by entry id (the same facts as the Chinese answer). */
export const faqEnglishFileSchema = z.strictObject({ answers: z.record(id, z.string().min(1).max(1200)) });
/** English glosses of the clause titles, by clause id. */
export const clauseTitlesEnglishFileSchema = z.strictObject({ titles: z.record(id, z.string().min(1).max(200)) });
/** Messages the notice does not answer, by kind: what the question is scored against, like Rasa's out-of-scope intent. */
export const outOfScopeExamplesFileSchema = z.strictObject({
  kinds: z.array(z.strictObject({ id, note: z.string().min(1), examples: z.array(z.string().min(1).max(120)).min(1) })).min(1),
});

/** Questions the notice does not cover, recognised by their words (other title levels, small talk). */
export const outOfScopeFileSchema = z.strictObject({ outOfScope: z.array(z.strictObject({ id, terms: z.array(z.string().min(1)).min(1), note: z.string() })) });

const words = z.array(z.string().min(1)).min(1);
/**
 * How a notice's own choices are offered and recognised (knowledge/<edition>/choices.yaml): its
 * specialties (一; their names are the parameter `specialties`) and the rows of 附件4 (二.5), in
 * order (row 1 first). `words` are what a person may answer the interview's choice with;
 * `reading` adds words the fact reader maps to the choice, beyond knowledge/reading.yaml's.
 */
export const choicesFileSchema = z.strictObject({
  specialties: z.record(specialty, z.strictObject({ words, reading: words.optional() })),
  honourCategories: z.array(z.strictObject({
    clause: id,
    label: z.string().min(1).max(16),
    words,
    reading: words.optional(),
  })).min(1),
});

const editionYear = z.string().regex(/^\d{4}$/, 'a year, four digits');
const seasonWords = z.array(z.string().min(1)).min(1);
/**
 * How a question names a year's evaluation: a marker (a year, or a year relative to the edition
 * served), then optionally a joiner, then a noun ("2023年度" + "的" + "评审", "去年" + "截止时间").
 */
export const seasonsSchema = z.strictObject({
  /** Markers naming a year; {year} stands for four digits. */
  years: z.array(z.string().regex(/\{year\}/, 'must contain {year}')).min(1),
  /** Markers naming a year relative to the edition served, by offset ("-1": 去年). */
  relative: z.record(z.string().regex(/^-?[1-9]$/, 'an offset in years, e.g. -1 or 1'), seasonWords),
  joiners: seasonWords,
  nouns: seasonWords,
});
const datedEditionsSchema = z.strictObject({
  editions: z.array(z.strictObject({ edition: editionYear, from: isoDate })).min(1),
  seasons: seasonsSchema,
});
/** The first form: one edition served whatever the date (`current`), the others only when chosen (--edition). */
const fixedEditionsSchema = z.strictObject({ current: editionYear, editions: z.array(editionYear).min(1), seasons: seasonsSchema.optional() });
/**
 * knowledge/editions.yaml: the editions carried and the day each comes into force (a calendar day
 * in TZ_BOT), or the first form (`current`). The form is told by its keys, so an error names the
 * entry of the form written, not "no form matched".
 */
export const editionsFileSchema = z.unknown().transform((data, ctx) => {
  const fixed = data !== null && typeof data === 'object' && 'current' in data;
  const parsed = fixed ? fixedEditionsSchema.safeParse(data) : datedEditionsSchema.safeParse(data);
  if (parsed.success) return parsed.data as z.infer<typeof datedEditionsSchema> | z.infer<typeof fixedEditionsSchema>;
  for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.code === 'unrecognized_keys' ? `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message });
  return z.NEVER;
});
export type Seasons = z.infer<typeof seasonsSchema>;

export type Notice = z.infer<typeof noticeSchema>;
export type Choices = z.infer<typeof choicesFileSchema>;
export type Clause = z.infer<typeof clauseSchema>;
export type Parameters = z.infer<typeof parametersSchema>;
export type Topic = z.infer<typeof topicSchema>;
export type FaqEntry = z.infer<typeof faqEntrySchema>;

/**
 * The applicant profile: the public contract of `assess` and of the interview (RULES.md
 * "Applicant profile"). Strict zod objects: an unknown key is an error, a missing optional key
 * takes its default. `parseProfile` turns the first problem into one line naming the field and
 * the expected form, e.g. `profile[2].workStart: expected a month YYYY-MM, e.g. 2018-07, got "2018/7"`.
 */
import { z } from 'zod';
import { isIsoDate, isMonth } from './months.ts';
import { err, ok, type Result } from './result.ts';

export const NATIONALITIES = ['mainland', 'hk-macau-taiwan', 'foreign-permanent-resident', 'foreign-talent-permit', 'foreign-other'] as const;
export const EDUCATIONS = ['doctorate', 'master', 'bachelor', 'college', 'secondary', 'tech-intermediate', 'tech-advanced', 'tech-technician', 'none'] as const;
export const EDUCATION_ORIGINS = ['domestic', 'foreign', 'hk-macau-taiwan'] as const;
export const HONOUR_LEVELS = ['national', 'provincial'] as const;

/** A specialty of the edition's parameter `specialties` (一), by its id, or 'other': ids are data of the notice. */
export type Specialty = string;
export type Nationality = (typeof NATIONALITIES)[number];
export type Education = (typeof EDUCATIONS)[number];

const month = z.string().refine(isMonth);
const count = z.number().int().nonnegative();
const hours = z.number().nonnegative();

const achievementsShape = {
  innovationLead: z.boolean().default(false),
  inventionPatents: count.default(0),
  softwareCopyrights: count.default(0),
  utilityModelsFirst: count.default(0),
  techHeadYears: z.number().nonnegative().default(0),
  innovationTeamOrCountyLeader: z.boolean().default(false),
  governmentAward: z.boolean().default(false),
};
const honourShape = {
  // The row of 附件4; whether the row exists is the edition's business (二.5), not the schema's.
  category: z.number().int().min(1),
  level: z.enum(HONOUR_LEVELS),
  issued: z.string().refine(isIsoDate),
  mainTechLead: z.boolean(),
};
const continuingEducationShape = { professional: hours, public: hours, other: hours };
const socialInsuranceShape = { consistent: z.boolean().default(true), outOfProvince: z.boolean().default(false) };

const profileShape = {
  employerInZone: z.boolean(),
  employerPrivate: z.boolean(),
  specialty: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  nationality: z.enum(NATIONALITIES),
  education: z.enum(EDUCATIONS),
  educationRelevant: z.boolean().default(true),
  graduated: month.optional(),
  educationOrigin: z.enum(EDUCATION_ORIGINS).default('domestic'),
  degreeAutoVerified: z.boolean().default(true),
  workStart: month,
  assistantEngineerSince: month.nullable().default(null),
  technicianSince: month.nullable().default(null),
  achievements: z.strictObject(achievementsShape).prefault({}),
  honour: z.strictObject(honourShape).nullable().default(null),
  annualReviewsPassed: z.boolean(),
  continuingEducation: z.strictObject(continuingEducationShape),
  socialInsurance: z.strictObject(socialInsuranceShape).prefault({}),
};

/** The zod schema of a profile (input: JSON as people write it; output: defaults filled in). */
export const profileSchema = z.strictObject(profileShape);

/** A validated profile with every default filled in: what `assess` takes. */
export type Profile = z.output<typeof profileSchema>;
/** A profile as written in JSON, optional keys may be left out. */
export type ProfileInput = z.input<typeof profileSchema>;

const MONTH_FORM = 'a month YYYY-MM, e.g. 2018-07';
const BOOLEAN = 'true or false';
const COUNT = 'an integer >= 0';
const HOURS = 'a number of hours >= 0';
const oneOf = (values: readonly string[]): string => `one of ${values.join(', ')}`;
const objectOf = (shape: object, orNull = false): string => `an object {${Object.keys(shape).join(', ')}}${orNull ? ' or null' : ''}`;

/** The expected form of each field, by its dotted path: what the error line tells the user. */
export const EXPECTED_FORM: Readonly<Record<string, string>> = {
  employerInZone: BOOLEAN,
  employerPrivate: BOOLEAN,
  specialty: "a specialty id of the notice's parameters.specialties (e.g. petrochemical), or other",
  nationality: oneOf(NATIONALITIES),
  education: oneOf(EDUCATIONS),
  educationRelevant: BOOLEAN,
  graduated: 'a month YYYY-MM, e.g. 2012-07',
  educationOrigin: oneOf(EDUCATION_ORIGINS),
  degreeAutoVerified: BOOLEAN,
  workStart: MONTH_FORM,
  assistantEngineerSince: 'a month YYYY-MM (e.g. 2019-09) or null',
  technicianSince: 'a month YYYY-MM (e.g. 2020-05) or null',
  achievements: objectOf(achievementsShape),
  'achievements.innovationLead': BOOLEAN,
  'achievements.inventionPatents': COUNT,
  'achievements.softwareCopyrights': COUNT,
  'achievements.utilityModelsFirst': COUNT,
  'achievements.techHeadYears': 'a number of years >= 0',
  'achievements.innovationTeamOrCountyLeader': BOOLEAN,
  'achievements.governmentAward': BOOLEAN,
  honour: objectOf(honourShape, true),
  'honour.category': 'the row number in 附件4, an integer >= 1',
  'honour.level': oneOf(HONOUR_LEVELS),
  'honour.issued': 'a date YYYY-MM-DD, e.g. 2023-03-15',
  'honour.mainTechLead': BOOLEAN,
  annualReviewsPassed: BOOLEAN,
  continuingEducation: objectOf(continuingEducationShape),
  'continuingEducation.professional': HOURS,
  'continuingEducation.public': HOURS,
  'continuingEducation.other': HOURS,
  socialInsurance: objectOf(socialInsuranceShape),
  'socialInsurance.consistent': BOOLEAN,
  'socialInsurance.outOfProvince': BOOLEAN,
};

/** The keys each object of the profile allows, by dotted path ('' is the profile itself). */
const ALLOWED_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': Object.keys(profileShape),
  achievements: Object.keys(achievementsShape),
  honour: Object.keys(honourShape),
  continuingEducation: Object.keys(continuingEducationShape),
  socialInsurance: Object.keys(socialInsuranceShape),
};

/** Why a profile was refused: the field's dotted path, its expected form, and the one-line message. */
export interface ProfileError {
  field: string;
  expected: string;
  message: string;
}

/**
 * Validates one profile. `label` prefixes the message: `profile` for a single object,
 * `profile[2]` for the third element of an array.
 */
export function parseProfile(input: unknown, label = 'profile'): Result<Profile, ProfileError> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const expected = 'a JSON object with the profile fields';
    return err({ field: '', expected, message: `${label}: expected ${expected}, got ${shown(input)}` });
  }
  const parsed = profileSchema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  // An unknown key is usually a misspelt one: report it before the "missing" it causes.
  const issues = parsed.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0]!;
  const path = issue.path.map(String).join('.');
  if (issue.code === 'unrecognized_keys') {
    const field = path ? `${path}.${issue.keys[0]}` : issue.keys[0]!;
    const expected = `a known field: ${(ALLOWED_KEYS[path] ?? []).join(', ')}`;
    return err({ field, expected, message: `${label}.${field}: unknown field; expected ${expected}` });
  }
  const expected = EXPECTED_FORM[path] ?? issue.message;
  return err({ field: path, expected, message: `${label}.${path}: expected ${expected}, got ${shown(valueAt(input, issue.path))}` });
}

/** Validates a JSON array of profiles, naming the first bad element (`profile[2].workStart: …`). */
export function parseProfiles(input: unknown[]): Result<Profile[], ProfileError & { index: number }> {
  const out: Profile[] = [];
  for (const [index, item] of input.entries()) {
    const r = parseProfile(item, `profile[${index}]`);
    if (!r.ok) return err({ ...r.error, index });
    out.push(r.value);
  }
  return ok(out);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) node = node !== null && typeof node === 'object' ? (node as Record<PropertyKey, unknown>)[key] : undefined;
  return node;
}

/** A short rendering of the value received, for the error line. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

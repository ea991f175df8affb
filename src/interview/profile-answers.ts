/**
 * The interview's answers (by RULES.md field path, e.g. `achievements.inventionPatents`) and the
 * profile they make. A field not answered reads as its RULES.md default; a required field not yet
 * answered is filled, for evaluation only, with a value that raises no blocker, so the rules can
 * tell what the answers so far already decide.
 */
import type { Parameters } from '../knowledge/schema.ts';
import { parseProfile, type Profile } from '../rules/index.ts';

/** Answers by field path; `honour: null` records "no honour". */
export type Answers = Record<string, unknown>;

/** RULES.md defaults of the optional fields. */
const DEFAULTS: Record<string, unknown> = {
  educationRelevant: true,
  educationOrigin: 'domestic',
  degreeAutoVerified: true,
  assistantEngineerSince: null,
  technicianSince: null,
  'achievements.innovationLead': false,
  'achievements.inventionPatents': 0,
  'achievements.softwareCopyrights': 0,
  'achievements.utilityModelsFirst': 0,
  'achievements.techHeadYears': 0,
  'achievements.innovationTeamOrCountyLeader': false,
  'achievements.governmentAward': false,
  'socialInsurance.consistent': true,
  'socialInsurance.outOfProvince': false,
};

/** The required fields of RULES.md (no default). */
export const REQUIRED_FIELDS = ['employerInZone', 'employerPrivate', 'specialty', 'nationality', 'education', 'workStart', 'annualReviewsPassed', 'continuingEducation'] as const;

/** A field's value: the answer, else its default (undefined when it has none). */
export function readField(answers: Answers, field: string): unknown {
  if (field in answers) return answers[field];
  if (field.startsWith('honour.') && answers.honour === null) return undefined;
  return DEFAULTS[field];
}

export function isAnswered(answers: Answers, field: string): boolean {
  return field in answers || (field.startsWith('honour.') && answers.honour === null);
}

/** Values that raise no blocker, for required fields not yet answered (evaluation only). */
function passingFill(params: Parameters): Record<(typeof REQUIRED_FIELDS)[number], unknown> {
  const ce = params.continuingEducation.value;
  return {
    employerInZone: true,
    employerPrivate: true,
    specialty: Object.keys(params.specialties.value)[0],
    nationality: params.nationalitiesCovered.value[0],
    education: 'none',
    workStart: params.cutoff.value.slice(0, 7),
    annualReviewsPassed: true,
    continuingEducation: { professional: ce.professional, public: ce.public, other: Math.max(0, ce.total - ce.professional - ce.public) },
  };
}

/** The profile input (nested JSON) the answers make, with unanswered required fields filled. */
export function profileInput(answers: Answers, params: Parameters): Record<string, unknown> {
  const input: Record<string, unknown> = { ...passingFill(params) };
  const honour: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(answers)) {
    if (field === 'honour') continue;
    const [head, sub] = field.split('.') as [string, string | undefined];
    if (sub === undefined) input[head] = value;
    else if (head === 'honour') honour[sub] = value;
    else input[head] = { ...(input[head] as object | undefined), [sub]: value };
  }
  // An honour is complete only with all four facts; otherwise the route cannot hold (二.5).
  input.honour = ['category', 'level', 'issued', 'mainTechLead'].every((k) => k in honour) ? honour : null;
  return input;
}

/** The validated profile the answers make (filled as above). Throws on a bug: answers are validated when given. */
export function profileFromAnswers(answers: Answers, params: Parameters): Profile {
  const r = parseProfile(profileInput(answers, params));
  if (!r.ok) throw new Error(`interview answers do not make a profile: ${r.error.message}`);
  return r.value;
}

/** True when every required field has been answered. */
export function requiredAnswered(answers: Answers): boolean {
  return REQUIRED_FIELDS.every((f) => f in answers);
}

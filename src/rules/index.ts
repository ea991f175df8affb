/** The eligibility rules of RULES.md: parse a profile, assess it, and the pieces the dialogue engine names. */
export { assess, DEFAULT_TIME_ZONE, type Edition } from './assess.ts';
export { parseProfile, parseProfiles, profileSchema, EXPECTED_FORM, EDUCATIONS, NATIONALITIES,
  type Profile, type ProfileInput, type ProfileError, type Education, type Nationality, type Specialty } from './profile.ts';
export { ROUTES, honourWindow, type RouteId } from './routes.ts';
export { BLOCKER_CODES, isFixable, ruleClauses, type BlockerCode } from './blockers.ts';
export { routeTitle, cnDate, educationPhrase } from './wording.ts';
export type { Assessment, Blocker, ChecklistEntry, Deadline, NearMiss } from './types.ts';
export type { Result } from './result.ts';

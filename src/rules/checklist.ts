/**
 * The personalised checklist: the base items every applicant needs plus the rows RULES.md adds
 * for this profile ("Personal checklist"). The conditions live here, the wording in the edition's
 * wording.yaml (filled by wording.ts).
 */
import type { Parameters } from '../knowledge/schema.ts';
import { isTechSchool } from './education.ts';
import { monthIndex } from './months.ts';
import type { Profile } from './profile.ts';
import type { RouteId } from './routes.ts';
import type { ChecklistEntry, Edition, PersonalRow } from './types.ts';
import { baseChecklist, personalEntry } from './wording.ts';

/**
 * The rows that apply to a profile. "The applicant's route" is the first route that holds, in
 * the notice's order (RULES.md lists routes in that order; 二.3 and 二.5 rows apply when that is theirs).
 */
export function personalRows(profile: Profile, routes: RouteId[], params: Parameters): PersonalRow[] {
  const rows: PersonalRow[] = [];
  const autoYear = params.degreeAutoExtractYear.value;
  // 五(二): degree verification, for domestic degrees by graduation year.
  if (profile.educationOrigin === 'domestic' && profile.education !== 'none') {
    // degreeAutoVerified false speaks of a degree after the auto-extraction year, even when `graduated` is not given.
    if (profile.graduated !== undefined && monthIndex(profile.graduated) < autoYear * 12) rows.push({ kind: 'degree-before-auto', graduated: profile.graduated });
    else if (!profile.degreeAutoVerified) rows.push({ kind: 'degree-not-extracted' });
    else if (profile.graduated === undefined) rows.push({ kind: 'degree-year-unknown' });
  }
  if (profile.educationOrigin === 'foreign') rows.push({ kind: 'foreign-degree' });
  if (profile.educationOrigin === 'hk-macau-taiwan') rows.push({ kind: 'hmt-degree' });
  // 五(三), 三(一): social insurance.
  if (profile.socialInsurance.outOfProvince) rows.push({ kind: 'insurance-out-of-province' });
  if (!profile.socialInsurance.consistent) rows.push({ kind: 'insurance-inconsistent' });
  // 附件1 二.3(2) and 二.5: what the route asks for.
  if (routes[0] === 'technician') rows.push({ kind: 'technician-route' });
  if (routes[0] === 'exceptional' && profile.honour) rows.push({ kind: 'exceptional-route', level: profile.honour.level });
  if (isTechSchool(profile.education)) rows.push({ kind: 'tech-school', education: profile.education });
  if (profile.nationality.startsWith('foreign-')) rows.push({ kind: 'foreign-id', nationality: profile.nationality });
  return rows;
}

/** The full checklist for a profile: base items, then its personal rows. */
export function checklist(profile: Profile, routes: RouteId[], edition: Edition): ChecklistEntry[] {
  return [...baseChecklist(edition, profile.nationality === 'mainland'), ...personalRows(profile, routes, edition.params).map((row) => personalEntry(row, edition))]
    .map((e) => ({ ...e, clauses: [...new Set(e.clauses)] }));
}

/** Every personal row kind with sample data, so tests and coverage checks can list every clause cited. */
export const SAMPLE_ROWS: readonly PersonalRow[] = [
  { kind: 'degree-before-auto', graduated: '1998-07' }, { kind: 'degree-year-unknown' }, { kind: 'degree-not-extracted' },
  { kind: 'foreign-degree' }, { kind: 'hmt-degree' }, { kind: 'insurance-out-of-province' }, { kind: 'insurance-inconsistent' },
  { kind: 'technician-route' }, { kind: 'exceptional-route', level: 'national' }, { kind: 'tech-school', education: 'tech-advanced' },
  { kind: 'foreign-id', nationality: 'foreign-permanent-resident' },
];

export type { PersonalRow } from './types.ts';

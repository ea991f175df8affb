/**
 * The prerequisites of 一, 二 and 三(三): each failed one is a blocker, whatever the routes.
 * Facts only (tagged by `code`); the wording module phrases them.
 */
import type { Parameters } from '../knowledge/schema.ts';
import type { Profile } from './profile.ts';
import { routeClauses, ROUTES, unique, type RouteOutcome } from './routes.ts';

import { BLOCKER_CODES } from '../knowledge/schema.ts';

/** The blocker codes, in the order an assessment lists them (named in the parameters' `fixableBlockers`). */
export { BLOCKER_CODES };
export type BlockerCode = (typeof BLOCKER_CODES)[number];

/** Continuing-education hours: what the applicant has and how much each measure is short (0 when met). */
export interface HoursGap {
  have: { total: number; professional: number; public: number; other: number };
  short: { total: number; professional: number; public: number };
}

/** A failed prerequisite, with what its message needs. */
export type BlockerFact =
  | { code: 'employer-not-in-zone' }
  | { code: 'employer-not-private' }
  | { code: 'specialty-not-covered' }
  | { code: 'nationality-not-covered' }
  | { code: 'annual-review' }
  | { code: 'continuing-education'; hours: HoursGap }
  | { code: 'no-route'; outcomes: RouteOutcome[] };

/** The failed prerequisites of a profile, in `BLOCKER_CODES` order. */
export function checkPrerequisites(profile: Profile, params: Parameters, outcomes: RouteOutcome[]): BlockerFact[] {
  const facts: BlockerFact[] = [];
  // 一: employer registered in the zone, a private enterprise, one of the specialties, nationality covered.
  if (!profile.employerInZone) facts.push({ code: 'employer-not-in-zone' });
  if (!profile.employerPrivate) facts.push({ code: 'employer-not-private' });
  if (!Object.hasOwn(params.specialties.value, profile.specialty)) facts.push({ code: 'specialty-not-covered' });
  if (!(params.nationalitiesCovered.value as readonly string[]).includes(profile.nationality)) facts.push({ code: 'nationality-not-covered' });
  // 二: 近3年年度考核"合格"以上.
  if (!profile.annualReviewsPassed) facts.push({ code: 'annual-review' });
  // 三(三): continuing education, total and two minimums.
  const hours = hoursGap(profile, params);
  if (hours.short.total > 0 || hours.short.professional > 0 || hours.short.public > 0) facts.push({ code: 'continuing-education', hours });
  if (!outcomes.some((o) => o.holds)) facts.push({ code: 'no-route', outcomes });
  return facts;
}

/** The continuing-education hours against 三(三)'s minimums. */
export function hoursGap(profile: Profile, params: Parameters): HoursGap {
  const { professional, public: pub, other } = profile.continuingEducation;
  const need = params.continuingEducation.value;
  const total = professional + pub + other;
  const gap = (needed: number, have: number): number => Math.max(0, round1(needed - have));
  return {
    have: { total: round1(total), professional, public: pub, other },
    short: { total: gap(need.total, total), professional: gap(need.professional, professional), public: gap(need.public, pub) },
  };
}

/** The clauses a blocker cites: those of the parameters it tests (no-route: every route's). */
export function blockerClauses(fact: BlockerFact, params: Parameters): string[] {
  const p = params;
  switch (fact.code) {
    case 'employer-not-in-zone': return p.zone.clauses;
    case 'employer-not-private': return p.employerKind.clauses;
    case 'specialty-not-covered': return p.specialties.clauses;
    case 'nationality-not-covered': return p.nationalitiesCovered.clauses;
    case 'annual-review': return p.annualReview.clauses;
    case 'continuing-education': return p.continuingEducation.clauses;
    case 'no-route': return unique(fact.outcomes.flatMap((o) => o.clauses));
  }
}

/** Every clause any rule can cite (routes with all their flags, and every blocker): for coverage checks. */
export function ruleClauses(params: Parameters): Set<string> {
  const all = new Set<string>();
  for (const route of ROUTES) for (const c of routeClauses(route, params, { mismatch: true, techSchool: true })) all.add(c);
  const facts: BlockerFact[] = [
    { code: 'employer-not-in-zone' }, { code: 'employer-not-private' }, { code: 'specialty-not-covered' },
    { code: 'nationality-not-covered' }, { code: 'annual-review' },
    { code: 'continuing-education', hours: { have: { total: 0, professional: 0, public: 0, other: 0 }, short: { total: 0, professional: 0, public: 0 } } },
  ];
  for (const f of facts) for (const c of blockerClauses(f, params)) all.add(c);
  return all;
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** Whether a blocker can still be removed before the personal deadline (the parameters' `fixableBlockers`). */
export function isFixable(code: BlockerCode, params: Parameters): boolean {
  return (params.fixableBlockers.value as readonly string[]).includes(code);
}

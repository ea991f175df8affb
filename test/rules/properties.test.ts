/** Properties over random valid profiles (fast-check). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { assess, BLOCKER_CODES, EDUCATIONS, NATIONALITIES, parseProfile, ROUTES, type Profile } from '../../src/rules/index.ts';
import { formatMonth, monthIndex } from '../../src/rules/months.ts';
import { editionWith, knowledge, NOW } from './helpers.ts';

const month = (from: string, to: string) => fc.integer({ min: monthIndex(from), max: monthIndex(to) }).map(formatMonth);
const day = fc.date({ min: new Date('2021-01-01T00:00:00Z'), max: new Date('2024-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const hours = fc.integer({ min: 0, max: 300 });

/** Random profiles in the JSON form people write, optional keys sometimes left out. */
const profileInput = fc.record({
  employerInZone: fc.boolean(),
  employerPrivate: fc.boolean(),
  specialty: fc.constantFrom(...Object.keys(knowledge.params.specialties.value), 'other'),
  nationality: fc.constantFrom(...NATIONALITIES),
  education: fc.constantFrom(...EDUCATIONS),
  educationRelevant: fc.boolean(),
  graduated: month('1985-01', '2023-12'),
  educationOrigin: fc.constantFrom('domestic', 'foreign', 'hk-macau-taiwan'),
  degreeAutoVerified: fc.boolean(),
  workStart: month('1985-01', '2024-06'),
  assistantEngineerSince: fc.option(month('2005-01', '2024-06')),
  technicianSince: fc.option(month('2005-01', '2024-06')),
  achievements: fc.record({
    innovationLead: fc.boolean(),
    inventionPatents: fc.nat(2),
    softwareCopyrights: fc.nat(2),
    utilityModelsFirst: fc.nat(4),
    techHeadYears: fc.double({ min: 0, max: 6, noNaN: true }),
    innovationTeamOrCountyLeader: fc.boolean(),
    governmentAward: fc.boolean(),
  }, { requiredKeys: [] }),
  honour: fc.option(fc.record({ category: fc.integer({ min: 1, max: 10 }), level: fc.constantFrom('national', 'provincial'), issued: day, mainTechLead: fc.boolean() })),
  annualReviewsPassed: fc.boolean(),
  continuingEducation: fc.record({ professional: hours, public: fc.integer({ min: 0, max: 100 }), other: hours }),
  socialInsurance: fc.record({ consistent: fc.boolean(), outOfProvince: fc.boolean() }, { requiredKeys: [] }),
}, { requiredKeys: ['employerInZone', 'employerPrivate', 'specialty', 'nationality', 'education', 'workStart', 'annualReviewsPassed', 'continuingEducation'] });

const profile = profileInput.map((input) => {
  const r = parseProfile(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
});

const clauseIds = z.array(z.string().refine((id) => knowledge.clauseById.has(id), 'unknown clause')).min(1);
/** The assessment shape of RULES.md, strictly: no extra keys, every clause id known. */
const assessmentSchema = z.strictObject({
  eligible: z.boolean(),
  routes: z.array(z.enum(ROUTES)),
  blockers: z.array(z.strictObject({ code: z.enum(BLOCKER_CODES), message: z.string().min(1), clauses: clauseIds })),
  workYears: z.number().int().nonnegative(),
  nearMiss: z.array(z.strictObject({ route: z.enum(ROUTES), short: z.string().regex(/^还差(?:\d+年)?(?:\d+个月)?（\d{4}年\d{1,2}月满）$/), metOn: z.string().regex(/^\d{4}-\d{2}$/) })),
  checklist: z.array(z.strictObject({ item: z.string().min(1), reason: z.string().min(1), clauses: clauseIds })).min(1),
  deadlines: z.array(z.strictObject({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(), what: z.string().min(1), clauses: clauseIds })).min(1),
  notes: z.array(z.string().min(1)).min(2),
});

const run = (p: Profile) => assess(p, knowledge, NOW);
const params = { numRuns: 300 };

describe('properties of assess', () => {
  it('eligible exactly when there is no blocker', () => {
    fc.assert(fc.property(profile, (p) => {
      const a = run(p);
      expect(a.eligible).toBe(a.blockers.length === 0);
      expect(a.blockers.some((b) => b.code === 'no-route')).toBe(a.routes.length === 0);
    }), params);
  });

  it('has the exact shape of RULES.md, and every clause id it cites exists', () => {
    fc.assert(fc.property(profile, (p) => {
      const r = assessmentSchema.safeParse(run(p));
      expect(r.success, r.success ? '' : JSON.stringify(r.error.issues[0])).toBe(true);
    }), params);
  });

  it('routes and blockers keep their order; a near miss is a route that does not hold, met after the cut-off', () => {
    fc.assert(fc.property(profile, (p) => {
      const a = run(p);
      expect(a.routes).toEqual(ROUTES.filter((r) => a.routes.includes(r)));
      expect(a.blockers.map((b) => b.code)).toEqual(BLOCKER_CODES.filter((c) => a.blockers.some((b) => b.code === c)));
      for (const n of a.nearMiss) {
        expect(a.routes).not.toContain(n.route);
        expect(n.metOn > '2023-12').toBe(true);
      }
    }), params);
  });

  it('more years of work (an earlier workStart) never removes a route', () => {
    fc.assert(fc.property(profile, fc.integer({ min: 1, max: 240 }), (p, earlier) => {
      const before = run(p).routes;
      const after = run({ ...p, workStart: formatMonth(monthIndex(p.workStart) - earlier) }).routes;
      for (const r of before) expect(after).toContain(r);
    }), params);
  });

  it('a near miss is met exactly at its metOn: an edition cut off at the end of that month admits the route, one a month earlier does not', () => {
    const cutAt = (m: string) => {
      const next = new Date(Date.UTC(Number(m.slice(0, 4)), Number(m.slice(5, 7)), 0));
      return editionWith((q) => { q.cutoff.value = next.toISOString().slice(0, 10); });
    };
    const seen = new Set<string>();
    fc.assert(fc.property(profile, (p) => {
      for (const n of run(p).nearMiss) {
        seen.add(n.route);
        expect(assess(p, cutAt(n.metOn), NOW).routes).toContain(n.route);
        expect(assess(p, cutAt(formatMonth(monthIndex(n.metOn) - 1)), NOW).routes).not.toContain(n.route);
      }
    }), { numRuns: 150 });
    // The generator reaches every kind of near miss.
    expect([...seen].sort()).toEqual(['assistant-engineer', 'education-years', 'technician', 'two-of-five']);
  });

  it('a parsed profile parses again to itself (defaults are stable)', () => {
    fc.assert(fc.property(profile, (p) => {
      const again = parseProfile(JSON.parse(JSON.stringify(p)));
      expect(again.ok && again.value).toEqual(p);
    }), params);
  });
});

/**
 * Random applicants walk through the interview by `{value}` answers, as the scriptable chat does.
 * The interview's verdict must agree with assess(profile), and every question it asks must be one
 * whose answer could change the verdict or the checklist.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { assess, parseProfile, type Assessment, type Profile, type ProfileInput } from '../../src/rules/index.ts';
import { conversation, AUG, EDITION_2023 } from '../kit.ts';

let bot: Bot;
// The profiles are drawn for the 2023 season (its specialties, months up to its clock): its edition, named.
beforeAll(async () => { bot = await createBot({ edition: EDITION_2023 }); });

const PROFILES = 300;
const NOW = new Date(AUG);

/** Months up to the bot's clock (answers in the future are refused). */
const month = fc.record({ y: fc.integer({ min: 1988, max: 2023 }), m: fc.integer({ min: 1, max: 12 }) })
  .map(({ y, m }) => `${y}-${String(y === 2023 ? Math.min(m, 7) : m).padStart(2, '0')}`);
const day = fc.record({ y: fc.integer({ min: 2021, max: 2023 }), m: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 28 }) })
  .map(({ y, m, d }) => `${y}-${String(y === 2023 ? Math.min(m, 7) : m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
const mostly = (p: number) => fc.integer({ min: 1, max: 100 }).map((n) => n <= p);

/** Applicants roughly as they come: most meet the prerequisites, education and careers vary. */
const applicant: fc.Arbitrary<ProfileInput> = fc.record({
  employerInZone: mostly(92),
  employerPrivate: mostly(92),
  specialty: fc.constantFrom('petrochemical', 'pharmaceutical', 'materials', 'light-textile', 'petrochemical', 'other'),
  nationality: fc.constantFrom('mainland', 'mainland', 'mainland', 'mainland', 'hk-macau-taiwan', 'foreign-permanent-resident', 'foreign-talent-permit', 'foreign-other'),
  education: fc.constantFrom('doctorate', 'master', 'bachelor', 'bachelor', 'college', 'college', 'secondary', 'tech-intermediate', 'tech-advanced', 'tech-technician', 'none'),
  educationRelevant: mostly(80),
  graduated: fc.option(month, { nil: undefined }),
  educationOrigin: fc.constantFrom('domestic', 'domestic', 'domestic', 'foreign', 'hk-macau-taiwan'),
  degreeAutoVerified: mostly(85),
  workStart: month,
  assistantEngineerSince: fc.option(month, { nil: null }),
  technicianSince: fc.option(month, { nil: null, freq: 3 }),
  achievements: fc.record({
    innovationLead: mostly(20),
    inventionPatents: fc.integer({ min: 0, max: 2 }),
    softwareCopyrights: fc.integer({ min: 0, max: 1 }),
    utilityModelsFirst: fc.integer({ min: 0, max: 4 }),
    techHeadYears: fc.constantFrom(0, 0, 1, 2.5, 3, 5),
    innovationTeamOrCountyLeader: mostly(10),
    governmentAward: mostly(15),
  }),
  honour: fc.option(fc.record({ category: fc.integer({ min: 1, max: 8 }), level: fc.constantFrom('national', 'provincial'), issued: day, mainTechLead: mostly(70) }), { nil: null, freq: 2 }),
  annualReviewsPassed: mostly(92),
  continuingEducation: fc.record({ professional: fc.integer({ min: 150, max: 260 }), public: fc.integer({ min: 40, max: 90 }), other: fc.integer({ min: 0, max: 60 }) }),
  socialInsurance: fc.record({ consistent: mostly(85), outOfProvince: mostly(15) }),
}).map((p) => (
  // 技工院校 certificates are domestic, and "no education" has no place of study.
  p.education.startsWith('tech-') || p.education === 'none' ? { ...p, educationOrigin: 'domestic' as const } : p
)) as fc.Arbitrary<ProfileInput>;

function valid(input: ProfileInput): Profile {
  const r = parseProfile(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

/** The profile's answer to a field the interview asks for (undefined: skip it). */
function answerFor(p: Profile, field: string): unknown {
  if (field === 'honour.category') return p.honour ? String(p.honour.category) : 'none';
  const [head, sub] = field.split('.') as [keyof Profile, string | undefined];
  const v = p[head] as unknown;
  return sub === undefined ? v : (v as Record<string, unknown> | null)?.[sub];
}

interface Run { assessment: Assessment; asked: { field: string; before: Record<string, unknown> }[] }

/** Drives one interview with the profile's answers; confirms the review; returns the verdict. */
function interview(p: Profile): Run {
  const c = conversation(bot);
  let r = c.action('interview:start');
  const asked: Run['asked'] = [];
  for (let guard = 0; r.ask && guard < 40; guard++) {
    asked.push({ field: r.ask.field, before: { ...c.session.interview!.answers } });
    const v = answerFor(p, r.ask.field);
    r = v === undefined ? c.action('interview:skip') : c.value(v);
  }
  expect(r.ask, 'the interview did not reach its review').toBeNull();
  const verdict = c.action('interview:confirm');
  return { assessment: verdict.assessment!, asked };
}

/** What the verdict and checklist say, for comparing two assessments. */
function gist(a: Assessment) {
  return { eligible: a.eligible, route: a.routes[0] ?? null, blockers: a.blockers.map((b) => b.code).sort(), checklist: a.checklist.map((c) => c.item) };
}

describe('random applicants through the interview', () => {
  const profiles = fc.sample(applicant, { seed: 20231, numRuns: PROFILES }).map(valid);
  const runs: { p: Profile; run: Run }[] = [];

  it(`agrees with assess(profile) on ${PROFILES} profiles`, () => {
    let fixable = 0;
    for (const p of profiles) {
      const run = interview(p);
      runs.push({ p, run });
      const full = assess(p, bot.knowledge, NOW);
      const got = run.assessment;
      const where = JSON.stringify(p);
      expect(got.eligible, where).toBe(full.eligible);
      if (full.eligible) {
        expect(got.routes[0], where).toBe(full.routes[0]);
        expect(got.workYears, where).toBe(full.workYears);
        expect(got.checklist, where).toEqual(full.checklist);
        expect(got.blockers, where).toEqual([]);
      } else {
        expect(got.blockers.length, where).toBeGreaterThan(0);
        // Only hours short, which can still be studied: the check goes on and names the same routes.
        if (full.blockers.every((b) => b.code === 'continuing-education')) {
          expect(got.routes[0], where).toBe(full.routes[0]);
          expect(got.checklist, where).toEqual(full.checklist);
          fixable++;
        }
        for (const b of got.blockers) {
          const same = full.blockers.find((x) => x.code === b.code);
          expect(same, `${where}: ${b.code}`).toBeDefined();
          if (b.code !== 'no-route') expect(b.message, where).toBe(same!.message);
        }
      }
    }
    const counts = runs.map((r) => r.run.asked.length);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const eligible = runs.filter((r) => r.run.assessment.eligible);
    const meanEligible = eligible.reduce((a, r) => a + r.run.asked.length, 0) / Math.max(1, eligible.length);
    console.log(`interview: ${PROFILES} profiles, ${eligible.length} eligible, ${fixable} short of hours only; mean questions ${mean.toFixed(2)} (eligible ${meanEligible.toFixed(2)}), max ${Math.max(...counts)}`);
    expect(mean).toBeLessThanOrEqual(12);
    expect(meanEligible).toBeLessThanOrEqual(12.3);
    expect(fixable, 'no profile was short of hours only').toBeGreaterThan(0);
  });

  it('asks no question whose answer could change neither the verdict nor the checklist', () => {
    // For each question asked, some answer must change the outcome for some applicant who had
    // given the same answers so far (sampled completions of the profile).
    const completions = fc.sample(applicant, { seed: 7, numRuns: 40 }).map(valid);
    const candidates = (field: string, p: Profile): unknown[] => {
      const v = answerFor(p, field);
      if (typeof v === 'boolean') return [true, false];
      if (field === 'honour.category') return ['none', 1, 6];
      if (field === 'honour.level') return ['national', 'provincial'];
      if (field === 'honour.issued') return ['2022-06-30', '2023-01-15'];
      if (field === 'continuingEducation') return [{ professional: 0, public: 0, other: 0 }, { professional: 300, public: 100, other: 0 }];
      if (field.startsWith('achievements.')) return [0, 1, 3, 10];
      if (['workStart', 'assistantEngineerSince', 'technicianSince', 'graduated'].includes(field)) return [null, '1995-01', '2010-01', '2019-01', '2021-06'];
      if (field === 'specialty') return ['petrochemical', 'other'];
      if (field === 'nationality') return ['mainland', 'foreign-other'];
      if (field === 'education') return ['doctorate', 'bachelor', 'college', 'secondary', 'none', 'tech-advanced'];
      if (field === 'educationOrigin') return ['domestic', 'foreign', 'hk-macau-taiwan'];
      return [v];
    };
    const set = (p: Profile, field: string, value: unknown): Profile | null => {
      const input = JSON.parse(JSON.stringify(p)) as Record<string, unknown>;
      if (field.startsWith('honour.')) {
        const sub = field.slice(7);
        if (sub === 'category') input.honour = value === 'none' ? null : { category: value, level: 'national', issued: '2023-01-15', mainTechLead: true, ...(p.honour ? { level: p.honour.level, issued: p.honour.issued, mainTechLead: p.honour.mainTechLead } : {}) };
        else input.honour = { ...(p.honour ?? { category: 1, level: 'national', issued: '2023-01-15', mainTechLead: true }), [sub]: value };
      } else {
        const [head, sub] = field.split('.') as [string, string | undefined];
        if (sub === undefined) { if (value === null && (head === 'workStart' || head === 'graduated')) return null; input[head] = value; }
        else input[head] = { ...(input[head] as object), [sub]: value };
      }
      if (input.graduated === null) delete input.graduated;
      const r = parseProfile(input);
      return r.ok ? r.value : null;
    };
    const useless: string[] = [];
    for (const { run } of runs) {
      for (const q of run.asked) {
        const matters = completions.some((base) => {
          // A completion that agrees with everything answered before this question.
          let p: Profile | null = base;
          for (const [field, value] of Object.entries(q.before)) {
            if (field === 'honour') { p = p && set(p, 'honour.category', 'none'); continue; }
            p = p && set(p, field, field === 'honour.category' ? value : value);
          }
          if (!p) return false;
          const outcomes = candidates(q.field, p).map((v) => set(p!, q.field, v)).filter((x): x is Profile => x !== null)
            .map((x) => JSON.stringify(gist(assess(x, bot.knowledge, NOW))));
          return new Set(outcomes).size > 1;
        });
        if (!matters) useless.push(`${q.field} after ${JSON.stringify(q.before)}`);
      }
    }
    expect(useless.slice(0, 5), `${useless.length} questions`).toEqual([]);
  });
});

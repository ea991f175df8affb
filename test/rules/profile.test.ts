import { describe, expect, it } from 'vitest';
import { EXPECTED_FORM, parseProfile, parseProfiles } from '../../src/rules/index.ts';
import { BASE } from './helpers.ts';

/** Sets a dotted path in a copy of the base profile. */
function withField(path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(BASE) as Record<string, unknown>;
  const [head, tail] = path.split('.') as [string, string | undefined];
  if (tail === undefined) copy[head] = value;
  else copy[head] = { ...(head === 'honour' ? { category: 1, level: 'national', issued: '2023-01-15', mainTechLead: true } : {}), ...(copy[head] as object | undefined), [tail]: value };
  return copy;
}

describe('profile contract', () => {
  it('fills every default listed in RULES.md', () => {
    const r = parseProfile(BASE);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      educationRelevant: true, educationOrigin: 'domestic', degreeAutoVerified: true,
      assistantEngineerSince: null, technicianSince: null, honour: null,
      achievements: { innovationLead: false, inventionPatents: 0, softwareCopyrights: 0, utilityModelsFirst: 0, techHeadYears: 0, innovationTeamOrCountyLeader: false, governmentAward: false },
      socialInsurance: { consistent: true, outOfProvince: false },
    });
    expect(r.value.graduated).toBe('2018-06');
  });

  it('a partly given nested object keeps defaults for the rest', () => {
    const r = parseProfile({ ...BASE, socialInsurance: { outOfProvince: true }, achievements: { inventionPatents: 2 } });
    expect(r.ok && r.value.socialInsurance).toEqual({ consistent: true, outOfProvince: true });
    expect(r.ok && r.value.achievements.inventionPatents).toBe(2);
  });

  it('rejects an unknown key, naming it', () => {
    const r = parseProfile({ ...BASE, salary: 1 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toMatch(/^profile\.salary: unknown field; expected a known field: employerInZone, /);
    const nested = parseProfile({ ...BASE, achievements: { patents: 1 } });
    if (!nested.ok) expect(nested.error.message).toMatch(/^profile\.achievements\.patents: unknown field/);
    else expect.fail('unknown nested key accepted');
  });

  it.each([
    ['workStart', '2018/07', 'profile.workStart: expected a month YYYY-MM, e.g. 2018-07, got "2018/07"'],
    ['workStart', '2018-13', 'profile.workStart: expected a month YYYY-MM, e.g. 2018-07, got "2018-13"'],
    ['workStart', undefined, 'profile.workStart: expected a month YYYY-MM, e.g. 2018-07, got nothing (the field is missing)'],
    ['education', 'phd', 'profile.education: expected one of doctorate, master, bachelor, college, secondary, tech-intermediate, tech-advanced, tech-technician, none, got "phd"'],
    ['achievements.inventionPatents', 1.5, 'profile.achievements.inventionPatents: expected an integer >= 0, got 1.5'],
    ['achievements.utilityModelsFirst', -1, 'profile.achievements.utilityModelsFirst: expected an integer >= 0, got -1'],
    ['honour.issued', '2023-02-30', 'profile.honour.issued: expected a date YYYY-MM-DD, e.g. 2023-03-15, got "2023-02-30"'],
    ['honour.category', 0, 'profile.honour.category: expected the row number in 附件4, an integer >= 1, got 0'],
    ['continuingEducation.public', -5, 'profile.continuingEducation.public: expected a number of hours >= 0, got -5'],
    ['annualReviewsPassed', 'yes', 'profile.annualReviewsPassed: expected true or false, got "yes"'],
  ])('%s = %j → one line naming the field', (path, value, message) => {
    const input = withField(path, value);
    if (value === undefined) delete input[path];
    const r = parseProfile(input);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toBe(message);
  });

  it('every field has an expected form, and a wrong value is reported with it', () => {
    for (const [path, form] of Object.entries(EXPECTED_FORM)) {
      const r = parseProfile(withField(path, []));
      expect(r.ok, path).toBe(false);
      if (!r.ok) expect(r.error.message, path).toBe(`profile.${path}: expected ${form}, got []`);
    }
  });

  it('a misspelt key is reported as unknown rather than as the missing one', () => {
    const { workStart, ...rest } = BASE;
    const r = parseProfile({ ...rest, workstart: workStart });
    expect(!r.ok && r.error.message).toMatch(/^profile\.workstart: unknown field/);
  });

  it('is not an object → says what is expected', () => {
    for (const bad of [null, 5, 'x', [BASE]]) {
      const r = parseProfile(bad);
      expect(!r.ok && r.error.message).toMatch(/^profile: expected a JSON object with the profile fields, got /);
    }
  });

  it('names the element of an array', () => {
    const r = parseProfiles([BASE, BASE, { ...BASE, workStart: '2018-7' }]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.index).toBe(2);
      expect(r.error.message).toBe('profile[2].workStart: expected a month YYYY-MM, e.g. 2018-07, got "2018-7"');
    }
  });

  it('allows null for the optional dated titles and the honour', () => {
    expect(parseProfile({ ...BASE, assistantEngineerSince: null, technicianSince: null, honour: null }).ok).toBe(true);
  });
});

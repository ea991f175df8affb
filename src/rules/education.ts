/**
 * Education levels as the rules compare them. 技工院校 certificates count as the plain level the
 * edition says (二: 中级工班 → 中专, 高级工班 → 大专, 预备技师（技师）班 → 本科).
 */
import type { Parameters } from '../knowledge/schema.ts';
import type { Education } from './profile.ts';

/** An education level without the 技工院校 kinds. */
export type PlainEducation = 'doctorate' | 'master' | 'bachelor' | 'college' | 'secondary' | 'none';

// The order of levels is a fact of the education system, not of the notice.
const RANK: Record<PlainEducation, number> = { none: 0, secondary: 1, college: 2, bachelor: 3, master: 4, doctorate: 5 };

/** True for the 技工院校 kinds. */
export function isTechSchool(education: Education): education is 'tech-intermediate' | 'tech-advanced' | 'tech-technician' {
  return education.startsWith('tech-');
}

/** The plain level an education counts as, by the edition's 技工院校 equivalences. */
export function plainEducation(education: Education, params: Parameters): PlainEducation {
  return isTechSchool(education) ? params.techSchoolEquivalence.value[education] : education;
}

/** True when level `a` is `b` or higher. */
export function atLeast(a: PlainEducation, b: PlainEducation): boolean {
  return RANK[a] >= RANK[b];
}

/** The lowest of some levels (the threshold a list of admitted levels sets). */
export function lowest(levels: readonly PlainEducation[]): PlainEducation {
  return levels.reduce((lo, e) => (RANK[e] < RANK[lo] ? e : lo), levels[0] ?? 'none');
}

/**
 * The "规定学历" of 二.5: the lowest level that 二.1 gives a number of years for (大专 in 2023).
 * An applicant below it "不具备规定学历".
 */
export function prescribedEducation(params: Parameters): PlainEducation {
  return lowest(Object.keys(params.educationWorkYears.value) as PlainEducation[]);
}

/** The years of professional work 二.1 requires for an education, before the mismatch year; null when 二.1 has none. */
export function educationWorkYears(education: Education, params: Parameters): number | null {
  const plain = plainEducation(education, params);
  if (plain === 'none') return null;
  return params.educationWorkYears.value[plain] ?? null;
}

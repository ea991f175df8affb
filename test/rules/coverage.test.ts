/** Every clause of sections 一, 二 and 三 is cited by some rule or checklist item; every cited id exists. */
import { describe, expect, it } from 'vitest';
import { ruleClauses } from '../../src/rules/index.ts';
import { SAMPLE_ROWS, type PersonalRow } from '../../src/rules/checklist.ts';
import { baseChecklist, deadlines, personalEntry } from '../../src/rules/wording.ts';
import { knowledge } from './helpers.ts';

const SECTIONS_1_TO_3 = [
  's1', 's2', 's2-tech-school', 's2-1', 's2-2', 's2-3', 's2-4', 's2-4-1', 's2-4-2', 's2-4-3', 's2-4-4', 's2-4-5', 's2-5',
  's3-1', 's3-2', 's3-3', 's3-4',
];

const params = knowledge.params;
const checklistClauses = [...baseChecklist(knowledge), ...SAMPLE_ROWS.map((r) => personalEntry(r, knowledge))].flatMap((c) => c.clauses);
const cited = new Set([...ruleClauses(params), ...checklistClauses]);

describe('clause coverage', () => {
  it('the list above is every clause of sections 一, 二 and 三 in the knowledge', () => {
    expect(knowledge.clauses.map((c) => c.id).filter((id) => /^s[123](-|$)/.test(id))).toEqual(SECTIONS_1_TO_3);
  });

  it.each(SECTIONS_1_TO_3)('%s is cited', (id) => {
    expect(cited.has(id)).toBe(true);
  });

  it('every clause a rule, checklist item or deadline cites exists', () => {
    for (const id of [...cited, ...deadlines(knowledge).flatMap((d) => d.clauses)]) expect(knowledge.clauseById.has(id), id).toBe(true);
  });

  it('the sample rows cover every kind of personal row', () => {
    const kinds: Record<PersonalRow['kind'], true> = {
      'degree-before-auto': true, 'degree-year-unknown': true, 'degree-not-extracted': true, 'foreign-degree': true,
      'hmt-degree': true, 'insurance-out-of-province': true, 'insurance-inconsistent': true, 'technician-route': true,
      'exceptional-route': true, 'tech-school': true, 'foreign-id': true,
    };
    expect(new Set(SAMPLE_ROWS.map((r) => r.kind))).toEqual(new Set(Object.keys(kinds)));
  });
});

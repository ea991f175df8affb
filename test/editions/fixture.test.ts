/**
 * The synthetic 2024 edition (test/fixtures/editions/2024/) loads by data only, and differs from
 * 2023 where the issue says a next year's notice would: every changed fact is in its clauses and
 * its FAQ, none of 2023's is left behind.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editionChoices, interviewFlowSchema } from '../../src/interview/flow.ts';
import { parseDataFile } from '../../src/core/data-file.ts';
import { projectPath } from '../../src/core/paths.ts';
import { editionFiles, editionKnowledge, EDITIONS } from '../editions.ts';

const k23 = editionKnowledge('2023');
const k24 = editionKnowledge('2024');
const flows = (name: string) => readFileSync(projectPath('flows', name), 'utf8');

describe('the 2024 fixture edition', () => {
  it('loads through the loader, a year after 2023', () => {
    expect(k24.edition).toBe('2024');
    expect(Number(k24.notice.issued.slice(0, 4))).toBe(Number(k23.notice.issued.slice(0, 4)) + 1);
    for (const p of ['cutoff', 'individualDeadline', 'unitDeadline'] as const) {
      expect(Number(k24.params[p].value.slice(0, 4)), p).toBe(Number(k23.params[p].value.slice(0, 4)) + 1);
    }
    const shifted = (a: { fromYear: number; toYear: number }) => [a.fromYear + 1, a.toYear + 1];
    expect([k24.params.annualReview.value.fromYear, k24.params.annualReview.value.toYear]).toEqual(shifted(k23.params.annualReview.value));
    expect([k24.params.continuingEducation.value.fromYear, k24.params.continuingEducation.value.toYear]).toEqual(shifted(k23.params.continuingEducation.value));
  });

  it('changes the facts the issue names: hours, a fifth specialty, a ninth 附件4 row, a quota, the address', () => {
    const ce23 = k23.params.continuingEducation.value;
    const ce24 = k24.params.continuingEducation.value;
    expect(ce24.total).not.toBe(ce23.total);
    expect(ce24.professional).not.toBe(ce23.professional);
    expect(ce24.public).not.toBe(ce23.public);
    const s23 = Object.keys(k23.params.specialties.value);
    const s24 = Object.keys(k24.params.specialties.value);
    expect(s24).toEqual(expect.arrayContaining(s23));
    expect(s24.length).toBe(s23.length + 1);
    expect(k24.params.honourCategories.value).toBe(k23.params.honourCategories.value + 1);
    expect(k24.params.honourQuota.value).not.toEqual(k23.params.honourQuota.value);
    expect(k24.params.paperAddress.value).not.toBe(k23.params.paperAddress.value);
  });

  it('leaves none of 2023\'s changed facts in its clauses, FAQ or English answers', () => {
    const range = (a: { fromYear: number; toYear: number }) => `${a.fromYear}—${a.toYear}`;
    const fresh = [range(k24.params.annualReview.value), range(k24.params.continuingEducation.value)];
    const stale = [
      `${k23.params.continuingEducation.value.total}学时`, `${k23.params.continuingEducation.value.total} hours`,
      `不超过${k23.params.honourQuota.value.national}人`, `up to ${k23.params.honourQuota.value.national} people`,
      k23.params.paperAddress.value.replace(/^杭州湾上虞经济技术开发区/, ''),
      range(k23.params.annualReview.value), range(k23.params.continuingEducation.value),
      k23.params.individualDeadline.value, k23.params.unitDeadline.value, k23.params.cutoff.value,
    ].filter((s) => !fresh.includes(s));
    const texts = [...k24.clauses.map((c) => c.text), ...k24.faq.flatMap((f) => [f.answer, f.answerEn ?? ''])];
    for (const s of stale) expect(texts.filter((t) => t.includes(s)), s).toEqual([]);
  });

  it('keeps the wording of its own (synthetic) notice text: each clause sentence occurs in the source', () => {
    const squash = (s: string) => s.replace(/[\s（）()“”"<>]/g, '');
    const source = squash(readFileSync(path.resolve(projectPath(), k24.notice.source), 'utf8'));
    const restated = new Set(['a4', 'a5', 'annexes', 'a1-2-3', 'a2-1-1', 'a3-1', 'a1-2-5']);
    for (const c of k24.clauses.filter((c) => !restated.has(c.id))) {
      for (const sentence of c.text.split(/[。；]/).map(squash).filter((s) => s.length > 6)) {
        expect(source.includes(sentence), `${c.id}: ${sentence}`).toBe(true);
      }
    }
  });

  it.each(EDITIONS)('%s: the interview offers the edition\'s specialties and 附件4 rows, "other" and "none" last', (edition) => {
    const k = editionKnowledge(edition);
    // The option sets alone: the whole interview of 2024 loads once interview-texts.yaml states no year (see bot.test.ts).
    const { optionSets } = parseDataFile('flows/interview.yaml', flows('interview.yaml'), interviewFlowSchema);
    const specialty = editionChoices(optionSets.specialty!, k);
    expect(specialty.map((o) => o.value)).toEqual([...Object.keys(k.params.specialties.value), 'other']);
    expect(specialty.slice(0, -1).map((o) => o.label)).toEqual(Object.values(k.params.specialties.value));
    const honour = editionChoices(optionSets.honourCategory!, k);
    expect(honour.length).toBe(k.params.honourCategories.value + 1);
    expect(honour.at(-2)!.value).toBe(String(k.params.honourCategories.value));
    expect(honour.at(-1)!.value).toBe('none');
    expect(honour.slice(0, -1).map((o) => o.label)).toEqual(k.choices.honourCategories.map((row, i) => `${i + 1} ${row.label}`));
    // No word answers two choices: a word the edition gives a specialty leaves "other".
    const words = specialty.flatMap((o) => o.words);
    expect(new Set(words).size).toBe(words.length);
  });

  it('does not read a word of the fifth specialty as "other" in 2024, and still does in 2023', () => {
    const added = Object.keys(k24.params.specialties.value).find((s) => !Object.hasOwn(k23.params.specialties.value, s))!;
    const word = k24.params.specialties.value[added as keyof typeof k24.params.specialties.value] as string;
    expect(k24.lexicon.fields.find(word)[0]?.label).toBe(added);
    expect(k23.lexicon.fields.find(word)[0]?.label).toBe('other');
  });

  it('is built from knowledge/\'s shared files and the fixture folder only', () => {
    const files = editionFiles('2024');
    expect(Object.keys(files).filter((n) => n.startsWith('2024/')).length).toBeGreaterThanOrEqual(7);
    expect(files['editions.yaml']).toContain('current: "2024"');
  });
});

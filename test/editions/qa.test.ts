/**
 * Question answering on both editions: the facts that changed from 2023 to 2024 are answered
 * from the edition served (hours, address, specialties, quota, deadlines, the rows of 附件4), in
 * Chinese and in English. What each answer must contain is read from the edition's parameters.
 */
import { describe, expect, it } from 'vitest';
import { EVAL_DAYS_BEFORE, evalNow } from '../../src/bot/eval.ts';
import { answerQuestion, type Answer } from '../../src/qa/answer.ts';
import { buildIndex } from '../../src/qa/search.ts';
import { jiebaSegmenter } from '../../src/text/segmenter.ts';
import { editionKnowledge, EDITIONS } from '../editions.ts';

const cn = (iso: string) => `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
const en = (iso: string) => new Date(`${iso}T00:00:00Z`).toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });

describe.each(EDITIONS)('questions answered from the %s edition', (edition) => {
  const k = editionKnowledge(edition);
  const p = k.params;
  const index = buildIndex(k, jiebaSegmenter('mini', k.userWords), false);
  const ask = (q: string): Extract<Answer, { kind: 'answer' }> => {
    const a = answerQuestion(q, k, index);
    expect(a.kind, q).toBe('answer');
    return a as Extract<Answer, { kind: 'answer' }>;
  };
  const entry = (a: Extract<Answer, { kind: 'answer' }>) => k.faqById.get(a.id)!;
  const other = editionKnowledge(EDITIONS.find((e) => e !== edition)!).params;

  it('the eval\'s default clock stands inside this edition\'s season', () => {
    const now = Date.parse(evalNow(k));
    expect(now).toBeGreaterThan(Date.parse(`${k.notice.issued}T00:00:00+08:00`));
    expect(Math.round((Date.parse(`${p.individualDeadline.value}T09:00:00+08:00`) - now) / 86_400_000)).toBe(EVAL_DAYS_BEFORE);
  });

  it('continuing education: this edition\'s total, parts and years', () => {
    const ce = p.continuingEducation.value;
    const a = ask('继续教育一共要多少学时');
    for (const s of [`${ce.total}学时`, `${ce.professional}学时`, `${ce.public}学时`]) expect(a.text, s).toContain(s);
    expect(a.text).not.toContain(`${other.continuingEducation.value.total}学时`);
    const years = ask('继续教育学时统计哪几年的');
    expect(years.text).toContain(`${ce.fromYear}—${ce.toYear}`);
    expect(entry(ask('How many hours of continuing education do I need?')).answerEn).toContain(`${ce.total} hours`);
  });

  it('paper materials: this edition\'s address', () => {
    const a = ask('纸质材料送到哪里');
    expect(a.text).toContain(p.paperAddress.value.replace(/^杭州湾上虞经济技术开发区/, ''));
    expect(a.text).not.toContain(other.paperAddress.value.replace(/^杭州湾上虞经济技术开发区/, ''));
  });

  it('specialties: every one this edition covers, and a field only the other edition covers is told so', () => {
    const a = ask('这次可以评哪些专业');
    expect(a.id).toBe('specialties-covered');
    for (const label of Object.values(p.specialties.value)) expect(a.text, label).toContain(label);
    const onlyOther = Object.entries(other.specialties.value).filter(([id]) => !Object.hasOwn(p.specialties.value, id));
    for (const [, label] of onlyOther) expect(a.text).not.toContain(label);
    expect(ask('电子专业能评吗').id).toBe(Object.values(p.specialties.value).some((l) => l.startsWith('电子')) ? 'specialties-covered' : 'other-specialty');
  });

  it('破格 quota: this edition\'s numbers', () => {
    const a = ask('国家级荣誉企业能推荐几个人破格');
    expect(a.text).toContain(`不超过${p.honourQuota.value.national}人`);
    expect(a.text).toContain(`不超过${p.honourQuota.value.provincial}人`);
  });

  it('附件4: this edition\'s number of rows, the last row named', () => {
    const a = ask('附件4荣誉项目清单有哪些');
    expect(a.text).toContain(`共${p.honourCategories.value}类`);
    const lastRow = k.clauseById.get(k.choices.honourCategories.at(-1)!.clause)!.text.replace(/。$/, '');
    expect(a.text).toContain(lastRow.slice(-4));
  });

  it('deadlines: this edition\'s dates, in Chinese and English', () => {
    const a = ask('个人申报什么时候截止');
    expect(a.text).toContain(cn(p.individualDeadline.value));
    expect(a.text).toContain(cn(p.unitDeadline.value));
    expect(entry(a).answerEn).toContain(en(p.individualDeadline.value));
    expect(ask('年限计算截止到哪天').text).toContain(cn(p.cutoff.value));
  });

  it('annual review: this edition\'s years', () => {
    const { fromYear, toYear } = p.annualReview.value;
    expect(ask('年度考核要看哪几年').text).toContain(`${fromYear}—${toYear}`);
  });
});

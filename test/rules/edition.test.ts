/**
 * Every number and sentence comes from the edition: a test edition built as data (a changed copy
 * of the 2023 parameters or wording) changes the results, with no change of code.
 */
import { describe, expect, it } from 'vitest';
import { editionWith, HONOUR, knowledge, run } from './helpers.ts';

describe('a differing edition changes the results without code change', () => {
  it('本科 4 years instead of 5', () => {
    const four = editionWith((p) => { p.educationWorkYears.value.bachelor = 4; });
    expect(run({ workStart: '2020-01' }).routes).toEqual([]);
    expect(run({ workStart: '2020-01' }, four).routes).toEqual(['education-years']);
    expect(run({ workStart: '2021-01' }, four).blockers[0]!.message).toContain('本科需从事专业工作满4年');
  });

  it('cut-off 2024-12-31: one more year of work, and the honour window moves with it', () => {
    const later = editionWith((p) => { p.cutoff.value = '2024-12-31'; });
    expect(run({ workStart: '2020-01' }).workYears).toBe(4);
    expect(run({ workStart: '2020-01' }, later).workYears).toBe(5);
    expect(run({ workStart: '2020-01' }, later).routes).toEqual(['education-years']);
    const honour = { education: 'secondary', workStart: '2020-01', honour: { ...HONOUR, issued: '2024-03-01' } };
    expect(run(honour).routes).toEqual([]);
    expect(run(honour, later).routes).toEqual(['exceptional']);
    expect(run({ workStart: '2021-02' }, later).blockers[0]!.message).toContain('截至2024年12月31日你满3年，还差1年1个月（2026年1月满）');
  });

  it('another honour window (calendar year)', () => {
    const calendar = editionWith((p) => { p.honourWindow.value = { from: '01-01', to: '12-31', validityYears: 1 }; });
    const at = (issued: string) => run({ education: 'secondary', honour: { ...HONOUR, issued } }, calendar).routes;
    expect(at('2022-12-31')).toEqual([]);
    expect(at('2023-01-01')).toEqual(['exceptional']);
    expect(at('2023-07-15')).toEqual(['exceptional']);
    expect(run({ education: 'secondary', honour: { ...HONOUR, issued: '2023-07-15' } }).routes).toEqual([]);
  });

  it('other mismatch year, 技工院校 equivalence, hours, nationality list and deadlines', () => {
    const other = editionWith((p) => {
      p.mismatchExtraYears.value = 2;
      p.techSchoolEquivalence.value['tech-advanced'] = 'bachelor';
      p.continuingEducation.value.total = 300;
      p.nationalitiesCovered.value = ['mainland'];
      p.individualDeadline.value = '2024-09-06';
      p.honourCategories.value = 9;
      p.twoOfFive.value.itemsRequired = 1;
    });
    expect(run({ educationRelevant: false, workStart: '2018-01' }).routes).toContain('education-years');
    expect(run({ educationRelevant: false, workStart: '2018-01' }, other).routes).not.toContain('education-years');
    expect(run({ education: 'tech-advanced', workStart: '2019-01' }, other).routes).toContain('education-years');
    expect(run({}, other).blockers.map((b) => b.code)).toEqual(['continuing-education']);
    expect(run({}, other).blockers[0]!.message).toContain('不少于300学时');
    expect(run({}, other).blockers[0]!.message).toContain('总学时还差20学时');
    expect(run({ nationality: 'hk-macau-taiwan' }, other).blockers.map((b) => b.code)).toContain('nationality-not-covered');
    expect(run({}, other).deadlines[0]!.date).toBe('2024-09-06');
    expect(run({ education: 'secondary', honour: { ...HONOUR, category: 9 } }, other).routes).toEqual(['exceptional']);
    expect(run({ education: 'secondary', achievements: { governmentAward: true } }, other).routes).toEqual(['two-of-five']);
  });

  it('the sentences come from the edition\'s wording: a changed wording.yaml is what the rules say', () => {
    const worded = { params: knowledge.params, wording: structuredClone(knowledge.wording) };
    worded.wording.routes['education-years'].text = '二.1 学历加年限';
    worded.wording.names.continuingEducationPlatform.text = '某市继续教育平台';
    worded.wording.blockers['annual-review'].text = '近{recentYears}年（{fromYear}至{toYear}）须“{minGrade}”';
    worded.wording.checklist = worded.wording.checklist.filter((e) => e.id !== 'fee');
    worded.wording.deadlines.unit.what = '单位推荐截止';
    worded.wording.personal['insurance-out-of-province'].item = '外省社保{years}年证明';
    expect(run({}).notes[0]).toBe('符合申报条件，可按二.1 学历与专业工作年限申报。');
    expect(run({}, worded).notes[0]).toBe('符合申报条件，可按二.1 学历加年限申报。');
    expect(run({ continuingEducation: { professional: 0, public: 0, other: 0 } }, worded).blockers[0]!.message).toContain('可在某市继续教育平台学习');
    expect(run({ annualReviewsPassed: false }, worded).blockers[0]!.message).toBe('近3年（2020至2022）须“合格”');
    expect(run({}, worded).checklist.length).toBe(run({}).checklist.length - 1);
    expect(run({}, worded).deadlines[1]!.what).toBe('单位推荐截止');
    expect(run({ socialInsurance: { consistent: true, outOfProvince: true } }, worded).checklist.at(-1)!.item).toBe('外省社保3年证明');
  });

  it('the clone left the loaded knowledge alone', () => {
    expect(knowledge.params.educationWorkYears.value.bachelor).toBe(5);
    expect(knowledge.params.cutoff.value).toBe('2023-12-31');
  });
});

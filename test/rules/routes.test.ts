import { describe, expect, it } from 'vitest';
import { HONOUR, run } from './helpers.ts';

/** Someone with no route 1 (中专) and none of the other routes, unless the test adds one. */
const NOTHING = { education: 'secondary', workStart: '2020-01' };

describe('二.1 education-years', () => {
  it.each([
    ['doctorate', '2022-01', true], ['doctorate', '2022-02', false],
    ['master', '2022-01', true], ['master', '2022-02', false],
    ['bachelor', '2019-01', true], ['bachelor', '2019-02', false],
    ['college', '2017-01', true], ['college', '2017-02', false],
  ])('%s since %s → %s', (education, workStart, holds) => {
    const a = run({ education, workStart });
    expect(a.routes.includes('education-years')).toBe(holds);
  });

  it('the boundary month: work since 2019-01 is 5 full years, since 2019-02 is 4', () => {
    expect(run({ workStart: '2019-01' }).workYears).toBe(5);
    expect(run({ workStart: '2019-02' }).workYears).toBe(4);
  });

  it.each(['secondary', 'tech-intermediate', 'none'])('no route 1 for %s, however long the work', (education) => {
    expect(run({ education, workStart: '1995-01' }).routes).not.toContain('education-years');
  });

  it('the mismatch year: 本科 needs 6 years when the education is not relevant', () => {
    expect(run({ educationRelevant: false, workStart: '2019-01' }).routes).not.toContain('education-years');
    expect(run({ educationRelevant: false, workStart: '2018-01' }).routes).toContain('education-years');
    expect(run({ education: 'master', educationRelevant: false, workStart: '2021-01' }).routes).toContain('education-years');
    expect(run({ education: 'master', educationRelevant: false, workStart: '2021-02' }).routes).not.toContain('education-years');
  });
});

describe('技工院校 equivalences (二, from params.techSchoolEquivalence)', () => {
  it('预备技师（技师）班 counts as 本科: 5 years', () => {
    expect(run({ education: 'tech-technician', workStart: '2019-01' }).routes).toContain('education-years');
    expect(run({ education: 'tech-technician', workStart: '2019-02' }).routes).not.toContain('education-years');
  });
  it('高级工班 counts as 大专: 7 years, and admits route 2', () => {
    expect(run({ education: 'tech-advanced', workStart: '2019-01' }).routes).not.toContain('education-years');
    expect(run({ education: 'tech-advanced', workStart: '2017-01' }).routes).toContain('education-years');
    expect(run({ education: 'tech-advanced', workStart: '2022-01', assistantEngineerSince: '2020-01' }).routes).toContain('assistant-engineer');
  });
  it('中级工班 counts as 中专: no route 1 or 2, but 破格 is open', () => {
    const a = run({ education: 'tech-intermediate', workStart: '2000-01', assistantEngineerSince: '2010-01' });
    expect(a.routes).not.toContain('education-years');
    expect(a.routes).not.toContain('assistant-engineer');
    expect(run({ education: 'tech-intermediate', honour: HONOUR }).routes).toContain('exceptional');
  });
  it('the checklist says what the 技工院校 certificate counts as', () => {
    const a = run({ education: 'tech-advanced', workStart: '2016-01' });
    expect(a.checklist.some((c) => c.item.includes('技工院校高级工班') && c.item.includes('大专') && c.clauses.includes('s2-tech-school'))).toBe(true);
  });
});

describe('二.2 assistant-engineer', () => {
  const recent = { workStart: '2022-01' };
  it.each([
    ['college', '2020-01', true], ['college', '2020-02', false],
    ['bachelor', '2020-01', true], ['master', '2020-01', true], ['doctorate', '2019-06', true],
    ['secondary', '2010-01', false], ['none', '2010-01', false],
  ])('%s, 助理工程师 since %s → %s', (education, since, holds) => {
    expect(run({ ...recent, education, assistantEngineerSince: since }).routes.includes('assistant-engineer')).toBe(holds);
  });
  it('needs the title', () => {
    expect(run(recent).routes).not.toContain('assistant-engineer');
  });
  it('the mismatch year does not touch it', () => {
    expect(run({ ...recent, educationRelevant: false, assistantEngineerSince: '2020-01' }).routes).toContain('assistant-engineer');
  });
});

describe('二.3 technician', () => {
  it.each([['2021-01', true], ['2021-02', false], ['2015-05', true]])('技师 since %s → %s', (since, holds) => {
    expect(run({ ...NOTHING, technicianSince: since }).routes.includes('technician')).toBe(holds);
  });
  it('needs the qualification', () => {
    expect(run(NOTHING).routes).toEqual([]);
  });
  it('the mismatch year does not touch it', () => {
    expect(run({ ...NOTHING, educationRelevant: false, technicianSince: '2021-01' }).routes).toContain('technician');
  });
});

describe('二.4 two-of-five', () => {
  const items = (achievements: Record<string, unknown>, over: Record<string, unknown> = {}): boolean =>
    run({ ...NOTHING, achievements, ...over }).routes.includes('two-of-five');

  it('two items hold, one does not', () => {
    expect(items({ innovationLead: true, governmentAward: true })).toBe(true);
    expect(items({ innovationLead: true })).toBe(false);
    expect(items({})).toBe(false);
  });
  it('item (2): 1 invention patent, or 1 software copyright, or 3 utility models ranked first', () => {
    expect(items({ innovationLead: true, inventionPatents: 1 })).toBe(true);
    expect(items({ innovationLead: true, softwareCopyrights: 1 })).toBe(true);
    expect(items({ innovationLead: true, utilityModelsFirst: 3 })).toBe(true);
    expect(items({ innovationLead: true, utilityModelsFirst: 2 })).toBe(false);
  });
  it('item (3): 3 years as technical head, or team core / county leader', () => {
    expect(items({ governmentAward: true, techHeadYears: 3 })).toBe(true);
    expect(items({ governmentAward: true, techHeadYears: 2.9 })).toBe(false);
    expect(items({ governmentAward: true, innovationTeamOrCountyLeader: true })).toBe(true);
  });
  it('item (4): 10 full years of professional work, with the boundary month', () => {
    expect(items({ innovationLead: true }, { workStart: '2014-01' })).toBe(true);
    expect(items({ innovationLead: true }, { workStart: '2014-02' })).toBe(false);
  });
  it('item (4) takes the mismatch year: 11 years when not relevant', () => {
    expect(items({ innovationLead: true }, { workStart: '2014-01', educationRelevant: false })).toBe(false);
    expect(items({ innovationLead: true }, { workStart: '2013-01', educationRelevant: false })).toBe(true);
  });
  it('no mismatch year without an education', () => {
    expect(items({ innovationLead: true }, { education: 'none', workStart: '2014-01', educationRelevant: false })).toBe(true);
  });
});

describe('二.5 exceptional (破格)', () => {
  const ok = { ...NOTHING, honour: HONOUR };
  it('holds for a 中专 applicant without 助理工程师 who leads a listed honour', () => {
    expect(run(ok).routes).toEqual(['exceptional']);
    expect(run({ ...ok, education: 'none' }).routes).toEqual(['exceptional']);
    expect(run({ ...ok, honour: { ...HONOUR, level: 'provincial', category: 8 } }).routes).toEqual(['exceptional']);
  });
  it('is refused to a 大专 graduate', () => {
    const a = run({ ...ok, education: 'college' });
    expect(a.routes).not.toContain('exceptional');
    expect(a.blockers.find((b) => b.code === 'no-route')?.message).toContain('仅适用于不具备规定学历（大专（高职）以下）的人员，你是大专（高职）');
  });
  it('is refused to a 技工院校高级工班 graduate (counts as 大专)', () => {
    expect(run({ ...ok, education: 'tech-advanced' }).routes).not.toContain('exceptional');
  });
  it('is refused to a holder of 助理工程师', () => {
    const a = run({ ...ok, assistantEngineerSince: '2022-01' });
    expect(a.routes).not.toContain('exceptional');
    expect(a.blockers.find((b) => b.code === 'no-route')?.message).toContain('你已有助理工程师');
  });
  it('needs a row of 附件4 and the main technical lead', () => {
    expect(run({ ...ok, honour: { ...HONOUR, category: 9 } }).routes).toEqual([]);
    expect(run({ ...ok, honour: { ...HONOUR, mainTechLead: false } }).routes).toEqual([]);
  });
  it.each([['2022-06-30', false], ['2022-07-01', true], ['2023-06-30', true], ['2023-07-01', false]])(
    'honour issued %s → within the window: %s', (issued, holds) => {
      expect(run({ ...ok, honour: { ...HONOUR, issued } }).routes.includes('exceptional')).toBe(holds);
    });
  it('says the window when outside it', () => {
    const a = run({ ...ok, honour: { ...HONOUR, issued: '2022-06-30' } });
    expect(a.blockers.find((b) => b.code === 'no-route')?.message).toContain('荣誉发文时间须在2022年7月1日至2023年6月30日之间，你的是2022年6月30日');
  });
  it('adds the 项目申报书 and the quota when it is the route, and says the reading', () => {
    const a = run(ok);
    const row = a.checklist.find((c) => c.item.includes('项目申报书'));
    expect(row?.reason).toContain('国家级荣誉的企业推荐不超过3人');
    expect(row?.reason).toContain('省级荣誉不超过2人');
    expect(a.notes.some((n) => n.includes('破格须同时') && n.includes('以评委会解释为准，咨询电话82313758'))).toBe(true);
  });
});

describe('routes together', () => {
  it('lists every route that holds, in the notice order', () => {
    const a = run({
      education: 'bachelor', workStart: '2010-01', assistantEngineerSince: '2015-01', technicianSince: '2015-01',
      achievements: { innovationLead: true },
    });
    expect(a.routes).toEqual(['education-years', 'assistant-engineer', 'technician', 'two-of-five']);
  });
});

describe('near miss', () => {
  it('route 1: 本科 since 2020-07 is met at the end of 2025-06', () => {
    expect(run({ workStart: '2020-07' }).nearMiss).toEqual([{ route: 'education-years', short: '还差1年6个月（2025年6月满）', metOn: '2025-06' }]);
  });
  it('route 1 with the mismatch year', () => {
    expect(run({ workStart: '2019-08', educationRelevant: false }).nearMiss[0]).toEqual({ route: 'education-years', short: '还差1年7个月（2025年7月满）', metOn: '2025-07' });
  });
  it('route 2: 助理工程师 since 2021-03', () => {
    expect(run({ workStart: '2022-01', assistantEngineerSince: '2021-03' }).nearMiss).toContainEqual({ route: 'assistant-engineer', short: '还差1年2个月（2025年2月满）', metOn: '2025-02' });
  });
  it('route 2 is no near miss when the education is short too', () => {
    expect(run({ ...NOTHING, assistantEngineerSince: '2021-03' }).nearMiss.map((n) => n.route)).not.toContain('assistant-engineer');
  });
  it('route 3: 技师 since 2022-05', () => {
    expect(run({ ...NOTHING, technicianSince: '2022-05' }).nearMiss).toEqual([{ route: 'technician', short: '还差1年4个月（2025年4月满）', metOn: '2025-04' }]);
  });
  it('item (4) when it alone would complete two-of-five', () => {
    const a = run({ ...NOTHING, workStart: '2015-03', achievements: { innovationLead: true } });
    expect(a.nearMiss).toEqual([{ route: 'two-of-five', short: '还差1年2个月（2025年2月满）', metOn: '2025-02' }]);
  });
  it('item (4) is no near miss when one more item would still be missing', () => {
    expect(run({ ...NOTHING, workStart: '2015-03' }).nearMiss).toEqual([]);
  });
  it('none when the route holds', () => {
    expect(run().nearMiss).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { run } from './helpers.ts';

const codes = (over: Record<string, unknown>): string[] => run(over).blockers.map((b) => b.code);

describe('prerequisites: each failed one is a blocker', () => {
  it('the base profile has none and is eligible', () => {
    const a = run();
    expect(a.blockers).toEqual([]);
    expect(a.eligible).toBe(true);
  });

  it.each([
    [{ employerInZone: false }, 'employer-not-in-zone', ['s1'], '杭州湾上虞经济技术开发区（北片）'],
    [{ employerPrivate: false }, 'employer-not-private', ['s1'], '民营企业'],
    [{ specialty: 'other' }, 'specialty-not-covered', ['s1'], '石油和化学工程、医药工程、材料工程、轻纺工程'],
    [{ nationality: 'foreign-other' }, 'nationality-not-covered', ['s1'], '永久居留证'],
    [{ annualReviewsPassed: false }, 'annual-review', ['s2', 'a3-2-4'], '近3年（2020—2022年）'],
    [{ continuingEducation: { professional: 100, public: 54, other: 0 } }, 'continuing-education', ['s3-3'], '270学时'],
    [{ workStart: '2022-01' }, 'no-route', ['s2-1', 's2-2', 's2-3', 's2-4', 's2-5', 's3-4'], '二.1至二.5须满足其一'],
  ])('%j → %s', (over, code, clauses, phrase) => {
    const a = run(over);
    expect(a.eligible).toBe(false);
    expect(a.blockers.map((b) => b.code)).toEqual([code]);
    expect(a.blockers[0]!.clauses).toEqual(expect.arrayContaining(clauses));
    expect(a.blockers[0]!.message).toContain(phrase);
  });

  it('blockers are reported whatever the routes, in the table order', () => {
    expect(codes({ employerInZone: false, employerPrivate: false, annualReviewsPassed: false, workStart: '2023-01' }))
      .toEqual(['employer-not-in-zone', 'employer-not-private', 'annual-review', 'no-route']);
  });

  it.each(['mainland', 'hk-macau-taiwan', 'foreign-permanent-resident', 'foreign-talent-permit'])('nationality %s is covered', (nationality) => {
    expect(codes({ nationality })).toEqual([]);
  });
});

describe('continuing education names which measure is short and by how much', () => {
  const message = (ce: Record<string, number>): string => run({ continuingEducation: ce }).blockers[0]?.message ?? '';

  it('total only', () => {
    const m = message({ professional: 180, public: 54, other: 0 });
    expect(m).toContain('总学时还差36学时');
    expect(m).not.toContain('专业课还差');
    expect(m).not.toContain('公需课还差');
  });
  it('professional only', () => {
    const m = message({ professional: 150, public: 60, other: 60 });
    expect(m).toContain('专业课还差30学时');
    expect(m).not.toContain('总学时还差');
  });
  it('public only', () => {
    expect(message({ professional: 200, public: 50, other: 20 })).toContain('公需课还差4学时');
  });
  it('all three', () => {
    const m = message({ professional: 100, public: 20, other: 0 });
    expect(m).toContain('总学时还差150学时，专业课还差80学时，公需课还差34学时');
    expect(m).toContain('你共120学时');
  });
  it('exactly the minimums pass', () => {
    expect(codes({ continuingEducation: { professional: 180, public: 54, other: 36 } })).toEqual([]);
  });
});

describe('no-route says, per route, what is missing', () => {
  it('the worked example of the issue', () => {
    const a = run({ workStart: '2019-08', educationRelevant: false });
    const m = a.blockers.find((b) => b.code === 'no-route')!.message;
    expect(m).toContain('本科需从事专业工作满5年，专业不对口加1年，共6年；截至2023年12月31日你满4年，还差1年7个月（2025年7月满）');
    expect(m).toContain('你没有助理工程师职务');
    expect(m).toContain('你没有技师职业资格或职业技能等级');
    expect(m).toContain('你具备0项，还差2项；第(4)项需从事本专业技术工作满10年，专业不对口加1年，共11年，你满4年');
    expect(m).toContain('你没有此类荣誉项目');
    expect(a.blockers.find((b) => b.code === 'no-route')!.clauses).toContain('s2');
  });
  it('names the items held and the years as 助理工程师', () => {
    const m = run({ education: 'college', workStart: '2021-01', assistantEngineerSince: '2021-01', achievements: { inventionPatents: 1 } })
      .blockers[0]!.message;
    expect(m).toContain('大专（高职）需从事专业工作满7年；截至2023年12月31日你满3年，还差4年（2027年12月满）');
    expect(m).toContain('需担任助理工程师满4年；截至2023年12月31日你满3年，还差1年（2024年12月满）');
    expect(m).toContain('你具备1项（第(2)项），还差1项');
  });
  it('names the 技工院校 equivalence and the education a route needs', () => {
    const m = run({ education: 'tech-intermediate', workStart: '2021-01', assistantEngineerSince: '2019-01' }).blockers[0]!.message;
    expect(m).toContain('只适用于博士研究生、硕士研究生、本科、大专（高职）学历，你是技工院校中级工班（按中专）');
    expect(m).toContain('需大专（高职）及以上学历，你是技工院校中级工班（按中专）');
    expect(run({ education: 'tech-intermediate', workStart: '2021-01' }).blockers[0]!.clauses).toContain('s2-tech-school');
  });
});

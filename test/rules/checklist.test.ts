import { describe, expect, it } from 'vitest';
import { HONOUR, run } from './helpers.ts';

const items = (over: Record<string, unknown>): string[] => run(over).checklist.map((c) => c.item);
const BASE_ITEMS = 9;

describe('checklist', () => {
  it('every applicant gets the base items, each with a reason and clauses', () => {
    const a = run();
    expect(a.checklist).toHaveLength(BASE_ITEMS);
    for (const c of a.checklist) {
      expect(c.item.length).toBeGreaterThan(0);
      expect(c.reason.length).toBeGreaterThan(0);
      expect(c.clauses.length).toBeGreaterThan(0);
    }
    const text = a.checklist.map((c) => c.item + c.reason).join('\n');
    for (const phrase of ['一式3份', '资料袋', '白底', '真实性保证书', '限1000字以内', '主要贡献者', '2020—2022年', '附件5', '270学时', '12333']) {
      expect(text).toContain(phrase);
    }
  });

  it.each([
    [{ graduated: '2000-07' }, '毕业生登记表', 's5-2'],
    [{ graduated: '2005-07', degreeAutoVerified: false }, '《教育部学历证书电子注册备案表》', 's5-2'],
    [{ graduated: undefined }, '如为2001年以前毕业', 's5-2'],
    [{ educationOrigin: 'foreign' }, '《国外学历学位认证书》', 's5-2'],
    [{ educationOrigin: 'hk-macau-taiwan' }, '《港澳台学历学位认证书》', 's5-2'],
    [{ socialInsurance: { outOfProvince: true } }, '在外省缴纳社保的证明', 's5-3'],
    [{ socialInsurance: { consistent: false } }, '由社会保险所在单位申报', 's3-1'],
    [{ education: 'secondary', technicianSince: '2019-01' }, '正常申报', 'a1-2-3'],
    [{ education: 'secondary', honour: HONOUR }, '项目申报书', 's2-5'],
    [{ education: 'tech-technician' }, '技工院校预备技师（技师）班毕业证书（按本科学历申报）', 's2-tech-school'],
    [{ nationality: 'foreign-permanent-resident' }, '外国人永久居留证', 's1'],
    [{ nationality: 'foreign-talent-permit' }, '海外高层次人才居住证', 's1'],
  ])('%j adds a row', (over, phrase, clause) => {
    const a = run(over);
    const row = a.checklist.slice(BASE_ITEMS).find((c) => c.item.includes(phrase));
    expect(row, JSON.stringify(a.checklist.slice(BASE_ITEMS))).toBeDefined();
    expect(row!.clauses).toContain(clause);
  });

  it('adds nothing personal for a plain domestic case', () => {
    expect(items({})).toHaveLength(BASE_ITEMS);
    expect(items({ graduated: '2001-01' })).toHaveLength(BASE_ITEMS);
    expect(items({ education: 'none', graduated: undefined })).toHaveLength(BASE_ITEMS);
  });

  it('the technician row only when 二.3 is the applicant\'s (first) route', () => {
    expect(items({ technicianSince: '2019-01' }).some((i) => i.includes('正常申报'))).toBe(false);
  });
});

describe('deadlines', () => {
  it('lists the two dates and the three rules of the 2023 edition', () => {
    const d = run().deadlines;
    expect(d.map((x) => x.date)).toEqual(['2023-09-08', '2023-09-21', null, null, null]);
    expect(d[2]!.what).toContain('收到审核通过短信后5个工作日内');
    expect(d[3]!.what).toContain('不少于5个工作日的公示');
    expect(d[4]!.what).toContain('12333');
    expect(d[0]!.clauses).toEqual(['s5-4']);
  });

  it.each([
    ['2023-08-01T09:00:00+08:00', '个人网上申报截止（2023年9月8日）还有38天'],
    ['2023-09-07T09:00:00+08:00', '个人网上申报截止（2023年9月8日）还有1天（明天截止）'],
    ['2023-09-07T17:00:00Z', '个人网上申报截止（2023年9月8日）今天截止'],
    ['2023-09-10T09:00:00+08:00', '个人网上申报截止（2023年9月8日）已过2天；单位审核推荐截止（2023年9月21日）还有11天'],
    ['2023-10-01T09:00:00+08:00', '本年度申报已截止'],
  ])('the summary at %s', (now, phrase) => {
    expect(run({}, undefined, new Date(now)).notes.join('\n')).toContain(phrase);
  });
});

describe('notes', () => {
  it('say the verdict', () => {
    expect(run().notes[0]).toContain('符合申报条件，可按二.1 学历与专业工作年限申报');
    expect(run({ annualReviewsPassed: false }).notes[0]).toContain('暂不符合申报条件，原因：年度考核');
  });
  it('no reading note when no ruling rests on a reading', () => {
    expect(run().notes.some((n) => n.includes('以评委会解释为准'))).toBe(false);
  });
  it.each([
    [{ workStart: '2019-01' }, '年限按整月计算'],
    [{ workStart: '2019-02' }, '年限按整月计算'],
    [{ educationRelevant: false, workStart: '2010-01' }, '专业不对口加1年只适用于二.1'],
    [{ education: 'master', workStart: '2023-01', assistantEngineerSince: '2018-01' }, '研究生学历按同样满足理解'],
    [{ education: 'secondary', honour: HONOUR }, '荣誉发文时间按2022年7月1日至2023年6月30日计算'],
  ])('%j → the reading, with the committee\'s final say', (over, phrase) => {
    const note = run(over).notes.find((n) => n.includes(phrase));
    expect(note).toBeDefined();
    expect(note).toContain('以评委会解释为准，咨询电话82313758');
  });
});

describe('the photo item', () => {
  it('says the system collects the 二代身份证 photo only for those who have one', () => {
    expect(items({}).find((i) => i.startsWith('证件照'))).toContain('系统自动采集二代身份证照片');
    for (const nationality of ['hk-macau-taiwan', 'foreign-permanent-resident', 'foreign-talent-permit']) {
      const photo = items({ nationality }).find((i) => i.startsWith('证件照'))!;
      expect(photo, nationality).not.toContain('自动采集');
      expect(photo, nationality).toContain('上传白底');
    }
  });
});

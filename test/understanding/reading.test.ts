/**
 * One reading of each message (src/reading): the act, the focus, whether it leans on the last
 * question, and the person's facts with their polarity — read the way people write them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { readMessage, type Reading } from '../../src/reading/index.ts';
import { AUG, testBot } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

function read(text: string, now = AUG): Reading {
  return readMessage(text, { lexicon: bot.knowledge.lexicon, now: new Date(now), timeZone: 'Asia/Shanghai', seasonYear: 2023 });
}

describe('the person\'s facts', () => {
  it('reads education, graduation and the start of work, and infers work from the graduation', () => {
    const f = read('我2019年7月本科毕业，之后一直在化工厂做工艺').facts;
    expect(f.education).toBe('bachelor');
    expect(f.graduated).toEqual({ from: '2019-07', to: '2019-07' });
    expect(f.workStart).toMatchObject({ from: '2019-07', inferred: true });
    expect(f.field?.specialty).toBe('petrochemical');
  });

  it('keeps a year said alone as the months it may be', () => {
    expect(read('我19年毕业的本科').facts.graduated).toEqual({ from: '2019-01', to: '2019-12' });
  });

  it('turns facts around after a negation, and reads grades below 合格 as failing', () => {
    expect(read('不是国企，是民营的').facts.employerPrivate?.value).toBe(true);
    expect(read('我们单位不是民营企业').facts.employerPrivate).toMatchObject({ value: false, word: '不是民营企业' });
    expect(read('没有助工，也没有技师证').facts).toMatchObject({ assistantEngineerSince: null, technicianSince: null });
    const f = read('2021年是基本合格，其他两年合格').facts;
    expect(f.annualReviewsPassed).toBe(false);
    expect(f.failedReviewYears).toEqual([2021]);
  });

  it('reads dates relative to the clock, and the approval SMS of today or yesterday', () => {
    expect(read('去年3月开始做技术', '2023-08-01T09:00:00+08:00').facts.workStart).toEqual({ from: '2022-03', to: '2022-03' });
    expect(read('今天收到审核通过的短信了', '2023-09-12T10:00:00+08:00').facts.smsReceived).toBe('2023-09-12');
    expect(read('昨天收到短信', '2023-09-12T10:00:00+08:00').facts.smsReceived).toBe('2023-09-11');
  });

  it('reads durations, hours by kind (typos too) and counts of one', () => {
    expect(read('在化工厂干了快11年').facts.workYears).toEqual({ years: 11, approx: 'almost' });
    expect(read('专业课刷了200 公需可40').facts.hours).toEqual({ professional: 200, public: 40 });
    expect(read('前年拿了个发明专利').facts).toMatchObject({ inventionPatents: 1, patentYear: 2021 });
  });

  it('tells fields the notice does not cover from words that only contain their name', () => {
    expect(read('我是做电气自动化的').facts.field).toEqual({ specialty: 'other', word: '电气自动化' });
    expect(read('机械设计制造的技术员能参加吗').facts.field?.specialty).toBe('other');
    expect(read('拿过市政府的表彰').facts).toEqual({ governmentAward: true });
    expect(read('电子材料在哪个网站报').facts.field).toBeUndefined();
  });

  it('reads a subject studied outside the four specialties as 专业不对口, and says it was inferred', () => {
    const f = read('本科学的计算机，现在在纺织厂做工艺').facts;
    expect(f).toMatchObject({ studiedOther: true, educationRelevant: false, relevanceInferred: true });
    // Asking whether it matches does not say it does: it is inferred from the subject, and marked so.
    expect(read('学机械的在化工企业干 算专业对口吗').facts).toMatchObject({ educationRelevant: false, relevanceInferred: true });
    expect(read('学化工的 在化工厂做工艺 专业对口').facts).toMatchObject({ educationRelevant: true });
  });

  it('reads foreigners with another permit, and 公务员, as outside the scope', () => {
    expect(read('日本人 拿工作签证在北片药企').facts.nationality).toBe('foreign-other');
    expect(read('持外国人永久居留证').facts.nationality).toBe('foreign-permanent-resident');
    expect(read('公务员能评吗').facts.employerPrivate?.value).toBe(false);
  });
});

describe('the act, the focus, the follow-up', () => {
  it('tells questions, statements, corrections and requests for a person apart', () => {
    expect(read('本科要几年').act).toBe('question');
    expect(read('我2018年6月毕业的').act).toBe('statement');
    expect(read('不对，是2017年').act).toBe('correction');
    // 不对口 is about the subject studied, not a correction.
    expect(read('不对口的话有啥影响').act).toBe('question');
    expect(read('转人工').act).toBe('human');
  });

  it('finds what is asked', () => {
    expect([...read('纸质材料往哪送').focus]).toContain('where');
    expect([...read('还赶得上不').focus]).toContain('days-left');
    expect([...read('有机会评中级吗').focus]).toContain('can-i');
    expect([...read('评审结果啥时候出来').focus]).toContain('deadline');
  });

  it('marks what leans on the last question, and supposed facts', () => {
    expect(read('那本科呢').followUp?.kind).toBe('slot');
    expect(read('还有呢').followUp?.kind).toBe('more');
    expect(read('为什么').followUp?.kind).toBe('why');
    expect(read('这个在哪提交').followUp?.kind).toBe('bare');
    expect(read('如果我只有中专呢').hypothetical).toBe(true);
    expect(read('我是本科，2018年7月毕业，一直在药企做研发，想问今年能不能报中级职称').followUp).toBeNull();
  });

  it('splits the questions of a message typed without punctuation', () => {
    expect(read('想问我能不能报 学历要做啥认证').questions).toEqual(['想问我能不能报', '学历要做啥认证']);
    expect(read('要多少学时，算哪几年的，在哪个平台学').questions).toHaveLength(3);
  });

  it('reads Traditional characters and English', () => {
    expect(read('我2018年7月本科畢業 能報嗎').facts.education).toBe('bachelor');
    const en = read('I graduated with a bachelor in July 2018, can I apply?');
    expect(en.language).toBe('en');
    expect(en.facts.education).toBe('bachelor');
    expect([...en.focus]).toContain('can-i');
  });
});

/**
 * The eligibility check as people answer it (issue: the check as a conversation): negations and
 * grades read right, corrections at a question, at the review and after the verdict, "不知道",
 * stale buttons, fixable blockers, verdicts that know the season, and the person remembered after
 * the verdict.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { answerFields, conversation, EDITION_2023, testBot, text } from '../kit.ts';

let bot: Bot;
// Pinned to the 2023 edition: the tests state its facts (and the out-of-season screen is its own, after its season).
beforeAll(async () => { bot = await testBot({ edition: EDITION_2023 }); });

const PASS = {
  employerInZone: true, employerPrivate: true, specialty: 'petrochemical', nationality: 'mainland',
  annualReviewsPassed: true, continuingEducation: { professional: 200, public: 60, other: 20 },
};
const BACHELOR = {
  ...PASS, education: 'bachelor', workStart: '2018-07', educationRelevant: true, educationOrigin: 'domestic', graduated: '2018-06',
  degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false,
};

/** The other routes, answered "none", for applicants whose 二.1 does not hold. */
const NO_OTHER_ROUTE = {
  assistantEngineerSince: null, technicianSince: null, 'achievements.innovationLead': false, 'achievements.inventionPatents': 0,
  'achievements.softwareCopyrights': 0, 'achievements.utilityModelsFirst': 0, 'achievements.techHeadYears': 0,
  'achievements.innovationTeamOrCountyLeader': false, 'achievements.governmentAward': false,
};

function started(iso?: string) {
  const c = conversation(bot, iso);
  c.action('interview:start');
  return c;
}

describe('negations and grades', () => {
  it('"不是国企" to 民营企业吗 records 是, and says so', () => {
    const c = started();
    c.send('是');
    const r = c.send('不是国企');
    expect(c.session.interview!.answers.employerPrivate).toBe(true);
    expect(text(r)).toContain('民营企业：是');
  });

  it('"2021年是基本合格" is below 合格', () => {
    const c = started();
    answerFields(c, { ...PASS, annualReviewsPassed: undefined });
    c.send('2021年是基本合格');
    expect(c.session.interview!.answers.annualReviewsPassed).toBe(false);
  });

  it('"不在北片" and "不是" answer no', () => {
    const c = started();
    c.send('不在北片');
    expect(c.session.interview!.answers.employerInZone).toBe(false);
  });
});

describe('corrections at any time', () => {
  it('at a later question: the answer named changes, and the check goes on', () => {
    const c = started();
    answerFields(c, { ...PASS, education: 'college', workStart: undefined });
    const r = c.send('不对，我是本科');
    expect(c.session.interview!.answers.education).toBe('bachelor');
    expect(text(r)).toContain('最高学历：大专（高职） → 大学本科');
    expect(r.ask?.field).toBe('workStart');
  });

  it('at the review', () => {
    const c = started();
    answerFields(c, BACHELOR);
    expect(c.session.mode.kind).toBe('reviewing');
    const r = c.send('说错了，2017年7月开始工作的');
    expect(c.session.interview!.answers.workStart).toBe('2017-07');
    expect(text(r)).toContain('2018年7月 → 2017年7月');
  });

  it('after the verdict: straight to the new verdict, with what changed', () => {
    const c = started();
    answerFields(c, { ...BACHELOR, ...NO_OTHER_ROUTE, workStart: '2019-08' });
    const first = c.action('interview:confirm');
    expect(first.assessment!.eligible).toBe(false);
    const corrected = c.send('不对，我2018年7月就开始上班了');
    expect(text(corrected)).toContain('开始从事专业工作：2019年8月 → 2018年7月');
    // Now 专业对口 decides 二.1 (5 or 6 years): asked once, then straight to the new verdict.
    expect(corrected.ask?.field).toBe('educationRelevant');
    // Then the checklist's questions it had not needed, and straight to the new verdict.
    const r = answerFields(c, BACHELOR);
    expect(r.assessment?.eligible).toBe(true);
    expect(text(r)).toMatch(/可以申报/);
  });

  it('a correction of a year alone keeps the month answered before', () => {
    const c = started();
    answerFields(c, { ...BACHELOR, education: 'college', workStart: '2016-09', educationOrigin: undefined });
    // The date answered last is the one a bare date corrects.
    c.send('不对，是2015年');
    expect(c.session.interview!.answers.workStart).toBe('2015-09');
  });
});

describe('"不知道" and "随便"', () => {
  it('says where to find it out, records nothing and asks again', () => {
    const c = started();
    answerFields(c, { ...PASS, continuingEducation: undefined });
    const r = c.send('不知道啊');
    expect(text(r)).toContain('220.191.224.159');
    expect(r.ask?.field).toBe('continuingEducation');
    expect(c.session.interview!.answers.continuingEducation).toBeUndefined();
  });

  it('offers 跳过 on a question that may be skipped', () => {
    const c = started();
    answerFields(c, { ...PASS, education: 'college', workStart: '2019-09', educationRelevant: true, assistantEngineerSince: undefined });
    const r = c.send('不清楚');
    expect(text(r)).toContain('跳过');
    expect(r.replies.at(-1)!.buttons.map((b) => b.action)).toContain('interview:skip');
  });

  it('"随便" asks for the choices', () => {
    const c = started();
    const r = c.send('随便');
    expect(text(r)).toContain('是 / 否');
    expect(c.session.interview!.answers).toEqual({});
  });
});

describe('buttons belong to their question', () => {
  it('a press for question 1 while question 5 waits records nothing', () => {
    const c = started();
    answerFields(c, { ...PASS, annualReviewsPassed: undefined });
    const r = c.action('answer:zone:false');
    expect(c.session.interview!.answers.employerInZone).toBe(true);
    expect(c.session.interview!.answers.annualReviewsPassed).toBeUndefined();
    expect(r.ask?.field).toBe('annualReviewsPassed');
  });
});

describe('fixable blockers, the season, after the verdict', () => {
  const SHORT = { ...BACHELOR, continuingEducation: { professional: 150, public: 50, other: 0 } };

  it('hours short: the route is found, and what to study by when is said', () => {
    const c = started();
    answerFields(c, SHORT);
    const v = c.action('interview:confirm');
    expect(v.assessment!.routes).toEqual(['education-years']);
    expect(text(v)).toContain('补齐继续教育学时后即可按二.1');
    expect(text(v)).toContain('还有38天');
  });

  it('after the personal deadline the verdict says it closed, what is still open, and offers the next season', () => {
    const during = started('2023-09-10T10:00:00+08:00');
    answerFields(during, BACHELOR);
    const v = during.action('interview:confirm');
    expect(text(v)).toContain('个人申报已于2023年9月8日截止');
    expect(text(v)).toContain('单位推荐到2023年9月21日截止（还有11天');
    expect(text(v)).not.toContain('你可以申报！');
    expect(v.replies.flatMap((r) => r.buttons).map((b) => b.action)).toContain('remind:next');

    const later = started('2023-10-05T10:00:00+08:00');
    answerFields(later, BACHELOR);
    const w = later.action('interview:confirm');
    expect(text(w)).toContain('个人申报已于2023年9月8日截止');
    expect(text(w)).not.toContain('单位推荐到');
  });

  it('a near miss says its months, and after the verdict the person is remembered', () => {
    const c = started();
    answerFields(c, { ...SHORT, ...NO_OTHER_ROUTE, workStart: '2019-07' });
    const v = c.action('interview:confirm');
    expect(text(v)).toContain('还差6个月（2024年6月满）');
    expect(text(c.send('学时还差多少'))).toMatch(/总学时还差70学时.*专业课还差30学时.*公需课还差4学时/s);
    // 我的结果 shows the verdict again.
    const again = c.send('我的结果');
    expect(text(again)).toContain('还差6个月（2024年6月满）');
    expect(c.session.interview!.lastVerdict).not.toBeNull();
  });

  it('我的结果 before any check says how to get one', () => {
    const c = conversation(bot);
    expect(text(c.action('interview:result'))).toContain('还没有检查结果');
  });
});

describe('a verdict people can read', () => {
  it('the review fits a phone: grouped, three buttons, one 修改 that asks which item', () => {
    const c = started();
    const review = answerFields(c, BACHELOR);
    const last = review.replies.at(-1)!;
    expect(last.text).toContain('【学历和工作年限】');
    expect(last.buttons.map((b) => b.action)).toEqual(['interview:confirm', 'interview:modify', 'interview:restart']);
    const which = c.action('interview:modify');
    expect(which.replies[0]!.buttons.map((b) => b.action)).toContain('interview:edit:zone');
  });

  it('the checklist says what everyone does and what the situation adds', () => {
    const c = started();
    answerFields(c, { ...BACHELOR, 'socialInsurance.outOfProvince': true });
    const v = c.action('interview:confirm');
    const list = v.replies.find((r) => r.text.startsWith('📋'))!.text;
    expect(list).toContain('【每位申报人都要做】');
    expect(list).toContain('【因为你的情况，还要】');
    expect(list).toMatch(/外省/);
  });
});

describe('out of season', () => {
  it('the first screen says which season the bot serves and that it has closed', () => {
    const c = conversation(bot, '2026-12-02T10:00:00+08:00');
    const r = c.action('start');
    expect(text(r)).toContain('本助手服务的是2023年度评审');
    expect(text(r)).toContain('2023年9月8日截止');
    const inSeason = conversation(bot, '2023-08-01T09:00:00+08:00');
    expect(text(inSeason.action('start'))).not.toContain('本助手服务的是');
  });
});

describe('返回 at the review', () => {
  it('goes back to the last question answered, never a fallback', () => {
    const c = started();
    answerFields(c, BACHELOR);
    expect(c.session.mode.kind).toBe('reviewing');
    const lastField = c.results.at(-2)!.ask!.field;
    const r = c.send('返回');
    expect(r.fallback).toBe(false);
    expect(r.ask?.field).toBe(lastField);
  });
});

describe('"不知道" exactly', () => {
  it('is not taken for 跳过: at a required question it says where to find out and asks again', () => {
    const c = started();
    answerFields(c, { ...PASS, nationality: undefined });
    const r = c.send('不知道');
    expect(text(r)).not.toContain('不能跳过');
    expect(text(r)).toContain('82313758');
    expect(r.ask?.field).toBe('nationality');
  });
  it('at an optional question it offers 跳过 and records nothing', () => {
    const c = started();
    answerFields(c, { ...BACHELOR, education: 'college', workStart: '2019-09', assistantEngineerSince: undefined });
    const r = c.send('不知道');
    expect(r.ask?.field).toBe('assistantEngineerSince');
    expect(r.replies.at(-1)!.buttons.map((b) => b.action)).toContain('interview:skip');
    expect(c.session.interview!.skipped).toEqual([]);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { answerFields, conversation, fieldsAsked, testBot, text } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

/** The prerequisite answers of someone who passes them all. */
const PASS = {
  employerInZone: true, employerPrivate: true, specialty: 'petrochemical', nationality: 'mainland',
  annualReviewsPassed: true, continuingEducation: { professional: 200, public: 60, other: 20 },
};
/** The checklist questions of a domestic graduate with nothing special. */
const PLAIN_CHECKLIST = { educationOrigin: 'domestic', degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false };

function start() {
  const c = conversation(bot);
  const first = c.action('interview:start');
  return { c, first };
}

describe('happy paths, one per route', () => {
  it('二.1: 本科 with 5 full years, then the checklist questions, review and verdict', () => {
    const { c, first } = start();
    expect(first.ask).toEqual({ field: 'employerInZone', kind: 'boolean' });
    expect(first.replies.at(-1)!.buttons.map((b) => b.action)).toEqual(expect.arrayContaining(['answer:zone:true', 'answer:zone:false']));
    const review = answerFields(c, { ...PASS, education: 'bachelor', workStart: '2018-07', educationRelevant: true, graduated: '2018-06', ...PLAIN_CHECKLIST });
    expect(review.ask).toBeNull();
    expect(review.replies.at(-1)!.buttons[0]!.action).toBe('interview:confirm');
    const v = c.action('interview:confirm');
    expect(v.assessment).toMatchObject({ eligible: true, routes: ['education-years'], workYears: 5 });
    expect(text(v)).toContain('二.1');
    expect(text(v)).toContain('还有38天');
    expect(v.replies.some((r) => r.citations.some((x) => x.id === 's2-1'))).toBe(true);
    // 二.1 holds: nothing about 助理工程师, 技师, patents or honours was asked.
    expect(fieldsAsked(c)).not.toContain('assistantEngineerSince');
    expect(fieldsAsked(c).some((f) => f.startsWith('achievements.'))).toBe(false);
  });

  it('二.2: 大专 with 助理工程师 for 4 years', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: 'college', workStart: '2019-03', assistantEngineerSince: '2019-05', graduated: '2019-01', ...PLAIN_CHECKLIST });
    expect(fieldsAsked(c)).toContain('assistantEngineerSince');
    expect(c.action('interview:confirm').assessment).toMatchObject({ eligible: true, routes: ['assistant-engineer'] });
  });

  it('二.3: 技师 for 3 years, with 正常申报 and 佐证材料 on the checklist', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: 'secondary', workStart: '2015-07', technicianSince: '2020-01', graduated: '2012-06', ...PLAIN_CHECKLIST });
    const v = c.action('interview:confirm');
    expect(v.assessment).toMatchObject({ eligible: true, routes: ['technician'] });
    expect(text(v)).toContain('佐证材料');
  });

  it('二.4: two of the five items, asking only until two hold', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: 'secondary', workStart: '2015-07', technicianSince: null, 'achievements.innovationLead': true, 'achievements.inventionPatents': 1, graduated: '2012-06', ...PLAIN_CHECKLIST });
    const asked = fieldsAsked(c);
    expect(asked).toContain('achievements.inventionPatents');
    expect(asked).not.toContain('achievements.softwareCopyrights'); // item (2) already holds
    expect(c.action('interview:confirm').assessment).toMatchObject({ eligible: true, routes: ['two-of-five'] });
  });

  it('二.5: 破格 with a national honour inside the window', () => {
    const { c } = start();
    answerFields(c, {
      ...PASS, education: 'secondary', workStart: '2020-01', technicianSince: null, 'achievements.innovationLead': false,
      'achievements.inventionPatents': 0, 'achievements.softwareCopyrights': 0, 'achievements.utilityModelsFirst': 0,
      'achievements.techHeadYears': 0, 'achievements.innovationTeamOrCountyLeader': false, 'achievements.governmentAward': false,
      'honour.category': '6', assistantEngineerSince: null, 'honour.level': 'national', 'honour.issued': '2023-03-15', 'honour.mainTechLead': true,
      graduated: '2019-06', ...PLAIN_CHECKLIST,
    });
    const v = c.action('interview:confirm');
    expect(v.assessment).toMatchObject({ eligible: true, routes: ['exceptional'] });
    expect(text(v)).toContain('项目申报书');
  });

  it('no route: every route tried, the verdict says what is missing and when it would be met', () => {
    const { c } = start();
    const r = answerFields(c, {
      ...PASS, education: 'bachelor', workStart: '2020-03', educationRelevant: true, assistantEngineerSince: null, technicianSince: null,
      'achievements.innovationLead': false, 'achievements.inventionPatents': 0, 'achievements.softwareCopyrights': 0,
      'achievements.utilityModelsFirst': 0, 'achievements.techHeadYears': 0, 'achievements.innovationTeamOrCountyLeader': false,
      'achievements.governmentAward': false,
    });
    expect(r.ask).toBeNull(); // the review
    const v = c.action('interview:confirm');
    expect(v.assessment!.eligible).toBe(false);
    expect(v.assessment!.blockers.map((b) => b.code)).toEqual(['no-route']);
    expect(v.assessment!.nearMiss[0]).toMatchObject({ route: 'education-years', metOn: '2025-02' });
    expect(text(v)).toContain('还差1年2个月（2025年2月满）');
  });
});

describe('early stop on a failed prerequisite', () => {
  it('stops at once, says which condition and asks nothing more', () => {
    const { c } = start();
    const r = c.value(false);
    expect(r.ask).toBeNull();
    const v = c.action('interview:confirm');
    expect(v.assessment).toMatchObject({ eligible: false, routes: [], checklist: [] });
    expect(v.assessment!.blockers.map((b) => b.code)).toEqual(['employer-not-in-zone']);
    expect(text(v)).toContain('没有再问');
  });

  it('continuing education short does not end the check: the route is found, and the verdict says what to study by when', () => {
    const { c } = start();
    // The case: 大专, 助理工程师 since 2019-03, 200 hours (150 专业课, 50 公需课).
    answerFields(c, {
      ...PASS, continuingEducation: { professional: 150, public: 50, other: 0 }, education: 'college', workStart: '2019-07',
      educationRelevant: true, assistantEngineerSince: '2019-03', educationOrigin: 'domestic', graduated: '2019-06',
      degreeAutoVerified: true, 'socialInsurance.consistent': true, 'socialInsurance.outOfProvince': false,
    });
    const v = c.action('interview:confirm');
    expect(v.assessment!.blockers.map((b) => b.code)).toEqual(['continuing-education']);
    expect(v.assessment!.routes).toEqual(['assistant-engineer']);
    const said = text(v);
    expect(said).toContain('补齐继续教育学时后即可按二.2');
    expect(said).toMatch(/专业课.*30/);
    expect(said).toMatch(/公需课.*4/);
    expect(said).toContain('2023年9月8日前');
    expect(said).toContain('220.191.224.159');
  });
});

describe('natural answers and invalid ones', () => {
  it('reads typed answers', () => {
    const { c } = start();
    for (const t of ['是的', '对', '化工', '大陆', '合格', '专业课200，公需课60，其他20', '大专（高职）', '18年7月']) c.send(t);
    expect(c.session.interview!.answers).toMatchObject({
      employerInZone: true, employerPrivate: true, specialty: 'petrochemical', nationality: 'mainland', annualReviewsPassed: true,
      continuingEducation: { professional: 200, public: 60, other: 20 }, education: 'college', workStart: '2018-07',
    });
  });

  it('re-asks with an example when it cannot read an answer, never guessing', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: 'bachelor', workStart: undefined });
    for (const bad of ['2018年13月', '明年', '😀', '2030年1月', '2018']) {
      const r = c.send(bad);
      expect(r.ask?.field, bad).toBe('workStart');
      expect(text(r), bad).toMatch(/例如/);
    }
    expect(c.session.interview!.answers.workStart).toBeUndefined();
  });

  it('refuses to skip a required question and skips an optional one with its default', () => {
    const { c } = start();
    expect(c.send('跳过').ask?.field).toBe('employerInZone');
    answerFields(c, { ...PASS, education: 'bachelor', workStart: '2018-07', educationRelevant: undefined });
    const r = c.send('跳过'); // 专业对口 is optional: the default (对口) holds
    expect(text(r)).toContain('已跳过');
    expect(c.session.interview!.skipped).toContain('relevant');
  });
});

describe('corrections', () => {
  it('返回 goes to the previous question and offers the old answer', () => {
    const { c } = start();
    answerFields(c, { employerInZone: true, employerPrivate: true, specialty: 'pharmaceutical', nationality: undefined });
    const r = c.send('返回');
    expect(r.ask?.field).toBe('specialty');
    expect(r.replies.at(-1)!.buttons[0]).toEqual({ label: '医药工程', action: 'answer:specialty:pharmaceutical' });
    expect(c.action('answer:specialty:pharmaceutical').ask?.field).toBe('nationality');
  });

  it('changes an answer from the review and says what the change did to the verdict', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: 'bachelor', workStart: '2018-07', educationRelevant: true, graduated: '2018-06', ...PLAIN_CHECKLIST });
    expect(c.action('interview:confirm').assessment!.eligible).toBe(true);
    c.action('interview:review');
    const edit = c.action('interview:edit:zone');
    expect(edit.ask?.field).toBe('employerInZone');
    expect(edit.replies.at(-1)!.text).toMatch(/^第1题/); // its own number, not the next one
    expect(edit.replies.at(-1)!.buttons[0]).toEqual({ label: '是', action: 'answer:zone:true' }); // the old answer first
    const v = c.value(false);
    expect(v.assessment!.eligible).toBe(false);
    expect(text(v)).toContain('由可以申报变为不符合');
  });
});

describe('digressions', () => {
  it('answers a side question with its citation, then asks the pending question again', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: undefined });
    const r = c.send('本科要工作几年？');
    expect(r.replies[0]!.citations.map((x) => x.id)).toContain('s2-1');
    expect(r.replies.at(-1)!.text).toMatch(/^继续第7题/);
    expect(r.ask?.field).toBe('education');
    expect(c.session.interview!.answers.education).toBeUndefined();
  });

  it('takes "我是本科" as the answer', () => {
    const { c } = start();
    answerFields(c, { ...PASS, education: undefined });
    const r = c.send('我是本科');
    expect(c.session.interview!.answers.education).toBe('bachelor');
    expect(r.ask?.field).toBe('workStart');
  });

  it('keeps the interview while the menu is open and resumes it', () => {
    const { c } = start();
    answerFields(c, { employerInZone: true, employerPrivate: true, specialty: undefined });
    const menu = c.send('菜单');
    expect(menu.replies[0]!.buttons[0]!.action).toBe('interview:resume');
    const back = c.action('interview:resume');
    expect(back.ask?.field).toBe('specialty');
  });
});

describe('cancellations', () => {
  it('退出 leaves the interview; 重新开始 starts afresh', () => {
    const { c } = start();
    answerFields(c, { employerInZone: true, employerPrivate: true, specialty: undefined });
    c.send('退出');
    expect(c.session.interview).toBeNull();
    const again = c.action('interview:start');
    expect(again.ask?.field).toBe('employerInZone');
    c.value(true);
    expect(c.send('重新开始').ask?.field).toBe('employerInZone');
    expect(c.session.interview!.answers).toEqual({});
  });

  it('deletes everything after a confirmation', () => {
    const { c } = start();
    c.value(true);
    const ask = c.send('删除我的数据');
    expect(ask.replies[0]!.buttons.map((b) => b.action)).toEqual(['forget:yes', 'forget:no']);
    const done = c.action('forget:yes');
    expect(done.effects).toEqual([{ kind: 'forget' }]);
    expect(c.session.interview).toBeNull();
  });
});

/**
 * Conversation context: a follow-up is answered against the last topic (a slot replaced, an
 * aspect of the same subject, more of the last answer, the next step), a new subject is answered
 * as itself, and what the person told is remembered for later questions and the check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { conversation, text, testBot } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

/** The last reply of a conversation of `turns`, at the clock `iso`. */
function lastOf(turns: string[], iso?: string) {
  const c = conversation(bot, iso);
  for (const t of turns) c.send(t);
  return { r: c.last!, said: text(c.last!), session: c.session };
}

describe('follow-ups of the last topic', () => {
  it('replaces the slot of the last question ("那本科呢", "大专的话呢")', () => {
    expect(lastOf(['研究生毕业要从事专业工作满几年', '那本科呢']).said).toMatch(/5年/);
    expect(lastOf(['本科毕业后要干满几年专业工作', '大专的话呢']).said).toMatch(/7年/);
    expect(lastOf(['个人申报截止是哪天', '单位那边呢']).said).toContain('9月21日');
  });

  it('asks an aspect of the last subject: a pointer, a question naming none, a bare 呢', () => {
    expect(lastOf(['年度考核登记表有没有模板', '那个表要填哪几年的']).said).toMatch(/2020/);
    expect(lastOf(['收到审核通过的短信以后我要干嘛', '几天内']).said).toMatch(/五个工作日|5个工作日/);
    expect(lastOf(['中评委评审这一步是干嘛的', '谁负责审']).said).toMatch(/评委会|人力社保/);
    expect(lastOf(['继续教育在哪学', '网址呢']).said).toContain('220.191.224.159');
    expect(lastOf(['纸质材料往哪送', '具体几楼几室']).said).toContain('527');
  });

  it('does not answer an off-topic follow-up with the last topic, whatever word it shares (几, 楼, 哪)', () => {
    for (const turns of [['本科毕业几年能报', '食堂几点开饭'], ['纸质材料交到哪', '那栋楼的电梯在哪边'], ['继续教育要多少学时', '那栋楼的停车场收费吗']]) {
      const { r, said } = lastOf(turns);
      expect(r.fallback, turns.join(' → ')).toBe(true);
      expect(said).not.toMatch(/满5年|康阳大道|270/);
    }
  });

  it('answers a new subject as itself, not as the last topic', () => {
    const { said } = lastOf(['本科毕业要干几年', '行 那证件照有啥要求']);
    expect(said).toMatch(/JPG|215/);
    expect(said).not.toMatch(/满5年/);
    expect(lastOf(['照片要什么格式', '联系人是谁']).said).toContain('82313758');
  });

  it('gives more of the last answer, its reason, and the next step', () => {
    expect(lastOf(['公示要几天', '还有呢']).said).toContain('公示');
    expect(lastOf(['专业不对口要加几年', '为什么']).said).toMatch(/二、申报条件/);
  });

  it('falls back on a follow-up about something the notice does not cover, whatever the last topic', () => {
    const { r } = lastOf(['纸质材料交到哪', '那里几点上班']);
    expect(r.fallback).toBe(true);
    expect(text(r)).toContain('82313758');
    expect(lastOf(['个人申报9月8号截止对吧', '评审结果啥时候出来']).r.fallback).toBe(true);
  });

  it('answers an English follow-up in English', () => {
    const { said } = lastOf(['HR question: our company is using the platform for the first time', 'what do we need to submit first?']);
    expect(said).toMatch(/authoris|authoriz/i);
  });
});

describe('what the person told', () => {
  it('answers a can-I question with facts told over several messages', () => {
    const { said } = lastOf(['本科，学的是计算机', '2018年6月开始在纺织厂做工艺技术', '能报吗']);
    expect(said).toMatch(/共6年/);
    expect(said).toMatch(/还差/);
    expect(said).toContain('按通知规定计算');
    // The mismatch year was inferred from the subject, and the reply says so.
    expect(said).toContain('计算机');
  });

  it('answers facts told right after a can-I question about them', () => {
    const { said } = lastOf(['继续教育够不够', '专业课190，公需课50，别的30']);
    expect(said).toMatch(/公需课还差4学时/);
  });

  it('applies a correction to the date told before and recomputes', () => {
    const { said, session } = lastOf(['本科，19年7月毕业就在化工厂做技术，能报中级吗', '不对，我是17年7月毕业的']);
    expect(said).toContain('已更正');
    expect(said).toMatch(/满6年/);
    expect(session.context.facts.workStart).toMatchObject({ from: '2017-07' });
    expect(lastOf(['我2019年本科毕业 做化工 能报吗', '不对 是2017年']).said).toMatch(/毕业时间：2017年/);
  });

  it('answers supposed facts without keeping them as the person\'s', () => {
    const c = conversation(bot);
    c.send('我大专，助理工程师2019年1月拿的，能走助工那条吗');
    const r = c.send('如果助工是2021年拿的呢');
    expect(text(r)).toMatch(/还差/);
    expect(c.session.context.facts.assistantEngineerSince).toEqual({ from: '2019-01', to: '2019-01' });
  });

  it('does not take the kind of person a general question names as the asker\'s own', () => {
    const c = conversation(bot);
    c.send('本科毕业要干几年');
    expect(c.session.context.facts.education).toBeUndefined();
    // …but its follow-ups still use it.
    expect(text(c.send('要是专业不对口呢'))).toMatch(/6年/);
  });

  it('computes the paper deadline from an approval SMS told in an earlier message', () => {
    const { said } = lastOf(['刚收到审核通过短信', '纸质的最迟几号交 国庆放假咋算'], '2023-09-27T10:00:00+08:00');
    expect(said).toContain('2023年10月10日');
    expect(said).toContain('节假日和调休');
  });
});

describe('the check, started from a question', () => {
  it('starts it for a can-I question about nothing in particular, and fills in facts told at any question', () => {
    const c = conversation(bot);
    const start = c.send('帮我看看够不够条件');
    expect(start.ask).not.toBeNull();
    const pending = start.ask!.field;
    const r = c.send('大专，2016年9月开始在印染厂做技术');
    const said = text(r);
    expect(said).toContain('记下了');
    expect(said).toMatch(/满7年/);
    // The pending question is asked again, the told ones never.
    expect(r.ask?.field).toBe(pending);
    const answered = Object.keys(c.session.interview!.answers);
    expect(answered).toEqual(expect.arrayContaining(['education', 'workStart', 'specialty']));
  });

  it('starts it for "我能报吗" but answers a deadline question about now', () => {
    expect(lastOf(['我能报吗']).r.ask).not.toBeNull();
    const { r, said } = lastOf(['个人申报截止是哪天', '我现在还来得及吗'], '2023-09-10T10:00:00+08:00');
    expect(r.ask).toBeNull();
    expect(said).toMatch(/已|截止/);
  });
});

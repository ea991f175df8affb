/**
 * Answers computed for the person, and honest scope: the rules applied to what a message says,
 * every computed figure labelled; a specialty, employer or nationality the notice excludes never
 * gets "可以"; out-of-scope look-alikes fall back with the contact.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { step } from '../../src/dialogue/step.ts';
import { AUG, envAt, greeted, testBot, text } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

function ask(q: string, iso = AUG) {
  const r = step(greeted(bot), { kind: 'text', text: q }, envAt(bot, iso));
  return { r, said: text(r) };
}

/** A reply that says the person may apply. */
const SAYS_YES = /✅|(?<!不)可以申报|(?<!不)能申报|符合这一条/;

describe('the rules applied to the person', () => {
  it('counts years to the cut-off and what is missing, labelled as computed', () => {
    const { said } = ask('我2019年7月本科毕业，之后一直在上虞一家化工厂做工艺技术员，今年能报中级吗');
    expect(said).toMatch(/满4年/);
    expect(said).toMatch(/还差6个月/);
    expect(said).toContain('按通知规定计算');
    expect(said).toContain('二、申报条件');
  });

  it('says which months decide when only a year was told', () => {
    expect(ask('我2019年本科毕业 做化工 能报吗').said).toMatch(/具体月份/);
  });

  it('counts the days to a deadline from the clock, and confirms a deadline the person names', () => {
    expect(ask('离个人申报截止还有几天').said).toMatch(/38天/);
    const named = ask('个人申报9月8号截止对吧').said;
    expect(named).toMatch(/38天/);
    expect(named).not.toMatch(/今天.*就是/);
    expect(ask('个人申报截止了没', '2023-09-10T10:00:00+08:00').said).toMatch(/已|截止/);
  });

  it('gives the hours short by kind, with the platform', () => {
    const { said } = ask('继续教育专业课150，公需课60，其他70，够吗');
    expect(said).toMatch(/专业课还差30学时/);
    expect(said).toContain('220.191.224.159');
  });

  it('counts the 二.4 items, and tells an education without an 二.1 route what it can use', () => {
    const items = ask('中专学历，2012年5月开始做化工技术，拿过市政府的表彰，能报吗').said;
    expect(items).toMatch(/具备2项/);
    expect(items).toMatch(/满11年/);
    const none = ask('如果我只有中专，能报吗').said;
    expect(none).toMatch(/二\.3/);
    expect(none).toMatch(/二\.5/);
  });

  it('checks an honour\'s issue date against the window', () => {
    expect(ask('破格的荣誉是2022年5月发文的还能用吗').said).toMatch(/不在这个期间/);
  });

  it('adds the documents a situation needs', () => {
    expect(ask('我前两年社保在江苏交的，社保要准备啥').said).toMatch(/外省|证明/);
  });
});

describe('honest scope', () => {
  it('never says yes to a field of work the notice does not cover', () => {
    const fields = bot.knowledge.lexicon.fields.find('电气 机械 环境工程 安全工程 建筑 计算机 软件 电子信息 通信 测绘 食品').map((h) => h.word);
    expect(fields.length).toBeGreaterThan(5);
    const forms = ['我是做{x}的，能报吗', '{x}专业能评中级吗', '我在北片民企做{x}工程师，可以申报吗', '{x}技术员能参加这次评审吗'];
    fc.assert(fc.property(fc.constantFrom(...fields), fc.constantFrom(...forms), (x, form) => {
      const { said } = ask(form.replace('{x}', x));
      expect(said, form.replace('{x}', x)).not.toMatch(SAYS_YES);
      expect(said, form.replace('{x}', x)).toMatch(/石油和化学工程/);
    }), { numRuns: 40 });
  });

  it('never says yes to an employer or a nationality the notice excludes', () => {
    for (const q of ['我在国企做化工，能报吗', '公务员能评这个工程师中级吗', '事业单位的技术员可以申报吗', '我们公司在南片，员工能报吗', '日本人 拿工作签证在北片药企 能报吗', '外国人没有永久居留证能报吗']) {
      const { said } = ask(q);
      expect(said, q).not.toMatch(SAYS_YES);
      expect(said, q).toMatch(/不在|不能|不属于|没有这两种证件|须持有/);
    }
  });

  it('says what told facts keep inside the scope, and that the rest is still to check', () => {
    const { said } = ask('我们公司在经开区北片，是民营的，员工能报吗');
    expect(said).toContain('在本次申报对象范围内');
    expect(said).toContain('还要看');
  });

  it('falls back on look-alikes of other cities, titles and procedures, with the contact', () => {
    for (const q of ['宁波今年中级职称什么时候截止', '高级工程师要什么条件', '助理工程师怎么评', '发明专利怎么申请', '上虞开发区附近有什么酒店', '评审结果啥时候出来']) {
      const { r, said } = ask(q);
      expect(r.fallback, q).toBe(true);
      expect(said, q).toContain('82313758');
    }
  });

  it('shows what the notice does say when an entry covers the question only in part', () => {
    const { r, said } = ask('退休返聘的能报不');
    expect(r.fallback).toBe(true);
    expect(said).toContain('在职人员');
    expect(said).toContain('82313758');
  });
});

describe('long messages and English', () => {
  it('answers up to three questions of a long story, and asks to shorten one over the limit', () => {
    const story = '你好，我是去年刚换到现在这家厂的，之前在另一家公司也是做技术。我2018年7月本科毕业，学的高分子材料，毕业就一直做材料研发，没断过。两家公司都在上虞开发区北片，都是民营的。想问下我今年年限够吗？继续教育一共要学多少？';
    const { r, said } = ask(story);
    expect(r.fallback).toBe(false);
    expect(said).toMatch(/满5年/);
    expect(said).toContain('270');
  });

  it('answers an English question in English, with the Chinese clause title glossed', () => {
    const { said } = ask('How many hours of continuing education do I need?');
    expect(said).toMatch(/270/);
    expect(said).toMatch(/Source:/);
    expect(said).toMatch(/[a-z]{4,}/);
  });
});

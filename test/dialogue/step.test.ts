import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { MAX_QUESTION_CHARS, step } from '../../src/dialogue/step.ts';
import type { Input } from '../../src/dialogue/types.ts';
import { AUG, EDITION_2023, envAt as envOf, greeted as greetedOf, testBot } from '../kit.ts';

let bot: Bot;
// Pinned to the 2023 edition: the tests state its facts (9月8日, 38 days left, its season over).
beforeAll(async () => { bot = await testBot({ edition: EDITION_2023 }); });

const envAt = (iso: string) => envOf(bot, iso);
const text = (t: string): Input => ({ kind: 'text', text: t });
const greeted = () => greetedOf(bot);

describe('first contact and the menu', () => {
  it('greets with what the bot can do, with buttons', () => {
    const r = step(undefined, text('你好'), envAt(AUG));
    expect(r.replies).toHaveLength(1);
    expect(r.replies[0]!.buttons.map((b) => b.action)).toEqual(expect.arrayContaining(['ask', 'faq-topics', 'deadlines']));
    expect(r.session.greeted).toBe(true);
    expect(r.fallback).toBe(false);
  });

  it('answers a first question and then says what it can do', () => {
    const r = step(undefined, text('继续教育要多少学时'), envAt(AUG));
    expect(r.replies).toHaveLength(2);
    expect(r.replies[0]!.citations.length).toBeGreaterThan(0);
    expect(r.replies[1]!.buttons.length).toBeGreaterThan(0);
  });

  it('opens the menu on 菜单, 帮助 and /start alike', () => {
    for (const t of ['菜单', '帮助', '/start', 'Help', '  菜单！ ']) {
      const r = step(greeted(), text(t), envAt(AUG));
      expect(r.replies[0]!.buttons.some((b) => b.action === 'faq-topics'), t).toBe(true);
    }
  });

  it('takes a session of another flow version as its own, migrated', () => {
    const stale = { ...greeted(), version: 'old' };
    const r = step(stale, text('继续教育要多少学时'), envAt(AUG));
    expect(r.session.version).toBe(greeted().version);
    expect(r.replies).toHaveLength(1); // still greeted: just the answer
  });

  it('starts afresh from a stored value it cannot read', () => {
    for (const junk of [42, 'x', [], { version: 1 }, { mode: { kind: 'nowhere' } }]) {
      const r = step(junk, text('继续教育要多少学时'), envAt(AUG));
      expect(r.session.mode, JSON.stringify(junk)).toEqual({ kind: 'idle' });
      expect(r.replies).toHaveLength(2); // a new person: answer, then the welcome
    }
  });
});

describe('answers', () => {
  it('cites the clause in the reply, offers its full text and related questions', () => {
    const r = step(greeted(), text('个人申报截止到哪天'), envAt(AUG));
    const reply = r.replies[0]!;
    expect(reply.text).toContain('9月8日');
    expect(reply.citations.map((c) => c.id)).toContain('s5-4');
    expect(reply.text).toContain(reply.citations[0]!.title);
    const show = reply.buttons.find((b) => b.action.startsWith('clause:'))!;
    const full = step(greeted(), { kind: 'action', action: show.action }, envAt(AUG));
    expect(full.replies[0]!.text).toContain(bot.knowledge.clauseById.get(show.action.slice(7))!.text);
  });

  it('falls back honestly with the contact phone', () => {
    const r = step(greeted(), text('正高级职称怎么评'), envAt(AUG));
    expect(r.fallback).toBe(true);
    expect(r.replies[0]!.text).toContain(bot.knowledge.params.contact.value.phone);
    expect(r.replies[0]!.buttons.length).toBeGreaterThan(0);
  });
});

describe('bad input', () => {
  it('asks for text when the message is empty', () => {
    const r = step(greeted(), text('   '), envAt(AUG));
    expect(r.fallback).toBe(false);
    expect(r.replies[0]!.text).toMatch(/例如/);
  });
  it('asks to shorten a huge message instead of searching it', () => {
    const r = step(greeted(), text('照片'.repeat(50_000)), envAt(AUG));
    expect(r.replies[0]!.text).toContain(String(MAX_QUESTION_CHARS));
    expect(step(greeted(), text('照'.repeat(MAX_QUESTION_CHARS + 1)), envAt(AUG)).replies[0]!.text).toContain(String(MAX_QUESTION_CHARS));
  });
  it('handles emoji and garbage with a fallback, not a crash', () => {
    for (const t of ['😀😀😀', '￥%……&*（', 'asdkjh qwe', '\u0000\u0001']) {
      const r = step(greeted(), text(t), envAt(AUG));
      expect(r.replies.length, t).toBe(1);
    }
  });
  it('answers an unknown or stale button with the menu', () => {
    for (const action of ['nope', 'faq:does-not-exist', 'clause:zz', 'topic:zz']) {
      const r = step(greeted(), { kind: 'action', action }, envAt(AUG));
      expect(r.replies[0]!.buttons.some((b) => b.action === 'faq-topics'), action).toBe(true);
    }
  });
  it('says there is no pending question when a value arrives', () => {
    const r = step(greeted(), { kind: 'value', value: 42 }, envAt(AUG));
    expect(r.replies[0]!.text).toContain('没有等你回答的问题');
  });
});

describe('FAQ browsing', () => {
  it('goes from topics to questions to an answer', () => {
    const topics = step(greeted(), { kind: 'action', action: 'faq-topics' }, envAt(AUG));
    const topicButtons = topics.replies[0]!.buttons.filter((b) => b.action.startsWith('topic:'));
    const nonEmpty = bot.knowledge.topics.filter((t) => bot.knowledge.faq.some((f) => f.topic === t.id));
    expect(topicButtons.map((b) => b.action)).toEqual(nonEmpty.map((t) => `topic:${t.id}`));
    const list = step(greeted(), { kind: 'action', action: topicButtons[0]!.action }, envAt(AUG));
    const q = list.replies[0]!.buttons.find((b) => b.action.startsWith('faq:'))!;
    const answer = step(greeted(), { kind: 'action', action: q.action }, envAt(AUG));
    expect(answer.replies[0]!.text).toContain(bot.knowledge.faqById.get(q.action.slice(4))!.answer);
    expect(answer.replies[0]!.citations.length).toBeGreaterThan(0);
  });
  it('keeps every button label within 20 characters', () => {
    for (const t of bot.knowledge.topics) {
      const r = step(greeted(), { kind: 'action', action: `topic:${t.id}` }, envAt(AUG));
      for (const b of r.replies[0]!.buttons) expect(b.label.length, b.label).toBeLessThanOrEqual(20);
    }
  });
});

describe('deadline summary relative to the clock', () => {
  const summary = (iso: string) => step(greeted(), { kind: 'action', action: 'deadlines' }, envAt(iso)).replies[0]!.text;
  it('counts days left in Asia/Shanghai', () => {
    expect(summary(AUG)).toContain('还有38天');
    // 2023-09-07 20:00 UTC is already 9月8日 in Shanghai: the individual deadline is today.
    expect(summary('2023-09-07T20:00:00Z')).toContain('就是今天');
  });
  it('says when the round is over', () => {
    const text = summary('2026-11-26T09:00:00+08:00');
    expect(text).toContain('已经过了');
    expect(text).toContain('2023年度的申报已经结束');
  });
});

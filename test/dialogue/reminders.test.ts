import { beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { step } from '../../src/dialogue/step.ts';
import type { Input } from '../../src/dialogue/types.ts';
import { AUG, envAt as envOf, greeted as greetedOf, testBot } from '../kit.ts';
import { findDate } from '../../src/dialogue/paper-deadline.ts';
import { addWorkingDays, calendarYears, lastPublicityStart } from '../../src/core/working-days.ts';
import { reminderText } from '../../src/dialogue/reminders.ts';
import type { Knowledge } from '../../src/knowledge/load.ts';
import { schedule } from '../../src/reminders/schedule.ts';
import { cnDate } from '../../src/rules/index.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot(); });

const envAt = (iso: string) => envOf(bot, iso);
const text = (t: string): Input => ({ kind: 'text', text: t });
const action = (a: string): Input => ({ kind: 'action', action: a });
const greeted = () => greetedOf(bot);

describe('the paper deadline after the approval SMS', () => {
  it('computes 2023-10-10 for an SMS on 9月27日, citing 五(四)', () => {
    const r = step(greeted(), text('我9月27日收到审核通过短信，纸质材料最晚哪天交？'), envAt(AUG));
    expect(r.replies[0]!.text).toContain('2023年10月10日');
    expect(r.replies[0]!.citations.map((c) => c.id)).toContain('s5-4');
    expect(r.fallback).toBe(false);
  });

  it('counts from other dates and forms', () => {
    expect(step(greeted(), text('2023-09-01收到审核通过短信，纸质材料哪天截止'), envAt(AUG)).replies[0]!.text).toContain('2023年9月8日');
    expect(step(greeted(), text('9月28号收到审核通过的短信，最晚什么时候交纸质材料'), envAt(AUG)).replies[0]!.text).toContain('2023年10月11日');
  });

  // A year whose holiday schedule the calendar does not have: the date is labelled as counted
  // Monday–Friday, the note says the schedule is not yet published, and nothing claims holidays were counted.
  const next = calendarYears().to + 1;
  const weekdaysOnly = (reply: string, year: number) => {
    expect(reply).toMatch(/\d+年\d+月\d+日（按周一至周五推算）/);
    expect(reply).toContain(`${year}年的安排尚未公布`);
    expect(reply).toContain(`${year}年的工作日是按周一至周五计算的，没有计入节假日和调休`);
    expect(reply).not.toContain('按中国大陆的节假日和调休安排计算');
  };

  it('labels a date in a year outside the calendar data as counted Monday–Friday', () => {
    const r = step(greeted(), text(`${next}年3月1日收到审核通过短信，纸质材料最晚哪天交？`), envAt(AUG));
    weekdaysOnly(r.replies[0]!.text, next);
    expect(r.replies[0]!.text).toContain(cnDate(addWorkingDays(`${next}-03-01`, 5).date));
    expect(r.replies[0]!.citations.map((c) => c.id)).toContain('s5-4');
  });

  it('labels it when the bot\'s clock is past the calendar data ("今天收到")', () => {
    const r = step(greeted(), text('今天收到审核通过短信了，纸质材料最晚哪天交？'), envAt(`${next}-03-01T10:00:00+08:00`));
    weekdaysOnly(r.replies[0]!.text, next);
  });

  it('labels a count that runs from the last covered year into the next', () => {
    const last = next - 1;
    const r = step(greeted(), text(`${last}年12月30日收到审核通过短信，纸质材料最晚哪天交？`), envAt(AUG));
    weekdaysOnly(r.replies[0]!.text, next);
  });

  // The publicity start HR are reminded of, for deadlines in such a year (an edition the loader
  // would refuse, given here directly): the list and the pushed reminder label it too.
  const movedTo = (year: number): Knowledge => {
    const { params } = bot.knowledge;
    return { ...bot.knowledge, params: { ...params, unitDeadline: { ...params.unitDeadline, value: `${year}-09-21` }, individualDeadline: { ...params.individualDeadline, value: `${year}-09-08` } } };
  };

  it('labels the publicity start in the reminder list and in the pushed reminder', () => {
    const knowledge = movedTo(next);
    const env = { ...envAt(`${next}-08-01T09:00:00+08:00`), knowledge };
    const list = step(greeted(), action('remind:hr'), env).replies[0]!.text;
    expect(list).toContain(`单位公示最晚开始日（${cnDate(lastPublicityStart(`${next}-09-21`, 5).date)}（按周一至周五推算））`);
    weekdaysOnly(list, next);
    expect(list).toContain(`单位推荐截止（${next}年9月21日）`);
    const publicity = schedule(knowledge.params, 'hr', 'Asia/Shanghai').find((r) => r.id === 'publicity:0')!;
    weekdaysOnly(reminderText(publicity, knowledge, env.flow), next);
    const unit = schedule(knowledge.params, 'hr', 'Asia/Shanghai').find((r) => r.id === 'unit:0')!;
    expect(reminderText(unit, knowledge, env.flow)).not.toContain('按周一至周五');
  });

  it('does not label the publicity start of the 2023 edition', () => {
    const list = step(greeted(), action('remind:hr'), envAt(AUG)).replies[0]!.text;
    expect(list).toContain('单位公示最晚开始日（2023年9月14日）');
    expect(list).not.toContain('按周一至周五');
  });

  it('does not label a date in a covered year', () => {
    const r = step(greeted(), text('我9月27日收到审核通过短信，纸质材料最晚哪天交？'), envAt(AUG));
    expect(r.replies[0]!.text).toContain('按中国大陆的节假日和调休安排计算');
    expect(r.replies[0]!.text).not.toContain('按周一至周五');
  });

  it('reads dates', () => {
    expect(findDate('我9月27日收到', 2023)).toBe('2023-09-27');
    expect(findDate('2024年1月2号', 2023)).toBe('2024-01-02');
    expect(findDate('9/27 收到', 2023)).toBe('2023-09-27');
    expect(findDate('2月30日', 2023)).toBeUndefined();
  });
});

describe('subscribing to deadline reminders', () => {
  it('offers both roles from the menu and by typing', () => {
    const menu = step(greeted(), text('菜单'), envAt(AUG));
    expect(menu.replies[0]!.buttons.map((b) => b.action)).toContain('remind');
    for (const t of ['订阅提醒', '/subscribe']) {
      const r = step(greeted(), text(t), envAt(AUG));
      expect(r.replies[0]!.buttons.map((b) => b.action)).toEqual(expect.arrayContaining(['remind:applicant', 'remind:hr']));
      expect(r.effects).toEqual([]);
    }
  });

  it('subscribes as an applicant or HR as an effect, and lists what comes', () => {
    const r = step(greeted(), action('remind:applicant'), envAt(AUG));
    expect(r.effects).toEqual([{ kind: 'subscribe', role: 'applicant', since: new Date(AUG).toISOString() }]);
    expect(r.replies[0]!.text).toContain('9月1日 09:00');
    const hr = step(greeted(), action('remind:hr'), envAt(AUG));
    expect(hr.replies[0]!.text).toContain('单位公示最晚开始日（2023年9月14日）');
    expect(hr.replies[0]!.citations.map((c) => c.id)).toEqual(expect.arrayContaining(['s5-4', 's5-1']));
    const list = step(r.session, text('我的提醒'), envAt('2023-09-06T09:00:00+08:00'));
    expect(list.replies[0]!.text).not.toContain('9月1日 09:00');
    expect(list.replies[0]!.text).toContain('9月7日 09:00');
    const cancel = step(r.session, text('退订'), envAt(AUG));
    expect(cancel.effects).toEqual([{ kind: 'unsubscribe' }]);
    expect(cancel.session.subscription).toBeNull();
    expect(step(cancel.session, text('退订'), envAt(AUG)).effects).toEqual([]);
  });

  it('keeps the subscription when the flow version changes', () => {
    const r = step(greeted(), action('remind:applicant'), envAt(AUG));
    const old = { ...r.session, flowVersion: '0.0' };
    expect(step(old, text('我的提醒'), envAt(AUG)).session.subscription?.role).toBe('applicant');
  });

  it('after the season offers next year\'s notice instead', () => {
    const after = envAt('2023-10-01T09:00:00+08:00');
    const r = step(greeted(), action('remind:applicant'), after);
    expect(r.effects).toEqual([]);
    expect(r.replies[0]!.buttons.map((b) => b.action)).toContain('remind:next');
    const next = step(r.session, action('remind:next'), after);
    expect(next.effects).toEqual([{ kind: 'subscribe', role: 'next-edition', since: after.now.toISOString() }]);
  });

  it('answers reminder commands during the interview and resumes it', () => {
    const started = step(greeted(), action('interview:start'), envAt(AUG));
    const r = step(started.session, text('订阅提醒'), envAt(AUG));
    // The choice of role first (its buttons alone), then the pending question again.
    expect(r.ask).toBeNull();
    expect(r.replies[0]!.buttons.map((b) => b.action)).toContain('remind:hr');
    const subscribed = step(r.session, action('remind:hr'), envAt(AUG));
    expect(subscribed.replies[0]!.text).toContain('已订阅');
    expect(subscribed.ask?.field).toBe('employerInZone');
  });
});

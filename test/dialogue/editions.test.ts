/**
 * Editions in force by date, on a bot with a fixed clock and two editions (test/editions.ts):
 * the edition served before and after the day the next one comes into force, without a restart;
 * questions about last season answered from its edition and marked; years with no edition out of
 * scope; office changes on the edition they were made for; reminders across the switch; the
 * edition chosen explicitly (`--edition` of `chat` and `assess`, in process).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBot, type Bot } from '../../src/bot/index.ts';
import { runEval } from '../../src/bot/eval.ts';
import { runAssess } from '../../src/cli/assess-command.ts';
import { parseCliFlags } from '../../src/config.ts';
import { say } from '../../src/dialogue/flow.ts';
import { loadKnowledge, type Knowledge } from '../../src/knowledge/load.ts';
import { cnDate } from '../../src/rules/index.ts';
import { keys } from '../../src/store/keys.ts';
import type { Subscription } from '../../src/bot/runner.ts';
import { BASE } from '../rules/helpers.ts';
import { SWITCH_DAY, twoEditionRoot } from '../editions.ts';

const root = twoEditionRoot();
const k2023 = loadKnowledge(root, '2023');
const k2024 = loadKnowledge(root, '2024');
const individual = (k: Knowledge) => cnDate(k.params.individualDeadline.value);

const BEFORE = new Date(`${SWITCH_DAY}T08:59:00+08:00`);
BEFORE.setDate(BEFORE.getDate() - 1); // the day before the switch
const AFTER = new Date(`${SWITCH_DAY}T09:00:00+08:00`);
const at = (day: string) => new Date(`${day}T09:00:00+08:00`);

/** A bot on two editions with its clock at `now`; its terminal pusher collects into `sent`. */
async function botAt(now: Date, options: Parameters<typeof createBot>[0] = {}) {
  const logs: string[] = [];
  const bot = await createBot({ storeUrl: 'memory://', knowledgeRoot: root, now, reminderRetry: { attempts: 2, baseDelayMs: 1 }, log: (l) => logs.push(l), ...options });
  const sent: { chat: string; text: string }[] = [];
  bot.registerChannel({ name: 'terminal', prefix: '', push: async (chat, text) => { sent.push({ chat, text }); return 'sent'; } });
  return { bot, sent, logs };
}

let users = 0;
/** One question of a new user, as the bot answers it now. */
async function ask(bot: Bot, text: string) {
  const r = await bot.handle(`user-${users++}`, { kind: 'text', text });
  return { text: r.replies[0]!.text, all: r.replies.map((x) => x.text).join('\n'), fallback: r.fallback };
}

describe('the edition in force', () => {
  it('the two editions differ in what the tests read', () => {
    expect(individual(k2023)).not.toBe(individual(k2024));
    expect(k2024.notice.docNumber).not.toBe(k2023.notice.docNumber);
  });

  it('is the one of the clock\'s day, and changes on the day without a restart', async () => {
    const { bot } = await botAt(BEFORE);
    expect(bot.knowledge.edition).toBe('2023');
    expect((await ask(bot, '个人申报截止时间是哪天')).text).toContain(individual(k2023));
    const welcome = await bot.handle('new-before', { kind: 'text', text: '你好' });
    expect(welcome.replies.map((r) => r.text).join('\n')).toContain(k2023.notice.docNumber);

    bot.clock.advanceTo(AFTER);
    expect(bot.knowledge.edition).toBe('2024');
    expect(bot.env().knowledge.edition).toBe('2024');
    expect(bot.env(BEFORE).knowledge.edition).toBe('2023');
    const answer = await ask(bot, '个人申报截止时间是哪天');
    expect(answer.text).toContain(individual(k2024));
    expect(answer.text).not.toContain(individual(k2023));
    const deadlines = await bot.handle('deadlines-after', { kind: 'action', action: 'deadlines' });
    expect(deadlines.replies[0]!.text).toContain(individual(k2024));
    await bot.close();
  });

  it('one that does not load when its day comes is logged once, and the edition started with is served', async () => {
    const broken = twoEditionRoot();
    const notice = path.join(broken, '2024/notice.yaml');
    writeFileSync(notice, readFileSync(notice, 'utf8').replace('edition: "2024"', 'edition: "2025"'));
    const { bot, logs } = await botAt(BEFORE, { knowledgeRoot: broken });
    bot.clock.advanceTo(AFTER);
    expect((await ask(bot, '个人申报截止时间是哪天')).text).toContain(individual(k2023));
    await ask(bot, '照片有什么要求');
    expect(logs.filter((l) => l.startsWith('[knowledge]'))).toEqual(['[knowledge] edition 2024 is in force but does not load; serving 2023 (knowledge/2024/notice.yaml: edition: says 2025, folder is 2024)']);
    await bot.close();
  });

  it('starts with the edition of its day, loading no other', async () => {
    // 2023 does not load here: a start in 2024 never reads it.
    const lazy = twoEditionRoot();
    const notice = path.join(lazy, '2023/notice.yaml');
    writeFileSync(notice, readFileSync(notice, 'utf8').replace('edition: "2023"', 'edition: "2022"'));
    const { bot } = await botAt(at('2024-08-01'), { knowledgeRoot: lazy });
    expect(bot.knowledge.edition).toBe('2024');
    expect(bot.knowledge.notice.docNumber).toBe(k2024.notice.docNumber);
    // Asked about last season, it tries 2023 then: not loadable, the honest fallback (not this season's answer).
    const last = await ask(bot, '去年的截止时间是哪天');
    expect(last.fallback).toBe(true);
    expect(last.all).not.toContain(individual(k2024));
    await bot.close();
    await expect(botAt(BEFORE, { knowledgeRoot: lazy })).rejects.toThrow('knowledge/2023/notice.yaml: edition: says 2022, folder is 2023');
  });

  it('is the one of each eval item\'s instant (eval:qa)', async () => {
    const { bot } = await botAt(at('2024-08-01'));
    const q = '个人申报截止时间是哪天';
    const [then, now] = await runEval(bot, [
      { id: 'then', q, all: [[individual(k2023)]], now: '2023-08-01T09:00:00+08:00' },
      { id: 'now', q, all: [[individual(k2024)]], now: '2024-08-01T09:00:00+08:00' },
    ]);
    expect(then!.pass, then!.text).toBe(true);
    expect(now!.pass, now!.text).toBe(true);
    await bot.close();
  });

  it('is the one chosen whatever the clock (chat --edition)', async () => {
    expect(parseCliFlags(['--edition', '2023', '--jsonl']).edition).toBe('2023');
    const { bot } = await botAt(at('2024-08-01'), { edition: '2023' });
    expect(bot.knowledge.edition).toBe('2023');
    expect((await ask(bot, '个人申报截止时间是哪天')).text).toContain(individual(k2023));
    await bot.close();
    await expect(botAt(AFTER, { edition: '2019' })).rejects.toThrow('there is no edition 2019; the editions are 2023, 2024');
  });
});

describe('a question about another season', () => {
  let before: Bot;
  let after: Bot;
  beforeAll(async () => {
    before = (await botAt(BEFORE)).bot;
    after = (await botAt(at('2024-08-01'))).bot;
  });
  afterAll(async () => {
    await before.close();
    await after.close();
  });

  it('after the change, is answered from last season\'s edition, marked as last year\'s', async () => {
    const lead = say(after.flow, 'previousEdition', { edition: '2023' });
    for (const q of ['去年的截止时间是哪天', '2023年度的评审个人申报截止是哪天', '上一年度的评审截止时间是哪天']) {
      const a = await ask(after, q);
      expect(a.fallback, q).toBe(false);
      expect(a.text.startsWith(`${lead}\n`), `${q}: ${a.text}`).toBe(true);
      expect(a.text, q).toContain(individual(k2023));
      expect(a.text, q).not.toContain(individual(k2024));
    }
    // This season's own question: this edition, unmarked.
    const own = await ask(after, '个人申报截止时间是哪天');
    expect(own.text).toContain(individual(k2024));
    expect(own.all).not.toContain(lead);
    const english = await ask(after, "What was last year's deadline for individual applications?");
    expect(english.text.startsWith(say(after.flow, 'previousEditionEn', { edition: '2023' }))).toBe(true);
  });

  it('before the change, last year has no edition: the honest fallback', async () => {
    const fallback = say(before.flow, 'fallback', { zone: k2023.params.zone.value, kind: k2023.params.employerKind.value, contactName: k2023.params.contact.value.name, phone: k2023.params.contact.value.phone });
    for (const q of ['去年的评审截止时间是哪天', '2022年度的评审截止时间', '2024年度的评审截止时间是哪天', '明年的评审什么时候开始']) {
      const a = await ask(before, q);
      expect(a.fallback, q).toBe(true);
      expect(a.text, q).toBe(fallback);
    }
  });

  it('after the change, a year with no edition (older, or to come) stays out of scope', async () => {
    for (const q of ['2022年度的评审截止时间', '2025年度的评审什么时候开始', '明年的评审什么时候开始', '前年的评审条件']) {
      const a = await ask(after, q);
      expect(a.fallback, q).toBe(true);
      expect(a.all, q).not.toContain(individual(k2023));
      expect(a.all, q).not.toContain(individual(k2024));
    }
  });
});

describe('office changes', () => {
  it('apply to the edition they were made for', async () => {
    const { bot } = await botAt(BEFORE);
    const entry = bot.knowledge.faq.find((e) => e.answer.includes(individual(k2023)))!;
    const phrasing = '那个截至日子到底是啥时候嘞';
    const add = (text: string) => bot.changes.add({ kind: 'phrasing', entry: entry.id, text }, 'office', bot.clock.now(), (active, edition) => { bot.candidate(active, edition); });
    const stored = await add(phrasing);
    expect(stored.edition).toBe('2023');
    await bot.syncKnowledge();
    expect(bot.knowledge.faqById.get(entry.id)!.questions).toContain(phrasing);

    bot.clock.advanceTo(AFTER);
    await bot.syncKnowledge();
    expect(bot.knowledge.edition).toBe('2024');
    expect(bot.knowledge.faqById.get(entry.id)!.questions).not.toContain(phrasing);
    expect(bot.env(BEFORE).knowledge.faqById.get(entry.id)!.questions).toContain(phrasing);
    // One made now is 2024's.
    const later = await add('今年截至日子到底是啥时候嘞');
    expect(later.edition).toBe('2024');
    await bot.syncKnowledge();
    expect(bot.knowledge.faqById.get(entry.id)!.questions).toContain('今年截至日子到底是啥时候嘞');
    expect(bot.env(BEFORE).knowledge.faqById.get(entry.id)!.questions).not.toContain('今年截至日子到底是啥时候嘞');
    await bot.close();
  });
});

describe('reminders across the change', () => {
  it('those who waited for the next notice get it once; last season\'s subscriptions end; new ones follow the new edition', async () => {
    const { bot, sent } = await botAt(at('2023-08-01'));
    await bot.handle('ann', { kind: 'action', action: 'remind:applicant' });
    expect((await bot.store.get<Subscription>(keys.subscription('ann')))!.edition).toBe('2023');
    bot.clock.advanceTo(at('2023-10-01'));
    await bot.handle('dan', { kind: 'action', action: 'remind:next' });
    expect(await bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });

    // The day 2024 comes into force, the same bot: the new notice to dan, once; nothing to ann.
    bot.clock.advanceTo(AFTER);
    expect(await bot.runDue()).toEqual({ sent: 1, failed: 0, waiting: 0 });
    expect(sent.map((s) => s.chat)).toEqual(['dan']);
    expect(sent[0]!.text).toBe(say(bot.flow, 'newEdition', { edition: '2024', title: k2024.notice.title, docNumber: k2024.notice.docNumber }));
    expect(await bot.runDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });
    expect((await bot.handle('ann', { kind: 'text', text: '我的提醒' })).replies[0]!.text).toContain('还没有订阅');

    // ann subscribes again: 2024's deadlines.
    const again = await bot.handle('ann', { kind: 'action', action: 'remind:applicant' });
    expect(again.replies[0]!.text).toContain(individual(k2024));
    expect((await bot.store.get<Subscription>(keys.subscription('ann')))!.edition).toBe('2024');
    const deadline = k2024.params.individualDeadline.value;
    expect(await bot.runDue(at(deadline))).toMatchObject({ sent: 1 });
    expect(sent.at(-1)!.chat).toBe('ann');
    expect(sent.at(-1)!.text).toContain(individual(k2024));
    await bot.close();
  });
});

describe('assess --edition', () => {
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    let out = '';
    let err = '';
    const code = runAssess(argv, env, { read: () => JSON.stringify(BASE), out: (t) => { out += t; }, err: (t) => { err += t; } }, root);
    return { code, out, err };
  };
  const deadlineNotes = (out: string) => (JSON.parse(out) as { deadlines: unknown }).deadlines;

  it('assesses under the edition in force at --now, or the one named', () => {
    const in2024 = run(['-', '--now', '2024-08-01T09:00:00+08:00']);
    expect(in2024.code).toBe(0);
    expect(JSON.stringify(deadlineNotes(in2024.out))).toContain(k2024.params.individualDeadline.value);
    const chosen = run(['-', '--now', '2024-08-01T09:00:00+08:00', '--edition', '2023']);
    expect(chosen.code).toBe(0);
    expect(JSON.stringify(deadlineNotes(chosen.out))).toContain(k2023.params.individualDeadline.value);
    expect(run(['-', '--edition=2023', '--now', '2023-08-01T09:00:00+08:00']).out).toBe(run(['-', '--now', '2023-08-01T09:00:00+08:00']).out);
  });

  it('an unknown or malformed edition is a clear error (exit 2)', () => {
    expect(run(['-', '--edition', '2019'])).toEqual({ code: 2, out: '', err: '--edition 2019: there is no such edition; knowledge/editions.yaml lists 2023, 2024\n' });
    expect(run(['-', '--edition', 'next']).err).toBe('--edition: expected the year of an edition in knowledge/editions.yaml, e.g. 2023, got "next"\n');
    expect(run(['-', '--edition']).code).toBe(2);
  });
});

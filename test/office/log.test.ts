/**
 * The office's log through the bot as channels use it: what is kept for a question, a check and a
 * vote; that it holds no raw user id and no phone or ID number typed; 👍/👎 with the comment after
 * 👎 (and a question after 👎 answered, not taken as a comment); retention; 删除我的数据.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import type { StepResult } from '../../src/dialogue/types.ts';
import { createOfficeLog, type LogRecord } from '../../src/office/log.ts';
import { openStore } from '../../src/store/index.ts';
import { AUG, testBot } from '../kit.ts';

let bot: Bot;
beforeAll(async () => { bot = await testBot({ now: new Date(AUG) }); });
afterAll(async () => { await bot.close(); });

const say = (user: string, text: string) => bot.handle(user, { kind: 'text', text });
const press = (user: string, action: string) => bot.handle(user, { kind: 'action', action });
const mine = async (user: string): Promise<LogRecord[]> => {
  const hash = await bot.office.hash(user);
  return (await bot.office.read()).filter((r) => r.user === hash);
};
const voteButton = (r: StepResult, vote: 'up' | 'down') => r.replies.flatMap((x) => x.buttons).find((b) => b.action.startsWith(`fb:${vote}:`));

describe('the office log', () => {
  it('keeps each question with its focus, entry, score and fallback, by channel and day, and the user only as a keyed hash', async () => {
    await say('tg:99887766', '本科毕业几年能报');
    // Off-topic after a question on years: its own question, not the years again (it shares 几).
    await say('tg:99887766', '食堂几点开饭');
    const records = await mine('tg:99887766');
    expect(records).toHaveLength(2);
    const [answered, missed] = records as Extract<LogRecord, { type: 'question' }>[];
    expect(answered).toMatchObject({ type: 'question', channel: 'tg', day: '2023-08-01', text: '本科毕业几年能报', entry: 'faq:bachelor-years', fallback: false });
    expect(answered!.focus).toContain('years');
    expect(answered!.score).toBeGreaterThan(0.5);
    expect(missed).toMatchObject({ text: '食堂几点开饭', fallback: true });
    expect(answered!.user).toMatch(/^[0-9a-f]{16}$/);
    expect(JSON.stringify(await bot.office.read())).not.toContain('99887766');
  });

  it('masks phone numbers, ID numbers and names typed into a question before keeping it', async () => {
    await say('web:pii', '我叫张伟，手机13812345678，身份证330682199001011234，证书什么时候发');
    const [r] = await mine('web:pii') as Extract<LogRecord, { type: 'question' }>[];
    expect(r!.text).toBe('我叫〔姓名〕，手机〔手机号〕，身份证〔证件号〕，证书什么时候发');
    const all = JSON.stringify(await bot.office.read());
    for (const secret of ['13812345678', '330682199001011234', '张伟']) expect(all).not.toContain(secret);
  });

  it('logs a check started and its verdict (eligible or the blocker codes)', async () => {
    await press('web:check', 'interview:start');
    await bot.handle('web:check', { kind: 'value', value: false }); // not a private enterprise (the first question)
    const checks = (await mine('web:check')).filter((r) => r.type === 'check');
    expect(checks[0]).toMatchObject({ type: 'check', event: 'started' });
    const verdict = checks.find((r) => r.type === 'check' && r.event === 'verdict');
    if (verdict) expect(verdict).toMatchObject({ eligible: false });
  });

  it('offers 👍/👎 on every answer, counts a vote once, and asks for an optional comment after 👎', async () => {
    const answer = await say('line:U1', '继续教育要多少学时');
    const up = voteButton(answer, 'up');
    const down = voteButton(answer, 'down');
    expect(up?.label).toContain('👍');
    expect(down?.label).toContain('👎');
    expect((await press('line:U1', up!.action)).replies[0]!.text).toContain('谢谢');
    expect((await press('line:U1', up!.action)).replies[0]!.text).toContain('已经收到');
    const asked = await press('line:U1', down!.action);
    expect(asked.replies[0]!.text).toContain('打一句话');
    await say('line:U1', '没说公需课怎么算，我的电话13900001111');
    const votes = (await mine('line:U1')).filter((r) => r.type === 'feedback');
    expect(votes.map((v) => v.type === 'feedback' && v.vote)).toEqual(['up', 'down', 'down']);
    const question = (await mine('line:U1')).find((r) => r.type === 'question');
    expect(question).toMatchObject({ fallback: false, entry: expect.stringMatching(/^faq:/) });
    // Counted per entry: each vote names the entry the answer came from, and the message's id.
    for (const v of votes) expect(v).toMatchObject({ entry: question!.type === 'question' && question!.entry, qid: question!.type === 'question' && question!.qid });
    expect(votes.at(-1)).toMatchObject({ comment: '没说公需课怎么算，我的电话〔手机号〕' });
  });

  it('after 👎, a question is kept as the comment and answered too; a command is only the command', async () => {
    const answer = await say('web:fb2', '照片有什么要求');
    await press('web:fb2', voteButton(answer, 'down')!.action);
    const next = await say('web:fb2', '纸质材料交到哪里？');
    expect(next.fallback).toBe(false);
    expect(next.replies[0]!.text).toContain('已记下');
    expect(next.replies.map((r) => r.text).join('\n')).toContain('康阳大道');
    const records = await mine('web:fb2');
    expect(records.filter((r) => r.type === 'feedback' && r.comment).map((r) => r.type === 'feedback' && r.comment)).toEqual(['纸质材料交到哪里？']);
    expect(records.filter((r) => r.type === 'question').map((r) => r.type === 'question' && r.text)).toContain('纸质材料交到哪里？');
    const again = await say('web:fb2', '照片尺寸多大');
    await press('web:fb2', voteButton(again, 'down')!.action);
    expect((await say('web:fb2', '菜单')).replies[0]!.text).not.toContain('已记下');
    expect((await mine('web:fb2')).filter((r) => r.type === 'feedback' && r.comment)).toHaveLength(1);
  });

  it('takes 有用 / 没用 typed right after an answer as the vote (for channels and people that type)', async () => {
    expect((await say('terminal-user', '没用')).replies[0]!.text).not.toContain('谢谢你的反馈'); // nothing answered yet
    await say('terminal-user', '评审费多少钱');
    expect((await say('terminal-user', '有用')).replies[0]!.text).toContain('谢谢');
    expect((await mine('terminal-user')).filter((r) => r.type === 'feedback')).toMatchObject([{ vote: 'up', channel: 'terminal' }]);
  });

  it('offers no vote buttons while the check waits for an answer, and records no comment then', async () => {
    await press('web:during', 'interview:start');
    const side = await say('web:during', '照片有什么要求');
    expect(side.ask).not.toBeNull();
    expect(voteButton(side, 'up')).toBeUndefined();
  });

  it('offers 👍/👎 on an entry opened from a list too, counted for that entry', async () => {
    const shown = await press('web:browse', 'faq:photo-requirements');
    const down = voteButton(shown, 'down');
    expect(down).toBeDefined();
    await press('web:browse', down!.action);
    await say('web:browse', '尺寸写得不清楚');
    expect((await mine('web:browse')).filter((r) => r.type === 'feedback')).toMatchObject([
      { vote: 'down', entry: 'faq:photo-requirements' }, { vote: 'down', entry: 'faq:photo-requirements', comment: '尺寸写得不清楚' },
    ]);
  });

  it('refuses crafted feedback actions as stale buttons', async () => {
    for (const action of ['fb:up', 'fb:maybe:abcdef12', 'fb:down:../../x', 'fb:up:__proto__']) {
      const r = await press('web:crafted', action);
      expect(r.replies[0]!.text).not.toContain('谢谢你的反馈');
    }
    expect((await mine('web:crafted')).filter((r) => r.type === 'feedback')).toEqual([]);
  });

  it('删除我的数据 removes that user\'s records and no one else\'s', async () => {
    await say('web:gone', '报名截止是哪天');
    await say('web:stays', '报名截止是哪天');
    expect(await mine('web:gone')).toHaveLength(1);
    await say('web:gone', '删除我的数据');
    await press('web:gone', 'forget:yes');
    expect(await mine('web:gone')).toEqual([]);
    expect(await mine('web:stays')).toHaveLength(1);
  });
});

describe('the log in the store', () => {
  it('deletes the days past the retention and keeps the rest', async () => {
    const store = await openStore('memory://');
    const log = createOfficeLog(store, { retentionDays: 30 });
    const q = { type: 'question' as const, qid: 'abc123', text: '问', focus: [], entry: null, score: 0, fallback: true };
    await log.record('web:a', q, new Date('2023-06-01T10:00:00+08:00'));
    await log.record('web:a', q, new Date('2023-07-20T10:00:00+08:00'));
    await log.record('web:b', q, new Date('2023-08-01T10:00:00+08:00'));
    expect(await log.sweep(new Date('2023-08-01T12:00:00+08:00'))).toBe(1);
    expect((await log.read()).map((r) => r.day)).toEqual(['2023-07-20', '2023-08-01']);
    expect(await log.read({ since: '2023-08-01' })).toHaveLength(1);
    await store.close();
  });

  it('keeps many records of a day in chunks and reads them all back in order', async () => {
    const store = await openStore('memory://');
    const log = createOfficeLog(store);
    const at = new Date('2023-08-02T10:00:00+08:00');
    await Promise.all(Array.from({ length: 250 }, (_, i) => log.record(`web:u${i % 7}`, { type: 'question', qid: `q${i}`, text: `问题${i}`, focus: [], entry: null, score: 0, fallback: true }, at)));
    const back = await log.read();
    expect(back).toHaveLength(250);
    expect(new Set(back.map((r) => r.type === 'question' && r.qid)).size).toBe(250);
    expect(await log.forget('web:u3', at)).toBe(back.filter((r) => r.user === back.find((x) => x.type === 'question' && x.qid === 'q3')!.user).length);
    expect(await log.read()).toHaveLength(250 - 36);
    await store.close();
  });

  it('hashes a user the same way on every instance of one store, and differently on another store', async () => {
    const store = await openStore('memory://');
    const [a, b] = [createOfficeLog(store), createOfficeLog(store)];
    const [ha, hb] = await Promise.all([a.hash('tg:1'), b.hash('tg:1')]);
    expect(ha).toBe(hb);
    const other = await openStore('memory://');
    expect(await createOfficeLog(other).hash('tg:1')).not.toBe(ha);
    await Promise.all([store.close(), other.close()]);
  });
});

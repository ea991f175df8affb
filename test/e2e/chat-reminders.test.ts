/**
 * Deadline reminders through the real `chat --jsonl` with a controlled clock: each reminder once
 * in `pushed`, none repeated or lost across restarts (one sqlite file), and two processes on
 * one Redis server sending each reminder once between them.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedisServer, type RedisServer } from '../store/redis-server.ts';
import { runTsx, runTsxSync } from './spawn.ts';

interface Output { replies: { text: string; citations: { id: string }[] }[]; pushed: { user: string; text: string }[]; assessment: unknown }

const args = (store: string, user: string, now: string) => ['--jsonl', '--user', user, '--store', store, '--now', now];
const stdin = (lines: unknown[]) => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const parse = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as Output);

function chat(lines: unknown[], store: string, user: string, now: string): Output[] {
  const run = runTsxSync('src/cli/chat.ts', args(store, user, now), { input: stdin(lines), env: { STORE_URL: '' } });
  expect(run.status, run.stderr).toBe(0);
  const out = parse(run.stdout);
  expect(out).toHaveLength(lines.length);
  return out;
}

async function chatAsync(lines: unknown[], store: string, user: string, now: string): Promise<Output[]> {
  const run = await runTsx('src/cli/chat.ts', args(store, user, now), { input: stdin(lines) });
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return parse(run.stdout);
}

const now = (iso: string) => ({ now: iso });
const pushedOf = (out: Output[]) => out.flatMap((o) => o.pushed);
/** "个人申报截止 … 还有7天" → "individual 7" style keys of what was pushed. */
const keyOf = (p: { user: string; text: string }) => `${p.user} ${/：(.+?)是/.exec(p.text)![1]} ${/，(还有\d+天|就是今天)/.exec(p.text)![1]}`;

const SEASON = [
  '个人申报截止 还有7天', '个人申报截止 还有3天', '个人申报截止 还有1天', '个人申报截止 就是今天',
  '单位推荐截止 还有7天', '单位推荐截止 还有3天', '单位推荐截止 还有1天', '单位推荐截止 就是今天',
];

describe('reminders over a season, with restarts (sqlite)', () => {
  const store = `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'remind-')), 'bot.sqlite')}`;

  it('sends each reminder once, on time, and none repeated or lost across restarts', () => {
    // Run 1: subscribe on 8-01, see the 7-day reminder at 09:00 on 9-01, not before.
    const first = chat(['订阅提醒', { action: 'remind:applicant' }, now('2023-09-01T08:59:00+08:00'), now('2023-09-01T09:00:00+08:00'), now('2023-09-03T12:00:00+08:00')], store, 'alice', '2023-08-01T09:00:00+08:00');
    expect(first[1]!.replies[0]!.text).toContain('已订阅');
    expect(first[2]!.pushed).toEqual([]);
    expect(first[3]!.pushed.map(keyOf)).toEqual(['alice 个人申报截止 还有7天']);
    expect(first[3]!.pushed[0]!.text).toContain('五、注意事项 › (四)');
    expect(first[4]!.pushed).toEqual([]);
    // Run 2 starts after the 3-day reminder fell due while nothing ran: it is sent, once.
    const second = chat([now('2023-09-05T10:00:00+08:00'), now('2023-09-05T11:00:00+08:00'), now('2023-09-07T09:00:00+08:00')], store, 'alice', '2023-09-05T10:00:00+08:00');
    expect(second.map((o) => o.pushed.map(keyOf))).toEqual([['alice 个人申报截止 还有3天'], [], ['alice 个人申报截止 还有1天']]);
    // Run 3 replays instants already handled: nothing is sent again.
    const third = chat([now('2023-09-07T09:00:00+08:00'), now('2023-09-08T09:00:00+08:00'), now('2023-09-08T09:00:00+08:00')], store, 'alice', '2023-09-07T09:00:00+08:00');
    expect(third.map((o) => o.pushed.map(keyOf))).toEqual([[], ['alice 个人申报截止 就是今天'], []]);
    // Run 4: the unit deadline's four reminders, one restart in the middle.
    const fourth = chat([now('2023-09-14T09:00:00+08:00'), now('2023-09-18T09:00:00+08:00')], store, 'alice', '2023-09-14T09:00:00+08:00');
    const fifth = chat([now('2023-09-18T09:30:00+08:00'), now('2023-09-20T09:00:00+08:00'), now('2023-09-21T09:00:00+08:00'), now('2023-09-30T09:00:00+08:00'), '我的提醒'], store, 'alice', '2023-09-18T09:30:00+08:00');
    const all = [...first, ...second, ...third, ...fourth, ...fifth].flatMap((o) => o.pushed).map(keyOf);
    expect(all).toEqual(SEASON.map((s) => `alice ${s}`));
    expect(fifth.at(-1)!.replies[0]!.text).toContain('已经没有要发的提醒');
  });

  it('a late subscription gets the next reminder only; 退订 stops them', () => {
    const out = chat([{ action: 'remind:hr' }, now('2023-09-08T09:00:00+08:00'), now('2023-09-14T09:00:00+08:00'), '退订', now('2023-09-18T09:00:00+08:00')], store, 'bob', '2023-09-07T10:00:00+08:00');
    expect(out[1]!.pushed.map(keyOf)).toEqual(['bob 个人申报截止 就是今天']);
    // HR: the last day to start the publicity (9-14) and the unit deadline's 7-day reminder.
    expect(out[2]!.pushed.map(keyOf)).toEqual(['bob 单位公示最晚开始日 就是今天', 'bob 单位推荐截止 还有7天']);
    expect(out[2]!.pushed[0]!.text).toContain('5个工作日');
    expect(out[4]!.pushed).toEqual([]);
  });

  it('lists what is left on the checklist after the interview', () => {
    const interview = [{ action: 'interview:start' }, { value: true }, { value: true }, { value: 'materials' }, { value: 'mainland' }, { value: true },
      { value: { professional: 200, public: 60, other: 20 } }, { value: 'master' }, { value: '2020-07' }, { value: 'domestic' }, { value: '2020-06' },
      { value: true }, { value: true }, { value: false }, { action: 'interview:confirm' }];
    const out = chat([...interview, { action: 'remind:applicant' }, now('2023-09-01T09:00:00+08:00')], store, 'carol', '2023-08-01T09:00:00+08:00');
    expect(out[interview.length - 1]!.assessment).not.toBeNull();
    const text = out.at(-1)!.pushed[0]!.text;
    expect(text).toContain('材料清单上还有');
    expect(text).toMatch(/\n1\. /);
  });
});

const title = hasRedisServer ? 'two processes on one Redis server' : 'two processes on one Redis server (skipped: no redis-server binary on PATH)';
describe.skipIf(!hasRedisServer)(title, () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await startRedisServer(); });
  afterAll(async () => { await redis?.stop(); });

  it('send each reminder once between them', async () => {
    const start = '2023-08-01T09:00:00+08:00';
    for (const user of ['ann', 'ben', 'cat']) chat([{ action: user === 'ben' ? 'remind:hr' : 'remind:applicant' }], redis.url, user, start);
    const season = ['2023-09-01', '2023-09-05', '2023-09-07', '2023-09-08', '2023-09-14', '2023-09-18', '2023-09-20', '2023-09-21'].map((d) => now(`${d}T09:00:00+08:00`));
    const [a, b] = await Promise.all([chatAsync(season, redis.url, 'ann', start), chatAsync(season, redis.url, 'ben', start)]);
    const sent = [...pushedOf(a), ...pushedOf(b)].map(keyOf).sort();
    // ben is HR: also the last day to start the publicity (9-14); its 3- and 1-day reminders
    // (9-11, 9-13) fall between the instants above and are superseded by the one on the day.
    const expected = [
      ...['ann', 'cat'].flatMap((u) => SEASON.map((s) => `${u} ${s}`)),
      ...[...SEASON, '单位公示最晚开始日 还有7天', '单位公示最晚开始日 就是今天'].map((s) => `ben ${s}`),
    ].sort();
    expect(sent).toEqual(expected);
    // Which process sends which depends on timing; test/reminders/runner.test.ts races two bots
    // on one Redis at the same instants in one process.
  });
});

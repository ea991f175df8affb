/**
 * Knowledge changes as data: applied to the files' YAML with comments and layout kept, idempotent
 * (an exported and committed change applies as nothing), checked by the loader; `kb:export` writes
 * them into a knowledge folder; and the figures the console and the report show.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bot } from '../../src/bot/index.ts';
import { defaultKnowledgeRoot, KnowledgeError, readKnowledgeFiles } from '../../src/knowledge/load.ts';
import { applyChanges, knowledgeWith, YAML_OUTPUT, type KnowledgeChange } from '../../src/office/changes.ts';
import type { LogRecord } from '../../src/office/log.ts';
import { formatReport } from '../../src/office/report.ts';
import { buildReport, figures } from '../../src/office/stats.ts';
import { AUG, testBot } from '../kit.ts';
import { SWITCH_DAY, twoEditionRoot } from '../editions.ts';

// The edition in force at the tests' clock (AUG), for which the bots below make their changes.
const { files, edition } = readKnowledgeFiles(undefined, { at: new Date(AUG) });
const faqFile = `${edition}/faq.yaml`;

describe('knowledge changes', () => {
  it('the files the console edits are kept in the layout the YAML writer produces (so an export diff shows only the change)', () => {
    for (const name of [faqFile, `${edition}/faq-en.yaml`, 'synonyms.yaml']) {
      expect(parseDocument(files[name]!).toString(YAML_OUTPUT), `knowledge/${name}: rewrite it once with the YAML writer`).toBe(files[name]);
    }
  });

  it('adds a phrasing, a synonym and an entry as a person would write them, comments kept, and applies each once only', () => {
    const changes: KnowledgeChange[] = [
      { kind: 'phrasing', entry: 'fee-amount', text: '评审要交多少钱啊' },
      { kind: 'synonym', canonical: '纸质材料', variant: '纸档' },
      { kind: 'synonym', canonical: '补办', variant: '重办' },
      { kind: 'entry', id: 'lost-certificate', topic: 'contact', questions: ['证书丢了怎么办'], answer: '通知未写明，请咨询评审办。', answerEn: 'The notice does not say.', clauses: ['contact'] },
    ];
    const once = applyChanges(files, edition, changes);
    const twice = applyChanges(once, edition, changes);
    expect(twice).toEqual(once);
    const added = (name: string) => once[name]!.split('\n').filter((l) => !files[name]!.split('\n').includes(l));
    expect(added(faqFile)).toEqual(expect.arrayContaining(['      - 评审要交多少钱啊', '  - id: lost-certificate']));
    expect(once[faqFile]).toContain('  - id: lost-certificate\n    topic: contact\n    questions:\n      - 证书丢了怎么办\n    answer: 通知未写明，请咨询评审办。\n    clauses: [contact]\n');
    expect(added('synonyms.yaml')).toEqual(expect.arrayContaining(['  补办: [重办]']));
    expect(once[faqFile]).toContain('# Common questions, by topic.');
    const k = knowledgeWith(files, edition, changes);
    expect(k.faqById.get('fee-amount')!.questions).toContain('评审要交多少钱啊');
    expect(k.faqById.get('lost-certificate')!.answerEn).toBe('The notice does not say.');
    expect(k.synonyms.get('纸档')).toBe('纸质材料');
  });

  it('is refused by the loader\'s checks: an unknown clause, a number not in the clauses, a synonym taken, an unknown topic', () => {
    const entry = { kind: 'entry' as const, id: 'x-entry', topic: 'contact', questions: ['问'], answerEn: 'x', clauses: ['contact'] };
    const cases: [KnowledgeChange, RegExp][] = [
      [{ ...entry, answer: '见条款', clauses: ['nope'] }, /cites clause "nope", which does not exist/],
      [{ ...entry, answer: '需要 999 学时' }, /states 999, which is in none of its clauses/],
      [{ ...entry, answer: '问评审办', topic: 'no-topic' }, /topic "no-topic" does not exist/],
      [{ kind: 'synonym', canonical: '工程师', variant: '助工' }, /is already a synonym of/],
    ];
    for (const [change, message] of cases) {
      expect(() => knowledgeWith(files, edition, [change])).toThrow(KnowledgeError);
      expect(() => knowledgeWith(files, edition, [change])).toThrow(message);
    }
  });
});

describe('kb:export', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(path.join(tmpdir(), 'kb-export-')); cpSync(defaultKnowledgeRoot(), dir, { recursive: true }); });
  afterAll(() => { rmSync(dir, { recursive: true, force: true }); });

  it('writes the changes kept in the store into a knowledge folder, and a second export writes nothing', async () => {
    const { spawnSync } = await import('node:child_process');
    const store = path.join(dir, 'store.sqlite');
    const bot = await testBot({ storeUrl: `sqlite://${store}`, now: new Date(AUG) });
    await bot.changes.add({ kind: 'phrasing', entry: 'fee-amount', text: '评审要交多少钱啊' }, '王老师', new Date(AUG), (active) => { bot.candidate(active); });
    const undone = await bot.changes.add({ kind: 'phrasing', entry: 'fee-amount', text: '撤销的问法' }, '王老师', new Date(AUG), (active) => { bot.candidate(active); });
    await bot.changes.undo(undone.id, '王老师', new Date(AUG), (active) => { bot.candidate(active); });
    await bot.close();
    const tsx = path.resolve('node_modules/.bin/tsx');
    const run = () => spawnSync(tsx, ['src/cli/kb-export.ts', '--store', `sqlite://${store}`, '--knowledge', dir], { encoding: 'utf8', env: { ...process.env, STORE_URL: '' } });
    const first = run();
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('wrote');
    const written = readFileSync(path.join(dir, faqFile), 'utf8');
    expect(written).toContain('      - 评审要交多少钱啊');
    expect(written).not.toContain('撤销的问法');
    expect(written.split('\n').length).toBe(files[faqFile]!.split('\n').length + 1);
    const second = run();
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('already in');
  }, 60_000);

  it('writes each change into the edition it was made for', async () => {
    const { spawnSync } = await import('node:child_process');
    const root = twoEditionRoot();
    const store = path.join(root, 'store.sqlite');
    const bot = await testBot({ storeUrl: `sqlite://${store}`, knowledgeRoot: root, now: new Date(AUG) });
    const add = (text: string, now: Date) => bot.changes.add({ kind: 'phrasing', entry: 'fee-amount', text }, '王老师', now, (active, edition) => { bot.candidate(active, edition); });
    expect((await add('二三年的评审费交多少', new Date(AUG))).edition).toBe('2023');
    expect((await add('二四年的评审费交多少', new Date(`${SWITCH_DAY}T10:00:00+08:00`))).edition).toBe('2024');
    await bot.close();
    const tsx = path.resolve('node_modules/.bin/tsx');
    const run = spawnSync(tsx, ['src/cli/kb-export.ts', '--store', `sqlite://${store}`, '--knowledge', root], { encoding: 'utf8', env: { ...process.env, STORE_URL: '' } });
    expect(run.status, run.stderr).toBe(0);
    const faq = (edition: string) => readFileSync(path.join(root, edition, 'faq.yaml'), 'utf8');
    expect(faq('2023')).toContain('      - 二三年的评审费交多少');
    expect(faq('2023')).not.toContain('二四年的评审费交多少');
    expect(faq('2024')).toContain('      - 二四年的评审费交多少');
    expect(faq('2024')).not.toContain('二三年的评审费交多少');
  }, 60_000);
});

describe('the figures', () => {
  const base = { at: '2023-08-01T01:00:00.000Z', day: '2023-08-01', channel: 'web' };
  const q = (user: string, qid: string, text: string, fallback: boolean, entry: string | null = null): LogRecord => ({ ...base, user, type: 'question', qid, text, focus: [], entry, score: fallback ? 0.1 : 0.9, fallback });

  it('counts questions, fallbacks, one vote per answer (the latest), and checks by run', () => {
    const records: LogRecord[] = [
      q('a', 'q1', '评审费多少', false, 'faq:fee-amount'), q('b', 'q2', '食堂几点开饭', true), q('c', 'q3', '食堂几点开门', true),
      { ...base, user: 'a', type: 'feedback', qid: 'q1', entry: 'faq:fee-amount', vote: 'up' },
      { ...base, user: 'a', type: 'feedback', qid: 'q1', entry: 'faq:fee-amount', vote: 'down', at: '2023-08-01T01:01:00.000Z', comment: '没有金额' },
      { ...base, user: 'd', type: 'check', event: 'started' },
      { ...base, user: 'd', type: 'check', event: 'verdict', eligible: false, blockers: ['continuing-education'], at: '2023-08-01T01:02:00.000Z' },
      { ...base, user: 'd', type: 'check', event: 'verdict', eligible: true, blockers: [], at: '2023-08-01T01:03:00.000Z' },
      { ...base, user: 'e', type: 'check', event: 'started' },
    ];
    expect(figures(records)).toEqual({
      questions: 3, answered: 1, fallbacks: 2, fallbackRate: 2 / 3, up: 0, down: 1,
      checksStarted: 2, checksFinished: 1, eligible: 1, eligibleShare: 1,
    });
  });

  let bot: Bot;
  beforeAll(async () => { bot = await testBot({ now: new Date(AUG) }); });
  afterAll(async () => { await bot.close(); });

  it('groups alike misses with their nearest entries, lists the top entries and those never hit, and prints them', () => {
    const records: LogRecord[] = [
      q('a', 'q1', '评审费多少', false, 'faq:fee-amount'), q('b', 'q2', '食堂几点开饭', true), q('c', 'q3', '单位食堂几点开饭', true),
      q('d', 'q4', '纸质材料送到哪', false, 'faq:paper-address'),
      { ...base, user: 'd', type: 'feedback', qid: 'q4', entry: 'faq:paper-address', vote: 'down', comment: '地址看不懂' },
      { ...base, day: '2023-07-01', at: '2023-07-01T01:00:00.000Z', user: 'z', type: 'question', qid: 'old', text: '去年的问题', focus: [], entry: null, score: 0, fallback: true },
    ];
    const r = buildReport(records, { knowledge: bot.knowledge, index: bot.index, today: '2023-08-01' });
    expect(r.season.questions).toBe(4); // the notice was issued after 2023-07-01
    expect(r.misses.map((m) => [m.text, m.count])).toEqual([['食堂几点开饭', 2], ['纸质材料送到哪', 1]]);
    expect(r.misses[1]).toMatchObject({ down: 1, fallbacks: 0, comments: ['地址看不懂'] });
    expect(r.misses[1]!.nearest[0]!.id).toBe('paper-address');
    expect(r.top.map((t) => t.entry)).toEqual(expect.arrayContaining(['fee-amount', 'paper-address']));
    expect(r.neverHit.map((n) => n.entry)).not.toContain('fee-amount');
    expect(r.days).toEqual([{ day: '2023-08-01', questions: 4, fallbacks: 2, fallbackRate: 0.5 }]);
    expect(r.disliked).toEqual([{ entry: 'paper-address', question: bot.knowledge.faqById.get('paper-address')!.questions[0], up: 0, down: 1, comments: ['地址看不懂'] }]);
    // However many odd questions the log holds, a bounded number of wordings is grouped and the rest counted.
    const flood: LogRecord[] = Array.from({ length: 3000 }, (_, i) => q(`u${i % 40}`, `f${i}`, `乱码${i.toString(36)}吗`, true));
    const big = buildReport(flood, { knowledge: bot.knowledge, index: bot.index, today: '2023-08-01' });
    expect(big.misses.length).toBeLessThanOrEqual(50);
    expect(big.missesLeftOut).toBe(3000 - 200);
    const text = formatReport(r);
    expect(text).toContain('entries with 👎');
    expect(text).toContain('食堂几点开饭');
    expect(text).toContain('fallback  50.0%');
  });
});

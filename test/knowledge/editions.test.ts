/**
 * knowledge/editions.yaml: the editions carried and the day each comes into force, checked at
 * load; the season a question names, by the file's words; out-of-scope examples whose years
 * follow the edition.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { editionForYear, editionOn, editionsBefore, seasonNamed, type EditionsPlan } from '../../src/knowledge/editions.ts';
import { defaultKnowledgeRoot, KnowledgeError, loadKnowledge, parseEditions, readEditions, UnknownEditionError } from '../../src/knowledge/load.ts';
import { normalize } from '../../src/text/normalize.ts';
import { SWITCH_DAY, twoEditionRoot } from '../editions.ts';

const realFile = readFileSync(path.join(defaultKnowledgeRoot(), 'editions.yaml'), 'utf8');
const seasons = realFile.slice(realFile.indexOf('\nseasons:'));
/** An editions.yaml with the real season words and these editions. */
const withEditions = (list: string): string => `editions:\n${list}${seasons}`;
const problem = (text: string): string => {
  try {
    parseEditions(text);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return (err as Error).message;
  }
  throw new Error('parsed without a problem');
};

describe('editions.yaml', () => {
  it('lists each edition with the day it comes into force', () => {
    const plan = readEditions();
    expect(plan.carried).toContain(loadKnowledge().edition);
    expect(plan.schedule.map((e) => e.edition)).toEqual(plan.carried);
    for (const e of plan.schedule) expect(e.from).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('refuses editions out of order, twice, on a day that does not exist, or with days not ascending', () => {
    expect(problem(withEditions('  - { edition: "2024", from: "2024-07-16" }\n  - { edition: "2023", from: "2023-07-19" }\n')))
      .toBe('knowledge/editions.yaml: editions[1] (2023): editions must be listed oldest first: 2023 comes after 2024');
    expect(problem(withEditions('  - { edition: "2023", from: "2023-07-19" }\n  - { edition: "2023", from: "2024-07-16" }\n')))
      .toBe('knowledge/editions.yaml: editions[1] (2023): edition 2023 is listed twice');
    expect(problem(withEditions('  - { edition: "2023", from: "2023-02-30" }\n')))
      .toBe('knowledge/editions.yaml: editions[0] (2023).from: 2023-02-30 is not a day of the calendar');
    expect(problem(withEditions('  - { edition: "2023", from: "2023-07-19" }\n  - { edition: "2024", from: "2023-07-19" }\n')))
      .toBe('knowledge/editions.yaml: editions[1] (2024).from: 2023-07-19 is not after 2023-07-19, the day 2023 comes into force');
    expect(problem(withEditions('  - { edition: "2023", form: "2023-07-19" }\n'))).toMatch(/^knowledge\/editions\.yaml: editions\[0\]/);
    expect(problem('editions:\n  - { edition: "2023", from: "2023-07-19" }\n')).toBe('knowledge/editions.yaml: seasons: Invalid input: expected object, received undefined');
  });

  it('still reads the first form: one current edition whatever the day', () => {
    const plan = parseEditions('current: "2024"\neditions: ["2023", "2024"]\n');
    expect(plan.carried).toEqual(['2023', '2024']);
    expect(editionOn(plan, '2000-01-01')).toBe('2024');
    expect(editionsBefore(plan, '2024')).toEqual([]);
    expect(problem('current: "2025"\neditions: ["2023", "2024"]\n')).toBe('knowledge/editions.yaml: current: current edition 2025 is not listed in "editions"');
  });

  it('names an edition whose folder is missing', () => {
    const root = twoEditionRoot();
    rmSync(path.join(root, '2024'), { recursive: true });
    expect(() => readEditions(root)).toThrow('knowledge/editions.yaml: edition 2024: knowledge/2024/ is missing (no 2024/notice.yaml)');
  });

  it('serves the latest edition whose day has come (the first before any)', () => {
    const plan = readEditions(twoEditionRoot());
    expect(editionOn(plan, '2020-01-01')).toBe('2023');
    expect(editionOn(plan, '2024-07-15')).toBe('2023');
    expect(editionOn(plan, SWITCH_DAY)).toBe('2024');
    expect(editionOn(plan, '2031-01-01')).toBe('2024');
    expect(editionsBefore(plan, '2024')).toEqual(['2023']);
    expect(editionsBefore(plan, '2023')).toEqual([]);
  });

  it('loads the edition in force at an instant, or one by name; an unknown one is a clear error', () => {
    const root = twoEditionRoot();
    // 16 July 00:30 in Shanghai is still 15 July in UTC: the day is TZ_BOT's.
    expect(loadKnowledge(root, { at: new Date(`${SWITCH_DAY}T00:30:00+08:00`) }).edition).toBe('2024');
    expect(loadKnowledge(root, { at: new Date(`${SWITCH_DAY}T00:30:00+08:00`), timeZone: 'UTC' }).edition).toBe('2023');
    expect(loadKnowledge(root, '2023').edition).toBe('2023');
    const unknown = (() => { try { loadKnowledge(root, '2019'); } catch (err) { return err; } })();
    expect(unknown).toBeInstanceOf(UnknownEditionError);
    expect((unknown as UnknownEditionError).flagLine).toBe('--edition 2019: there is no such edition; knowledge/editions.yaml lists 2023, 2024');
  });
});

describe('the season a question names', () => {
  const plan: EditionsPlan = readEditions(twoEditionRoot());
  const year = (text: string, served = '2024') => seasonNamed(normalize(text), plan, served)?.year ?? null;

  it('reads a year or a year relative to the edition served, followed by a word of a season', () => {
    expect(year('2023年度的评审个人申报截止是哪天')).toBe(2023);
    expect(year('2023年的评审条件')).toBe(2023);
    expect(year('去年的截止时间是哪天')).toBe(2023);
    expect(year('去年的截止时间是哪天', '2023')).toBe(2022);
    expect(year('上一年度的评审条件有哪些')).toBe(2023);
    expect(year('明年评审什么时候')).toBe(2025);
    expect(year("What was last year's deadline?")).toBe(2023);
    expect(year('When does the 2025 evaluation start?')).toBe(2025);
  });

  it('leaves a person\'s own years and the notice\'s own wording alone', () => {
    for (const text of ['2022年度考核合格', '我2021年申报过没通过，今年还能报吗', '2020年学的学时能算吗', '发文时间为上一年度7月1日至当年度6月30日',
      '去年换了工作考核怎么写', '年限计算截止2023年12月31日', '12023年评审']) expect(year(text), text).toBeNull();
  });

  it('marks the words naming the season, with their joiner', () => {
    const text = normalize('去年的截止时间是哪天');
    const s = seasonNamed(text, plan, '2024')!;
    expect(text.slice(s.at, s.end)).toBe('去年的');
  });

  it('answers the edition served and those in force before it; no other year', () => {
    expect(editionForYear(plan, '2024', 2024)).toEqual({ edition: '2024', earlier: false });
    expect(editionForYear(plan, '2024', 2023)).toEqual({ edition: '2023', earlier: true });
    expect(editionForYear(plan, '2024', 2022)).toBeNull();
    expect(editionForYear(plan, '2024', 2025)).toBeNull();
    // 2024 is carried but not in force while 2023 is served.
    expect(editionForYear(plan, '2023', 2024)).toBeNull();
  });
});

describe('out-of-scope examples naming years', () => {
  const root = twoEditionRoot();
  const examples = (edition: string) => loadKnowledge(root, edition).outOfScopeExamples.filter((e) => e.kind === 'other-years').map((e) => e.text);

  it('name years relative to the edition, so a later edition\'s own year is never one of them', () => {
    expect(examples('2023')).toContain('2024年的评审什么时候开始');
    expect(examples('2024')).toContain('2025年的评审什么时候开始');
    expect(examples('2024').filter((t) => t.includes('2024'))).toEqual([]);
  });

  it('refuses a placeholder that is not a year', () => {
    const file = path.join(root, 'out-of-scope-examples.yaml');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace('"{nextYear}年的评审什么时候开始"', '"{nextyear}年的评审什么时候开始"'));
    try {
      expect(() => loadKnowledge(root, '2023')).toThrow(/^knowledge\/out-of-scope-examples\.yaml: kinds\.other-years\.examples\[0\]: unknown placeholder \{nextyear\}/);
    } finally {
      writeFileSync(file, text);
    }
  });
});

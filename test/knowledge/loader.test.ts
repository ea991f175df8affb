import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { calendarCoverage, calendarYears } from '../../src/core/working-days.ts';
import { defaultKnowledgeRoot, knowledgeFileNames, loadKnowledge, parseKnowledge, readEditions, type KnowledgeFiles } from '../../src/knowledge/load.ts';
import { EDITION_2023 } from '../kit.ts';

const root = defaultKnowledgeRoot();
const fixtures = path.resolve(import.meta.dirname, '../fixtures/kb');

function realFiles(): KnowledgeFiles {
  return Object.fromEntries(knowledgeFileNames('2023').map((name) => [name, readFileSync(path.join(root, name), 'utf8')]));
}

/** The fixture's files, relative to its folder (expected.txt aside). */
function fixtureFiles(dir: string, prefix = ''): KnowledgeFiles {
  const out: KnowledgeFiles = {};
  for (const name of readdirSync(path.join(dir, prefix))) {
    const rel = path.join(prefix, name);
    if (statSync(path.join(dir, rel)).isDirectory()) Object.assign(out, fixtureFiles(dir, rel));
    else if (rel !== 'expected.txt') out[rel] = readFileSync(path.join(dir, rel), 'utf8');
  }
  return out;
}

describe('knowledge loader', () => {
  it('loads the 2023 notice whole', () => {
    const k = loadKnowledge(root, EDITION_2023);
    expect(k.edition).toBe(EDITION_2023);
    expect(k.notice.docNumber).toBe('虞综管办〔2023〕43号');
    // Every section and annex of the notice is there.
    for (const id of ['s1', 's2', 's2-1', 's2-4-5', 's2-5', 's3-3', 's4-1', 's5-4', 's5-5', 'contact', 'a1-2-1', 'a2-1-3', 'a3-1', 'a4-8', 'a5']) {
      expect(k.clauseById.has(id), id).toBe(true);
    }
    expect(k.params.continuingEducation.value).toMatchObject({ total: 270, professional: 180, public: 54 });
    expect(k.params.contact.value.phone).toBe('82313758');
  });

  it.each(readEditions(root).carried)('keeps the wording of the notice %s: each clause text occurs in the source once spacing is ignored', (edition) => {
    const k = loadKnowledge(root, edition);
    const squash = (s: string) => s.replace(/[\s（）()“”"<>]/g, '');
    const source = squash(readFileSync(path.resolve(root, '..', k.notice.source), 'utf8'));
    // Clauses that restate a table's heading or list (annex 4 and 5 headings, the annex list) are exempt.
    const restated = new Set(['a4', 'a5', 'annexes', 'a1-2-3', 'a2-1-1', 'a3-1', 'a1-2-5']);
    for (const c of k.clauses.filter((c) => !restated.has(c.id))) {
      for (const sentence of c.text.split(/[。；]/).map(squash).filter((s) => s.length > 6)) {
        expect(source.includes(sentence), `${c.id}: ${sentence}`).toBe(true);
      }
    }
  });

  const cases = readdirSync(fixtures).sort();
  it('has one bad fixture per loader error', () => {
    expect(cases.length).toBeGreaterThanOrEqual(14);
  });

  it.each(cases)('rejects the bad fixture %s with one message naming the file and entry', (name) => {
    const dir = path.join(fixtures, name);
    const expected = new RegExp(readFileSync(path.join(dir, 'expected.txt'), 'utf8').trim());
    const files = { ...realFiles(), ...fixtureFiles(dir) };
    expect(() => parseKnowledge(files, '2023')).toThrow(expected);
  });

  it('names a missing file', () => {
    const files = realFiles();
    delete files['2023/faq.yaml'];
    expect(() => parseKnowledge(files, '2023')).toThrow('knowledge/2023/faq.yaml: file is missing');
  });
});

/**
 * The calendar check: the 2023 edition with its dates moved (the notice's issue, the two deadlines
 * of 五(四) in the clause and the parameters alike), so that only the calendar can refuse it.
 */
describe('knowledge loader: the working-day calendar', () => {
  const moved = (dates: { issued: string; individual: string; unit: string }): KnowledgeFiles => {
    const files = realFiles();
    const cn = (iso: string) => `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8))}日`;
    const replace = (name: string, from: string, to: string) => {
      expect(files[name], `${name} states ${from}`).toContain(from);
      files[name] = files[name]!.replace(from, to);
    };
    replace('2023/notice.yaml', 'issued: "2023-07-19"', `issued: "${dates.issued}"`);
    replace('2023/parameters.yaml', '"2023-09-08"', `"${dates.individual}"`);
    replace('2023/parameters.yaml', '"2023-09-21"', `"${dates.unit}"`);
    replace('2023/clauses.yaml', '个人申报截止时间2023年9月8日，单位推荐截止时间2023年9月21日',
      `个人申报截止时间${cn(dates.individual)}，单位推荐截止时间${cn(dates.unit)}`);
    return files;
  };
  const { from, to } = calendarYears();
  const update = `; ${calendarCoverage()} (update it: npm install chinese-days@latest)`;
  const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('refuses an edition whose deadlines are in a year the calendar does not cover, naming the parameter and the date', () => {
    const y = to + 1;
    const files = moved({ issued: `${y}-07-19`, individual: `${y}-09-08`, unit: `${y}-09-21` });
    expect(() => parseKnowledge(files, '2023')).toThrow(
      `knowledge/2023/parameters.yaml: parameters.unitDeadline: ${y}-09-21 needs the working-day calendar of ${y}${update}`);
  });

  it('refuses a publicity counted back into a year the calendar does not cover', () => {
    const files = moved({ issued: `${from - 1}-07-19`, individual: `${from}-01-02`, unit: `${from}-01-05` });
    expect(() => parseKnowledge(files, '2023')).toThrow(new RegExp(
      `^knowledge/2023/parameters\\.yaml: parameters\\.publicityWorkingDays: ${from - 1}-12-\\d\\d \\(the start of 5 working days of publicity before ${from}-01-05\\) needs the working-day calendar of ${from - 1}${escape(update)}$`));
  });

  it('refuses an approval-SMS window that starts in a year the calendar does not cover', () => {
    const files = moved({ issued: `${from - 1}-12-01`, individual: `${from}-09-08`, unit: `${from}-09-21` });
    expect(() => parseKnowledge(files, '2023')).toThrow(
      `knowledge/2023/parameters.yaml: parameters.paperWorkingDays: ${from - 1}-12-01 (the paper materials are due 5 working days after an approval SMS, which can come from the notice's issue, ${from - 1}-12-01, to the end of ${from}) needs the working-day calendar of ${from - 1}${update}`);
  });

  it('loads an edition in the last year the calendar covers (the year after is not required)', () => {
    const files = moved({ issued: `${to}-07-19`, individual: `${to}-09-08`, unit: `${to}-09-21` });
    expect(parseKnowledge(files, '2023').params.unitDeadline.value).toBe(`${to}-09-21`);
  });
});

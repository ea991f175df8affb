/**
 * A knowledge root with two editions, for the tests of editions in force by date: a copy of
 * knowledge/ plus a 2024 edition and an editions.yaml listing both. The 2024 edition is the
 * fixture test/fixtures/editions/2024/ when it exists; until then a copy of 2023 with its own
 * notice (edition, document number, title, issue day) and its own two deadlines. Tests read what
 * they expect from the loaded editions, so they hold for either.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { defaultKnowledgeRoot } from '../src/knowledge/load.ts';

export const FIXTURE_2024 = path.resolve(import.meta.dirname, 'fixtures/editions/2024');

/** The day the 2024 edition comes into force in the root made (unless told otherwise). */
export const SWITCH_DAY = '2024-07-16';

/** The replacements that make the stand-in 2024 edition from the 2023 files. */
const STAND_IN: [string, string][] = [
  ['edition: "2023"', 'edition: "2024"'],
  ['虞综管办〔2023〕43号', '虞综管办〔2024〕51号'],
  ['issued: "2023-07-19"', 'issued: "2024-07-16"'],
  ['关于开展2023年度', '关于开展2024年度'],
  ['2023年9月8日', '2024年9月6日'],
  ['2023年9月21日', '2024年9月20日'],
  ['"2023-09-08"', '"2024-09-06"'],
  ['"2023-09-21"', '"2024-09-20"'],
  ['September 8, 2023', 'September 6, 2024'],
  ['September 21, 2023', 'September 20, 2024'],
];

/**
 * A temporary knowledge root carrying 2023 (from its day in knowledge/editions.yaml) and 2024
 * (from `from2024`); `editions` replaces the list whole (e.g. to leave 2024 unscheduled).
 */
export function twoEditionRoot(options: { from2024?: string; editions?: { edition: string; from: string }[] } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'kb-editions-'));
  cpSync(defaultKnowledgeRoot(), root, { recursive: true });
  const target = path.join(root, '2024');
  if (existsSync(FIXTURE_2024)) cpSync(FIXTURE_2024, target, { recursive: true });
  else {
    cpSync(path.join(root, '2023'), target, { recursive: true });
    for (const name of readdirSync(target)) {
      const file = path.join(target, name);
      let text = readFileSync(file, 'utf8');
      for (const [from, to] of STAND_IN) text = text.split(from).join(to);
      writeFileSync(file, text);
    }
  }
  const file = path.join(root, 'editions.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const first = (doc.toJS() as { editions: { edition: string; from: string }[] }).editions[0]!;
  doc.set('editions', options.editions ?? [first, { edition: '2024', from: options.from2024 ?? SWITCH_DAY }]);
  writeFileSync(file, doc.toString());
  return root;
}

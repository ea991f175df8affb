/**
 * The editions the behaviour tests run on: the real 2023 notice (knowledge/) and the synthetic
 * 2024 one (test/fixtures/editions/2024/, made from 2023 a year later with changed facts), each
 * loaded by data only through the loader's own parseKnowledge. Tests derive what they expect from
 * the edition's parameters, never from one year's numbers.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { createBot, type Bot, type BotOptions } from '../src/bot/index.ts';
import { defaultKnowledgeRoot, knowledgeFileNames, parseKnowledge, type Knowledge, type KnowledgeFiles } from '../src/knowledge/load.ts';
import { conversation, type Conversation } from './kit.ts';

/** The editions every dual-edition test runs on. */
export const EDITIONS = ['2023', '2024'] as const;
export type EditionId = (typeof EDITIONS)[number];

const root = defaultKnowledgeRoot();
const FIXTURES = path.resolve(import.meta.dirname, 'fixtures/editions');

/** Where an edition's own files are: knowledge/<edition>/ or the fixture's folder. */
function editionDir(edition: EditionId): string {
  return edition === '2023' ? path.join(root, edition) : path.join(FIXTURES, edition);
}

/** editions.yaml listing every edition here, `current` the one asked for. */
function editionsYaml(current: EditionId): string {
  return `current: "${current}"\neditions: [${EDITIONS.map((e) => `"${e}"`).join(', ')}]\n`;
}

/** The knowledge files of an edition: knowledge/'s shared files, the edition's folder, a synthesized editions.yaml. */
export function editionFiles(edition: EditionId): KnowledgeFiles {
  const files: KnowledgeFiles = {};
  for (const name of knowledgeFileNames(edition)) {
    if (name === 'editions.yaml') files[name] = editionsYaml(edition);
    else if (name.startsWith(`${edition}/`)) files[name] = readFileSync(path.join(editionDir(edition), name.slice(edition.length + 1)), 'utf8');
    else files[name] = readFileSync(path.join(root, name), 'utf8');
  }
  return files;
}

const loaded = new Map<EditionId, Knowledge>();
/** An edition as the loader checks it (once per test worker). */
export function editionKnowledge(edition: EditionId): Knowledge {
  let k = loaded.get(edition);
  if (!k) loaded.set(edition, (k = parseKnowledge(editionFiles(edition), edition)));
  return k;
}

const roots = new Map<EditionId, string>();
/**
 * A knowledge root on disk where `edition` is current: knowledge/'s shared files, every edition's
 * folder and the synthesized editions.yaml, in a temporary folder (for createBot, which reads a root).
 */
export function editionRoot(edition: EditionId): string {
  let dir = roots.get(edition);
  if (dir) return dir;
  dir = mkdtempSync(path.join(tmpdir(), `zhicheng-edition-${edition}-`));
  const made = dir;
  process.once('exit', () => rmSync(made, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(editionFiles(edition))) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  for (const other of EDITIONS.filter((e) => e !== edition)) {
    mkdirSync(path.join(dir, other), { recursive: true });
    for (const name of readdirSync(editionDir(other)).filter((n) => n.endsWith('.yaml'))) {
      writeFileSync(path.join(dir, other, name), readFileSync(path.join(editionDir(other), name), 'utf8'));
    }
  }
  roots.set(edition, dir);
  return dir;
}

const DAY_MS = 24 * 3600 * 1000;

/** Days before the personal deadline the season clock stands by default (2023: 2023-08-01, kit.ts AUG). */
export const SEASON_DAYS_BEFORE = 38;

/**
 * An instant inside the edition's season, derived from its parameters: `daysBefore` days before
 * the personal deadline (五(四)), 09:00 in Shanghai; by default where the 2023 tests' clock stands,
 * after the notice is issued.
 */
export function inSeason(k: Knowledge, daysBefore = SEASON_DAYS_BEFORE): string {
  const deadline = Date.parse(`${k.params.individualDeadline.value}T09:00:00+08:00`);
  const at = new Date(deadline - daysBefore * DAY_MS + 8 * 3600 * 1000);
  return `${at.toISOString().slice(0, 10)}T09:00:00+08:00`;
}

/** A bot serving `edition` on the memory store, its clock inside that edition's season. */
export function editionBot(edition: EditionId, options: BotOptions = {}): Promise<Bot> {
  return createBot({ storeUrl: 'memory://', knowledgeRoot: editionRoot(edition), now: new Date(inSeason(editionKnowledge(edition))), ...options });
}

/** A conversation with `bot` at an instant inside its edition's season (kit.ts `conversation`). */
export function seasonConversation(bot: Bot, daysBefore?: number): Conversation {
  return conversation(bot, inSeason(bot.knowledge, daysBefore));
}

/** The day the 2024 edition comes into force in a root of twoEditionRoot (unless told otherwise). */
export const SWITCH_DAY = '2024-07-16';

/**
 * A temporary knowledge root carrying 2023 (from its day in knowledge/editions.yaml) and the 2024
 * fixture (from `from2024`), for the tests of editions in force by date; `editions` replaces the
 * list whole (e.g. to leave 2024 unscheduled).
 */
export function twoEditionRoot(options: { from2024?: string; editions?: { edition: string; from: string }[] } = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'kb-editions-'));
  cpSync(root, dir, { recursive: true });
  cpSync(editionDir('2024'), path.join(dir, '2024'), { recursive: true });
  const file = path.join(dir, 'editions.yaml');
  const doc = parseDocument(readFileSync(file, 'utf8'));
  const first = (doc.toJS() as { editions: { edition: string; from: string }[] }).editions[0]!;
  doc.set('editions', options.editions ?? [first, { edition: '2024', from: options.from2024 ?? SWITCH_DAY }]);
  writeFileSync(file, doc.toString());
  return dir;
}

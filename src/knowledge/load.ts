/**
 * Loads knowledge/ and checks it whole: schema (zod, strict), unique ids, every reference, and
 * that every number a parameter or an FAQ answer states is in the clauses it cites. A failure
 * stops the load with one message naming the file and the entry. The notice's sentences
 * (wording.yaml) are checked the same way, and their placeholders against src/knowledge/wording.ts.
 */
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { cachedLoad } from '../core/data-cache.ts';
import { fill, undeclaredPlaceholder } from '../core/template.ts';
import { DataError, parseDataFile } from '../core/data-file.ts';
import { projectPath } from '../core/paths.ts';
import { calendarCoverage } from '../core/working-days.ts';
import { dateInZone } from '../core/zone.ts';
import { calendarGap } from './calendar.ts';
import {
  choicesFileSchema, clauseTitlesEnglishFileSchema, clausesFileSchema, editionsFileSchema, faqEnglishFileSchema, faqFileSchema, noticeSchema,
  outOfScopeExamplesFileSchema, outOfScopeFileSchema, parametersFileSchema, synonymsFileSchema,
  type Choices, type Clause, type FaqEntry, type Notice, type Parameters, type Topic,
} from './schema.ts';
import { normalize } from '../text/normalize.ts';
import { compileLexicon, readingFileSchema, type Lexicon, type ReadingFile } from './lexicon.ts';
import { numbersIn, numbersInValue } from '../text/numbers.ts';
import { checkWording, wordingFileSchema, type Wording } from './wording.ts';
import { editionOn, planOf, type EditionsPlan } from './editions.ts';

export interface OutOfScopeRule { id: string; terms: string[]; note: string }

export interface Knowledge {
  edition: string;
  /** knowledge/editions.yaml: the editions carried, when each is in force, the words naming a season. */
  editions: EditionsPlan;
  notice: Notice;
  clauses: Clause[];
  clauseById: Map<string, Clause>;
  params: Parameters;
  /** How the notice's specialties and 附件4 rows are offered and recognised (<edition>/choices.yaml). */
  choices: Choices;
  /** The notice's sentences the rules say, as templates (<edition>/wording.yaml). */
  wording: Wording;
  topics: Topic[];
  faq: FaqEntry[];
  faqById: Map<string, FaqEntry>;
  /** normalised variant → normalised canonical term */
  synonyms: Map<string, string>;
  outOfScope: OutOfScopeRule[];
  /** Example messages the notice does not answer, by kind (knowledge/out-of-scope-examples.yaml). */
  outOfScopeExamples: { kind: string; text: string }[];
  /** English glosses of the clause titles. */
  clauseTitleEn: Map<string, string>;
  stopwords: Set<string>;
  /** Words jieba must keep whole: the user dictionary, clause keywords, synonym terms. */
  userWords: string[];
  /** The word tables of knowledge/reading.yaml, compiled. */
  lexicon: Lexicon;
}

/** A knowledge file's content by its path relative to the knowledge root. */
export type KnowledgeFiles = Record<string, string>;

/** A knowledge file that cannot be used: one line naming `knowledge/<file>` and the entry. */
export class KnowledgeError extends DataError {
  constructor(file: string, entry: string | null, detail: string) {
    super(`knowledge/${file}`, entry, detail);
    this.name = 'KnowledgeError';
  }
}

/** An edition asked for by name (`--edition`) that knowledge/editions.yaml does not list. */
export class UnknownEditionError extends KnowledgeError {
  /** What a command says of its flag: `--edition 2019: there is no such edition; knowledge/editions.yaml lists 2023, 2024`. */
  readonly flagLine: string;
  constructor(readonly edition: string, readonly carried: readonly string[]) {
    super('editions.yaml', null, `there is no edition ${edition}; the editions are ${carried.join(', ')}`);
    this.name = 'UnknownEditionError';
    this.flagLine = `--edition ${edition}: there is no such edition; knowledge/editions.yaml lists ${carried.join(', ')}`;
  }
}

/** The files the loader reads, relative to the knowledge root. */
export function knowledgeFileNames(edition: string): string[] {
  return [
    'editions.yaml', 'synonyms.yaml', 'out-of-scope.yaml', 'out-of-scope-examples.yaml', 'reading.yaml', 'stopwords.txt', 'dict/user.dict.utf8',
    `${edition}/notice.yaml`, `${edition}/clauses.yaml`, `${edition}/parameters.yaml`, `${edition}/wording.yaml`, `${edition}/faq.yaml`, `${edition}/faq-en.yaml`, `${edition}/clause-titles-en.yaml`,
    `${edition}/choices.yaml`,
  ];
}

/**
 * Reads and checks knowledge/ from disk; `edition` defaults to the one in force now (the real
 * clock, Asia/Shanghai's calendar; see `readKnowledgeFiles`).
 */
export function loadKnowledge(root = defaultKnowledgeRoot(), edition?: Edition): Knowledge {
  const read = readKnowledgeFiles(root, edition);
  return parseKnowledge(read.files, read.edition);
}

/** An edition by name, or the one in force at an instant (on the calendar of `timeZone`, default Asia/Shanghai). */
export type Edition = string | { at: Date; timeZone?: string };

/**
 * The knowledge files of an edition as they are on disk (unchecked), and the edition chosen:
 * `edition` by name (one editions.yaml does not carry is a KnowledgeError naming the ones it does),
 * or the one in force at an instant (default: now).
 */
export function readKnowledgeFiles(root = defaultKnowledgeRoot(), edition: Edition = { at: new Date() }): { files: KnowledgeFiles; edition: string } {
  const read = (name: string): string => {
    const file = path.join(root, name);
    if (!existsSync(file)) throw new KnowledgeError(name, null, 'file is missing');
    return readFileSync(file, 'utf8');
  };
  const plan = readEditions(root);
  if (typeof edition === 'string' && !plan.carried.includes(edition)) throw new UnknownEditionError(edition, plan.carried);
  const chosen = typeof edition === 'string' ? edition : editionOn(plan, dateInZone(edition.at, edition.timeZone ?? 'Asia/Shanghai'));
  const files: KnowledgeFiles = {};
  for (const name of knowledgeFileNames(chosen)) files[name] = read(name);
  return { files, edition: chosen };
}

/**
 * knowledge/editions.yaml checked (through the data cache: a cached start parses no YAML at all),
 * and every edition it lists present as a folder of `root`.
 */
export function readEditions(root = defaultKnowledgeRoot()): EditionsPlan {
  const file = path.join(root, 'editions.yaml');
  if (!existsSync(file)) throw new KnowledgeError('editions.yaml', null, 'file is missing');
  const plan = parseEditions(readFileSync(file, 'utf8'));
  for (const e of plan.carried) {
    if (!existsSync(path.join(root, e, 'notice.yaml'))) throw new KnowledgeError('editions.yaml', `edition ${e}`, `knowledge/${e}/ is missing (no ${e}/notice.yaml)`);
  }
  return plan;
}

/** The plan of an editions.yaml text, checked: schema, editions listed once, oldest first, days in order. */
export function parseEditions(text: string): EditionsPlan {
  return cachedLoad('editions', [text], () => {
    const plan = planOf(parseFile('editions.yaml', text, editionsFileSchema));
    if (Array.isArray(plan)) throw new KnowledgeError('editions.yaml', plan[0], plan[1]);
    return plan;
  });
}

export function defaultKnowledgeRoot(): string {
  return projectPath('knowledge');
}

/**
 * Checks knowledge given as file contents (the loader's pure core, used by the fixture tests).
 * Knowledge that passed every check is kept in the data cache (core/data-cache.ts) under a hash
 * of these contents and of the code: the same files load from there, without YAML or schemas.
 */
export function parseKnowledge(files: KnowledgeFiles, edition: string): Knowledge {
  const inputs = [edition, ...Object.keys(files).sort().flatMap((name) => [name, files[name]!])];
  return cachedLoad('knowledge', inputs, () => checkKnowledge(files, edition), knowledgeCodec);
}

/** The reading tables a knowledge was compiled from: the cache keeps them, not the compiled matchers (closures). */
const readingOf = new WeakMap<Knowledge, ReadingFile>();

type StoredKnowledge = { knowledge: Omit<Knowledge, 'lexicon'>; reading: ReadingFile };

const knowledgeCodec = {
  encode(k: Knowledge): StoredKnowledge {
    const reading = readingOf.get(k);
    if (!reading) throw new Error('knowledge without its reading tables');
    const { lexicon: _compiled, ...knowledge } = k;
    return { knowledge, reading };
  },
  decode(stored: StoredKnowledge): Knowledge {
    const k: Knowledge = { ...stored.knowledge, lexicon: compileLexicon(stored.reading) };
    readingOf.set(k, stored.reading);
    return k;
  },
};

function checkKnowledge(files: KnowledgeFiles, edition: string): Knowledge {
  const get = (name: string): string => {
    const text = files[name];
    if (text === undefined) throw new KnowledgeError(name, null, 'file is missing');
    return text;
  };
  const editions = parseEditions(get('editions.yaml'));
  if (!editions.carried.includes(edition)) {
    throw new KnowledgeError('editions.yaml', null, `edition ${edition} is not listed in "editions"`);
  }
  const noticeFile = `${edition}/notice.yaml`;
  const notice = parseFile(noticeFile, get(noticeFile), noticeSchema);
  if (notice.edition !== edition) throw new KnowledgeError(noticeFile, 'edition', `says ${notice.edition}, folder is ${edition}`);

  const clausesFile = `${edition}/clauses.yaml`;
  const { clauses } = parseFile(clausesFile, get(clausesFile), clausesFileSchema);
  const clauseById = uniqueById(clauses, clausesFile, 'clause');

  // Numbers each clause states (text and title), for the fact checks below.
  const clauseNumbers = new Map(clauses.map((c) => [c.id, new Set([...numbersIn(c.text), ...numbersIn(c.title)])]));
  const checkCitations = (file: string, entry: string, ids: string[]): void => {
    for (const ref of ids) if (!clauseById.has(ref)) throw new KnowledgeError(file, entry, `cites clause "${ref}", which does not exist`);
  };
  const checkNumbers = (file: string, entry: string, stated: Set<string>, ids: string[]): void => {
    const known = new Set(ids.flatMap((ref) => [...(clauseNumbers.get(ref) ?? [])]));
    for (const n of stated) {
      if (!known.has(n)) throw new KnowledgeError(file, entry, `states ${n}, which is in none of its clauses (${ids.join(', ')})`);
    }
  };

  const paramsFile = `${edition}/parameters.yaml`;
  const params = parseFile(paramsFile, get(paramsFile), parametersFileSchema).parameters;
  for (const [name, p] of Object.entries(params)) {
    checkCitations(paramsFile, `parameters.${name}`, p.clauses);
    checkNumbers(paramsFile, `parameters.${name}`, numbersInValue(p.value), p.clauses);
  }
  // Every date the edition counts in working days is in a year the holiday calendar covers.
  const gap = calendarGap(notice, params);
  if (gap) {
    throw new KnowledgeError(paramsFile, `parameters.${gap.parameter}`,
      `${gap.what} needs the working-day calendar of ${gap.year}; ${calendarCoverage()} (update it: npm install chinese-days@latest)`);
  }

  const choicesFile = `${edition}/choices.yaml`;
  const choices = parseFile(choicesFile, get(choicesFile), choicesFileSchema);
  const covered = Object.keys(params.specialties.value);
  for (const s of covered) if (!Object.hasOwn(choices.specialties, s)) throw new KnowledgeError(choicesFile, `specialties.${s}`, 'a specialty of parameters.specialties has no words');
  for (const s of Object.keys(choices.specialties)) if (!covered.includes(s)) throw new KnowledgeError(choicesFile, `specialties.${s}`, 'not a specialty of parameters.specialties');
  if (choices.honourCategories.length !== params.honourCategories.value) {
    throw new KnowledgeError(choicesFile, 'honourCategories', `lists ${choices.honourCategories.length} rows, parameters.honourCategories says ${params.honourCategories.value}`);
  }
  choices.honourCategories.forEach((row, i) => checkCitations(choicesFile, `honourCategories[${i + 1}]`, [row.clause]));

  const wordingFile = `${edition}/wording.yaml`;
  const wording = parseFile(wordingFile, get(wordingFile), wordingFileSchema);
  checkWording(wording, {
    params,
    checkCitations: (entry, ids) => checkCitations(wordingFile, entry, ids),
    checkNumbers: (entry, stated, ids) => checkNumbers(wordingFile, entry, stated, ids),
    fail: (entry, detail) => { throw new KnowledgeError(wordingFile, entry, detail); },
  });

  const faqFile = `${edition}/faq.yaml`;
  const { topics, faq } = parseFile(faqFile, get(faqFile), faqFileSchema);
  uniqueById(topics, faqFile, 'topic');
  const topicIds = new Set(topics.map((t) => t.id));
  const faqById = uniqueById(faq, faqFile, 'faq');
  for (const entry of faq) {
    const where = `faq "${entry.id}"`;
    if (!topicIds.has(entry.topic)) throw new KnowledgeError(faqFile, where, `topic "${entry.topic}" does not exist`);
    checkCitations(faqFile, where, entry.clauses);
    checkNumbers(faqFile, where, numbersIn(entry.answer), entry.clauses);
    for (const r of entry.related) if (!faqById.has(r)) throw new KnowledgeError(faqFile, where, `related question "${r}" does not exist`);
  }

  // English answers: one per entry, no more, no less, every number in the entry's clauses.
  const faqEnFile = `${edition}/faq-en.yaml`;
  const { answers: english } = parseFile(faqEnFile, get(faqEnFile), faqEnglishFileSchema);
  for (const entry of faq) {
    const en = english[entry.id];
    if (en === undefined) throw new KnowledgeError(faqEnFile, `answers.${entry.id}`, 'the FAQ entry has no English answer');
    checkNumbers(faqEnFile, `answers.${entry.id}`, numbersIn(en), entry.clauses);
    entry.answerEn = en;
  }
  for (const key of Object.keys(english)) if (!faqById.has(key)) throw new KnowledgeError(faqEnFile, `answers.${key}`, 'no FAQ entry has this id');
  const titlesFile = `${edition}/clause-titles-en.yaml`;
  const { titles } = parseFile(titlesFile, get(titlesFile), clauseTitlesEnglishFileSchema);
  for (const c of clauses) if (titles[c.id] === undefined) throw new KnowledgeError(titlesFile, `titles.${c.id}`, 'the clause has no English title');
  for (const key of Object.keys(titles)) if (!clauseById.has(key)) throw new KnowledgeError(titlesFile, `titles.${key}`, 'no clause has this id');
  const clauseTitleEn = new Map(Object.entries(titles));

  const { synonyms: synonymTable } = parseFile('synonyms.yaml', get('synonyms.yaml'), synonymsFileSchema);
  const synonyms = new Map<string, string>();
  for (const [canonical, variants] of Object.entries(synonymTable)) {
    for (const variant of variants) {
      const v = normalize(variant);
      const prior = synonyms.get(v);
      if (prior !== undefined && prior !== normalize(canonical)) {
        throw new KnowledgeError('synonyms.yaml', `synonyms.${canonical}`, `"${variant}" is already a synonym of "${prior}"`);
      }
      synonyms.set(v, normalize(canonical));
    }
  }

  const { outOfScope } = parseFile('out-of-scope.yaml', get('out-of-scope.yaml'), outOfScopeFileSchema);
  uniqueById(outOfScope, 'out-of-scope.yaml', 'rule');

  const stopwords = new Set(lines(get('stopwords.txt')).map(normalize));
  const dictWords = lines(get('dict/user.dict.utf8')).map((line, i) => {
    const word = line.split(/\s+/)[0];
    if (!word) throw new KnowledgeError('dict/user.dict.utf8', `line ${i + 1}`, 'empty entry');
    return word;
  });
  const userWords = [...new Set([
    ...dictWords,
    ...clauses.flatMap((c) => c.keywords),
    ...Object.entries(synonymTable).flatMap(([canonical, variants]) => [canonical, ...variants]),
  // ASCII words stay out: jieba keeps English words whole anyway, and inserting "document"
  // would make it cut "documents" into "document" + "s".
  ].map(normalize).filter((w) => w.length > 1 && !/\s/.test(w) && !/^[\x00-\x7f]+$/.test(w)))];

  const reading = withEditionWords(parseFile('reading.yaml', get('reading.yaml'), readingFileSchema), choices);
  const lexicon = compileLexicon(reading);
  const { kinds } = parseFile('out-of-scope-examples.yaml', get('out-of-scope-examples.yaml'), outOfScopeExamplesFileSchema);
  uniqueById(kinds, 'out-of-scope-examples.yaml', 'kind');
  // Examples name years relative to the edition ({nextYear}…), filled here: none goes stale under a later edition.
  const years = Object.fromEntries(Object.entries(EXAMPLE_YEARS).map(([name, offset]) => [name, Number(edition) + offset]));
  const outOfScopeExamples = kinds.flatMap((k) => k.examples.map((text, i) => {
    const bad = undeclaredPlaceholder(text, Object.keys(EXAMPLE_YEARS));
    if (bad !== undefined) throw new KnowledgeError('out-of-scope-examples.yaml', `kinds.${k.id}.examples[${i}]`, `unknown placeholder {${bad}} (examples may use ${Object.keys(EXAMPLE_YEARS).map((p) => `{${p}}`).join(', ')})`);
    return { kind: k.id, text: fill(text, years) };
  }));

  const knowledge: Knowledge = {
    edition, editions, notice, clauses, clauseById, params, choices, wording, topics, faq, faqById,
    synonyms, outOfScope, outOfScopeExamples, clauseTitleEn, stopwords, userWords, lexicon,
  };
  readingOf.set(knowledge, reading);
  return knowledge;
}

/**
 * The reading tables with the words an edition adds for its own choices (a specialty or a 附件4
 * row that reading.yaml does not know yet); a word the edition gives a specialty leaves otherFields.
 */
function withEditionWords(reading: ReadingFile, choices: Choices): ReadingFile {
  const specialties = { ...reading.specialties };
  const claimed = new Set<string>();
  for (const [s, c] of Object.entries(choices.specialties)) {
    if (!c.reading) continue;
    specialties[s] = [...(specialties[s] ?? []), ...c.reading];
    for (const w of c.reading) claimed.add(normalize(w));
  }
  const honourCategories = { ...reading.honourCategories };
  choices.honourCategories.forEach((row, i) => {
    if (row.reading) honourCategories[String(i + 1)] = [...(honourCategories[String(i + 1)] ?? []), ...row.reading];
  });
  return { ...reading, specialties, honourCategories, otherFields: reading.otherFields.filter((w) => !claimed.has(normalize(w))) };
}

/** The years an out-of-scope example may name, as offsets from the edition's year. */
const EXAMPLE_YEARS = { twoYearsAgo: -2, lastYear: -1, nextYear: 1, inTwoYears: 2, inThreeYears: 3 } as const;

function parseFile<S extends z.ZodType>(file: string, text: string, schema: S): z.infer<S> {
  try {
    return parseDataFile(`knowledge/${file}`, text, schema);
  } catch (err) {
    if (err instanceof DataError) throw new KnowledgeError(file, err.entry, err.detail);
    throw err;
  }
}

function uniqueById<T extends { id: string }>(items: T[], file: string, what: string): Map<string, T> {
  const byId = new Map<string, T>();
  for (const item of items) {
    if (byId.has(item.id)) throw new KnowledgeError(file, `${what} "${item.id}"`, 'duplicate id');
    byId.set(item.id, item);
  }
  return byId;
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

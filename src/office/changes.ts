/**
 * Knowledge changes made in the office console: a phrasing added to an FAQ entry, a synonym, a
 * new entry. They are kept in the store (who, when, undone or not) and applied to the knowledge
 * files' text with the YAML document API, so comments and layout stay and `npm run kb:export`
 * writes the same edit a person would; then the loader's own `parseKnowledge` checks the result,
 * exactly as it checks knowledge/ (schemas, clause references, every number in its clauses).
 * Applying is idempotent: a change already in the files (exported, then committed) changes nothing.
 */
import { parseDocument, isMap, isSeq, type Document, type YAMLMap, type YAMLSeq } from 'yaml';
import { z } from 'zod';
import { parseKnowledge, type Knowledge, type KnowledgeFiles } from '../knowledge/load.ts';
import type { Store } from '../store/index.ts';
import { keys } from '../store/keys.ts';

const id = z.string().trim().regex(/^[a-z0-9][a-z0-9-]{0,60}$/, 'lower-case letters, digits and "-"');
const line = (max: number) => z.string().trim().min(1, 'must not be empty').max(max).refine((s) => !/[\n\r]/.test(s), 'one line');
/** A word that becomes a YAML key: never one that names an object's own machinery. */
const term = line(20).refine((s) => !['__proto__', 'constructor', 'prototype'].includes(s), 'not a word of the notice');

export const changeSchema = z.discriminatedUnion('kind', [
  /** One more way to ask an existing FAQ entry. */
  z.strictObject({ kind: z.literal('phrasing'), entry: id, text: line(200) }),
  /** A word people use (`variant`) for a word of the notice (`canonical`). */
  z.strictObject({ kind: z.literal('synonym'), canonical: term, variant: term }),
  /** A new FAQ entry: its question, the answer in the notice's words, its English answer and clauses. */
  z.strictObject({
    kind: z.literal('entry'), id, topic: id,
    questions: z.array(line(200)).min(1).max(20),
    answer: z.string().trim().min(1).max(400),
    answerEn: z.string().trim().min(1).max(1200),
    clauses: z.array(id).min(1),
  }),
]);
export type KnowledgeChange = z.infer<typeof changeSchema>;

export interface StoredChange {
  id: number;
  change: KnowledgeChange;
  who: string;
  /** ISO instant. */
  at: string;
  undone?: { who: string; at: string };
  /**
   * The edition it was made for (the one in force then): it applies to that edition only.
   * Absent in changes kept before editions were told apart: the edition in force at `at`.
   */
  edition?: string;
}

/** What a change is, in one line (the console, the export and the report say it so). */
export function describeChange(c: KnowledgeChange): string {
  switch (c.kind) {
    case 'phrasing': return `phrasing "${c.text}" → faq ${c.entry}`;
    case 'synonym': return `synonym "${c.variant}" → "${c.canonical}"`;
    case 'entry': return `new faq ${c.id} (${c.topic}): "${c.questions[0]}" [${c.clauses.join(', ')}]`;
  }
}

/** How the knowledge files are written back: the layout they are kept in (a test holds them to it). */
export const YAML_OUTPUT = { lineWidth: 0, flowCollectionPadding: false } as const;

/** The files with `changes` applied in order (the files not touched are the same strings). */
export function applyChanges(files: KnowledgeFiles, edition: string, changes: readonly KnowledgeChange[]): KnowledgeFiles {
  const docs = new Map<string, Document>();
  const doc = (name: string): Document => {
    let d = docs.get(name);
    if (!d) {
      const text = files[name];
      if (text === undefined) throw new Error(`knowledge/${name} is missing`);
      d = parseDocument(text);
      docs.set(name, d);
    }
    return d;
  };
  const faqFile = `${edition}/faq.yaml`;
  const entries = (): YAMLSeq<YAMLMap> => doc(faqFile).get('faq') as YAMLSeq<YAMLMap>;
  const entryById = (entry: string): YAMLMap | undefined => entries().items.find((m) => isMap(m) && m.get('id') === entry);

  for (const c of changes) {
    switch (c.kind) {
      case 'phrasing': {
        const entry = entryById(c.entry);
        if (!entry) throw new ChangeError(`faq "${c.entry}" does not exist`);
        const questions = entry.get('questions') as YAMLSeq;
        if (!questions.items.some((q) => scalar(q) === c.text)) questions.add(doc(faqFile).createNode(c.text));
        break;
      }
      case 'synonym': {
        const d = doc('synonyms.yaml');
        const list = d.getIn(['synonyms', c.canonical]);
        if (isSeq(list)) {
          if (!list.items.some((v) => scalar(v) === c.variant)) list.add(d.createNode(c.variant));
        } else {
          const node = d.createNode([c.variant]) as YAMLSeq;
          node.flow = true;
          d.setIn(['synonyms', c.canonical], node);
        }
        break;
      }
      case 'entry': {
        if (!entryById(c.id)) {
          const d = doc(faqFile);
          const node = d.createNode({ id: c.id, topic: c.topic, questions: c.questions, answer: c.answer, clauses: c.clauses }) as YAMLMap;
          (node.get('clauses') as YAMLSeq).flow = true;
          entries().add(node);
        }
        const en = doc(`${edition}/faq-en.yaml`);
        if (en.getIn(['answers', c.id]) === undefined) en.setIn(['answers', c.id], c.answerEn);
        break;
      }
    }
  }
  const out: KnowledgeFiles = { ...files };
  for (const [name, d] of docs) out[name] = d.toString(YAML_OUTPUT);
  return out;
}

/** A change that cannot be applied to the files at all (the loader's check names everything else). */
export class ChangeError extends Error {
  override readonly name = 'ChangeError';
}

function scalar(node: unknown): unknown {
  return node && typeof node === 'object' && 'value' in node ? (node as { value: unknown }).value : node;
}

/**
 * The knowledge with `changes` applied, checked by the loader; throws the loader's KnowledgeError
 * (or a ChangeError) naming what is wrong.
 */
export function knowledgeWith(files: KnowledgeFiles, edition: string, changes: readonly KnowledgeChange[]): Knowledge {
  return parseKnowledge(applyChanges(files, edition, changes), edition);
}

/**
 * The changes still in force, oldest first; with `edition`, those made for it (a change stored
 * without its edition counts for the one `editionAt` its instant, when given, else for every edition).
 */
export function activeChanges(list: readonly StoredChange[], edition?: string, editionAt?: (at: Date) => string): KnowledgeChange[] {
  const made = (c: StoredChange): string | undefined => c.edition ?? editionAt?.(new Date(c.at));
  return list.filter((c) => !c.undone && (edition === undefined || (made(c) ?? edition) === edition)).map((c) => c.change);
}

/**
 * A check of the changes of one edition (`edition`: the one they are for; undefined when the log
 * does not tell editions apart).
 */
export type ChangesCheck = (active: KnowledgeChange[], edition: string | undefined) => void | Promise<void>;

/** The changes kept in the store, and their version (bumped by every add and undo, so instances see them). */
export interface ChangeLog {
  list(): Promise<StoredChange[]>;
  version(): Promise<number>;
  /**
   * Keeps a change that `check` accepted (it runs under the lock, on the changes of the change's
   * edition as they then are); returns it. The change is for the edition in force at `now`.
   */
  add(change: KnowledgeChange, who: string, now: Date, check: ChangesCheck): Promise<StoredChange>;
  /** Marks a change undone, when what is left of its edition's changes still passes `check`. */
  undo(id: number, who: string, now: Date, check: ChangesCheck): Promise<StoredChange>;
}

/** `editionAt`: the edition in force at an instant (knowledge/editions.yaml); without it, changes are not told apart by edition. */
export function changeLog(store: Store, editionAt?: (at: Date) => string): ChangeLog {
  const editionOf = (c: StoredChange): string | undefined => c.edition ?? editionAt?.(new Date(c.at));
  const list = async (): Promise<StoredChange[]> => (await store.get<StoredChange[]>(keys.officeChanges)) ?? [];
  const save = async (changes: StoredChange[]): Promise<void> => {
    await store.set(keys.officeChanges, changes);
    await store.set(keys.officeChangesVersion, ((await store.get<number>(keys.officeChangesVersion)) ?? 0) + 1);
  };
  return {
    list,
    version: async () => (await store.get<number>(keys.officeChangesVersion)) ?? 0,
    add: (change, who, now, check) => store.withLock(keys.officeChanges, async () => {
      const all = await list();
      const edition = editionAt?.(now);
      const stored: StoredChange = { id: Math.max(0, ...all.map((c) => c.id)) + 1, change, who, at: now.toISOString(), ...(edition !== undefined && { edition }) };
      await check(activeChanges([...all, stored], edition, editionAt), edition);
      await save([...all, stored]);
      return stored;
    }),
    undo: (target, who, now, check) => store.withLock(keys.officeChanges, async () => {
      const all = await list();
      const found = all.find((c) => c.id === target);
      if (!found) throw new ChangeError(`change ${target} does not exist`);
      if (found.undone) throw new ChangeError(`change ${target} was already undone`);
      const after = all.map((c) => (c.id === target ? { ...c, undone: { who, at: now.toISOString() } } : c));
      const edition = editionOf(found);
      await check(activeChanges(after, edition, editionAt), edition);
      await save(after);
      return after.find((c) => c.id === target)!;
    }),
  };
}

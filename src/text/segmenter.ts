/**
 * Word segmentation behind a small interface, so retrieval does not depend on nodejieba's global
 * state and tests or benchmarks can choose the dictionary.
 *
 * nodejieba keeps one dictionary per process: the first `jiebaSegmenter` call loads it and later
 * calls reuse it (a second dictionary choice in the same process is refused, not ignored).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Segmenter {
  /** Words of a normalised text, whole words and their parts (search mode); numbers kept whole. */
  cut(text: string): string[];
  /** The text's words, each character in exactly one word (for typo repair). */
  words(text: string): string[];
  /**
   * What the segmentation depends on, as a hash (the dictionary files' content and every word
   * added to them in this process): equal fingerprints segment alike. A segmenter without one
   * is never cached for.
   */
  fingerprint?(): string;
}

export type DictionaryChoice = 'mini' | 'full';

interface NodeJieba {
  load(opts: { dict?: string; userDict?: string; idfDict?: string; stopWordDict?: string }): unknown;
  cutForSearch(text: string, hmm: boolean): string[];
  cut(text: string, hmm: boolean): string[];
  insertWord(word: string): boolean;
  DEFAULT_DICT: string;
  DEFAULT_HMM_DICT: string;
}

const require = createRequire(import.meta.url);
const KNOWLEDGE_DICT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../knowledge/dict');

/** The dictionary files for a choice; `mini` is knowledge/dict/mini.dict.utf8 (see build-dict). */
export function dictionaryFiles(choice: DictionaryChoice): { dict?: string; userDict: string; idfDict: string } {
  const files = {
    userDict: path.join(KNOWLEDGE_DICT, 'user.dict.utf8'),
    // The IDF table only serves keyword extraction, which the bot does not use: a one-line file
    // saves about 0.4 s and 20 MB at load.
    idfDict: path.join(KNOWLEDGE_DICT, 'idf.min.utf8'),
  };
  return choice === 'mini' ? { ...files, dict: path.join(KNOWLEDGE_DICT, 'mini.dict.utf8') } : files;
}

let loaded: { choice: DictionaryChoice; jieba: NodeJieba; files: string[]; inserted: Set<string> } | undefined;

/** The hash of the loaded dictionary files' content, worked out once. */
let filesHash: string | undefined;

/** The jieba segmenter with the chosen dictionary plus the project's own words. */
export function jiebaSegmenter(choice: DictionaryChoice, extraWords: readonly string[] = []): Segmenter {
  if (loaded && loaded.choice !== choice) {
    throw new Error(`jieba is already loaded with the ${loaded.choice} dictionary in this process`);
  }
  if (!loaded) {
    const jieba = require('nodejieba') as NodeJieba;
    const files = dictionaryFiles(choice);
    // A missing dictionary file aborts the whole process inside the native module: check first.
    for (const file of Object.values(files)) {
      if (!existsSync(file)) throw new Error(`jieba dictionary file is missing: ${file}`);
    }
    jieba.load(files);
    // The HMM model is what cut(…, true) uses for words the dictionaries lack.
    loaded = { choice, jieba, files: [files.dict ?? jieba.DEFAULT_DICT, files.userDict, jieba.DEFAULT_HMM_DICT], inserted: new Set() };
  }
  const state = loaded;
  const { jieba } = state;
  for (const word of extraWords) {
    jieba.insertWord(word);
    state.inserted.add(word);
  }
  return {
    cut: (text) => jieba.cutForSearch(text, true),
    words: (text) => jieba.cut(text, true),
    fingerprint() {
      filesHash ??= hash(state.files.map((f) => (existsSync(f) ? readFileSync(f) : '')));
      return hash([state.choice, filesHash, ...[...state.inserted].sort()]);
    },
  };
}

function hash(parts: readonly (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/**
 * Word segmentation behind a small interface, so retrieval does not depend on nodejieba's global
 * state and tests or benchmarks can choose the dictionary.
 *
 * nodejieba keeps one dictionary per process: the first `jiebaSegmenter` call loads it and later
 * calls reuse it (a second dictionary choice in the same process is refused, not ignored).
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export interface Segmenter {
  /** Words of a normalised text, whole words and their parts (search mode); numbers kept whole. */
  cut(text: string): string[];
  /** The text's words, each character in exactly one word (for typo repair). */
  words(text: string): string[];
}

export type DictionaryChoice = 'mini' | 'full';

interface NodeJieba {
  load(opts: { dict?: string; userDict?: string; idfDict?: string; stopWordDict?: string }): unknown;
  cutForSearch(text: string, hmm: boolean): string[];
  cut(text: string, hmm: boolean): string[];
  insertWord(word: string): boolean;
  DEFAULT_DICT: string;
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

let loaded: { choice: DictionaryChoice; jieba: NodeJieba } | undefined;

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
    loaded = { choice, jieba };
  }
  const { jieba } = loaded;
  for (const word of extraWords) jieba.insertWord(word);
  return { cut: (text) => jieba.cutForSearch(text, true), words: (text) => jieba.cut(text, true) };
}

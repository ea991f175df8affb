/**
 * The small jieba dictionary: the most frequent words of jieba's default dictionary plus every
 * default-dictionary word that occurs in the knowledge base, in every edition it carries (the bot
 * answers from each: the one in force, and last season's questions from the one before). Loading it
 * takes a fraction of the default's time and memory (see `npm run bench`); `npm run build:dict` writes it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { normalize } from '../text/normalize.ts';
import { defaultKnowledgeRoot, loadKnowledge, readEditions, type Knowledge } from './load.ts';

/** How many of the default dictionary's most frequent words to keep. */
export const TOP_WORDS = 15_000;
const MAX_WORD_LENGTH = 8;

const require = createRequire(import.meta.url);

/** Every edition `root`'s editions.yaml lists, loaded: what the small dictionary is made for. */
export function editionsOf(root = defaultKnowledgeRoot()): Knowledge[] {
  return readEditions(root).carried.map((edition) => loadKnowledge(root, edition));
}

/** The lines of the small dictionary for these editions, in the default dictionary's order. */
export function miniDictionaryLines(editions: readonly Knowledge[]): string[] {
  const corpus = normalize(editions.flatMap((k) => [
    ...k.clauses.flatMap((c) => [c.title, c.text, ...c.keywords]),
    ...k.faq.flatMap((f) => [...f.questions, f.answer]),
    ...k.synonyms.keys(), ...k.synonyms.values(),
  ]).join('\n'));
  const substrings = new Set<string>();
  for (let i = 0; i < corpus.length; i++) {
    for (let n = 1; n <= MAX_WORD_LENGTH && i + n <= corpus.length; n++) substrings.add(corpus.slice(i, i + n));
  }
  const defaultDict = (require('nodejieba') as { DEFAULT_DICT: string }).DEFAULT_DICT;
  const entries = readFileSync(defaultDict, 'utf8').split('\n').filter(Boolean).map((line) => {
    const [word = '', freq = '0'] = line.split(' ');
    return { word, freq: Number(freq), line };
  });
  const keep = new Set([...entries].sort((a, b) => b.freq - a.freq).slice(0, TOP_WORDS).map((e) => e.word));
  for (const e of entries) if (substrings.has(e.word)) keep.add(e.word);
  return entries.filter((e) => keep.has(e.word)).map((e) => e.line);
}

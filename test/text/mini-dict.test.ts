import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dictionaryFiles } from '../../src/text/segmenter.ts';
import { loadKnowledge } from '../../src/knowledge/load.ts';
import { miniDictionaryLines } from '../../src/knowledge/mini-dict.ts';

describe('the small jieba dictionary', () => {
  it('is up to date with the knowledge base (else run npm run build:dict)', () => {
    const committed = readFileSync(dictionaryFiles('mini').dict!, 'utf8').split('\n').filter(Boolean);
    const wanted = miniDictionaryLines(loadKnowledge());
    const have = new Set(committed);
    const missing = wanted.filter((l) => !have.has(l));
    expect(missing.slice(0, 20), 'knowledge/dict/mini.dict.utf8 is stale: run npm run build:dict').toEqual([]);
  });
});

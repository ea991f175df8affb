import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { dictionaryFiles } from '../../src/text/segmenter.ts';
import { editionsOf, miniDictionaryLines } from '../../src/knowledge/mini-dict.ts';

describe('the small jieba dictionary', () => {
  it('is up to date with the knowledge base, every edition it carries (else run npm run build:dict)', () => {
    const committed = readFileSync(dictionaryFiles('mini').dict!, 'utf8').split('\n').filter(Boolean);
    const wanted = miniDictionaryLines(editionsOf());
    const have = new Set(committed);
    const missing = wanted.filter((l) => !have.has(l));
    expect(missing.slice(0, 20), 'knowledge/dict/mini.dict.utf8 is stale: run npm run build:dict').toEqual([]);
  });
});

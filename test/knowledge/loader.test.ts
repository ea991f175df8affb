import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultKnowledgeRoot, knowledgeFileNames, loadKnowledge, parseKnowledge, type KnowledgeFiles } from '../../src/knowledge/load.ts';

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
    const k = loadKnowledge();
    expect(k.edition).toBe('2023');
    expect(k.notice.docNumber).toBe('虞综管办〔2023〕43号');
    // Every section and annex of the notice is there.
    for (const id of ['s1', 's2', 's2-1', 's2-4-5', 's2-5', 's3-3', 's4-1', 's5-4', 's5-5', 'contact', 'a1-2-1', 'a2-1-3', 'a3-1', 'a4-8', 'a5']) {
      expect(k.clauseById.has(id), id).toBe(true);
    }
    expect(k.params.continuingEducation.value).toMatchObject({ total: 270, professional: 180, public: 54 });
    expect(k.params.contact.value.phone).toBe('82313758');
  });

  it('keeps the wording of the notice: each clause text occurs in the source once spacing is ignored', () => {
    const k = loadKnowledge();
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

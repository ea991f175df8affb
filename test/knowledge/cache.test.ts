/**
 * The data cache (src/core/data-cache.ts) under knowledge/ and flows/: a second load comes from the
 * cache and equals a fresh load; an edited file is seen on the next load; only a load that passed
 * every check is ever written; a damaged entry or a folder that cannot be written changes nothing
 * but speed. Each test works on copies in a temporary folder, with its own cache folder.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dataCacheKeyOf, dataCacheStats, decodeGraph, encodeGraph, UncacheableError } from '../../src/core/data-cache.ts';
import { projectPath } from '../../src/core/paths.ts';
import { loadChatFlow } from '../../src/dialogue/flow.ts';
import { loadHrTrack, parseHrTrack } from '../../src/dialogue/hr.ts';
import { loadPersonalTexts } from '../../src/dialogue/personal.ts';
import { loadInterviewFlow, parseInterviewFlow } from '../../src/interview/flow.ts';
import { KnowledgeError, loadKnowledge, type Knowledge } from '../../src/knowledge/load.ts';
import { EDITION_2023 } from '../kit.ts';

let dir: string;
let knowledgeRoot: string;
let flowsRoot: string;
let cacheDir: string;
const savedEnv = process.env.ZHICHENG_CACHE_DIR;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'zhicheng-cache-'));
  knowledgeRoot = path.join(dir, 'knowledge');
  flowsRoot = path.join(dir, 'flows');
  cacheDir = path.join(dir, 'cache');
  cpSync(projectPath('knowledge'), knowledgeRoot, { recursive: true });
  cpSync(projectPath('flows'), flowsRoot, { recursive: true });
  process.env.ZHICHENG_CACHE_DIR = cacheDir;
});

afterEach(() => {
  if (savedEnv === undefined) delete process.env.ZHICHENG_CACHE_DIR;
  else process.env.ZHICHENG_CACHE_DIR = savedEnv;
  rmSync(dir, { recursive: true, force: true });
});

/** The copy's 2023 edition, named: the tests edit its files, whichever edition knowledge/ has in force now. */
const load2023 = () => loadKnowledge(knowledgeRoot, EDITION_2023);

const entries = (kind: string) => {
  try {
    return readdirSync(cacheDir).filter((f) => f.startsWith(`${kind}-`) && f.endsWith('.json'));
  } catch {
    return [];
  }
};

/** Counts what the cache did while `fn` ran, for entries of `kinds` (default: all but editions.yaml's). */
function counted<T>(fn: () => T, kinds?: string[]): { value: T; hits: number; misses: number; writes: number } {
  const sum = () => {
    const out = { hits: 0, misses: 0, writes: 0 };
    for (const [kind, c] of Object.entries(dataCacheStats.byKind)) {
      if (kinds ? !kinds.includes(kind) : kind === 'editions') continue;
      out.hits += c.hits;
      out.misses += c.misses;
      out.writes += c.writes;
    }
    return out;
  };
  const before = sum();
  const value = fn();
  const after = sum();
  return { value, hits: after.hits - before.hits, misses: after.misses - before.misses, writes: after.writes - before.writes };
}

/** A knowledge without its compiled matchers (closures, never equal by reference). */
const data = (k: Knowledge) => ({ ...k, lexicon: undefined });

function editFile(file: string, from: string | RegExp, to: string): void {
  const text = readFileSync(file, 'utf8');
  const edited = text.replace(from, to);
  expect(edited).not.toBe(text);
  writeFileSync(file, edited);
}

describe('data cache: knowledge', () => {
  it('loads the second time from the cache, equal to a fresh load, references shared as before', () => {
    const first = counted(load2023);
    expect(first).toMatchObject({ hits: 0, misses: 1, writes: 1 });
    expect(entries('knowledge')).toHaveLength(1);
    // editions.yaml, read to choose the edition, has its own entry: a cached start parses no YAML.
    expect(entries('editions')).toHaveLength(1);
    expect(counted(load2023, ['editions', 'knowledge'])).toMatchObject({ hits: 2, misses: 0 });
    const second = counted(load2023);
    expect(second).toMatchObject({ hits: 1, misses: 0, writes: 0 });
    expect(data(second.value)).toStrictEqual(data(first.value));
    expect(second.value).not.toBe(first.value);

    const k = second.value;
    expect(k.faqById.get(k.faq[0]!.id)).toBe(k.faq[0]);
    expect(k.clauseById.get(k.clauses[3]!.id)).toBe(k.clauses[3]);
    expect(k.synonyms).toBeInstanceOf(Map);
    expect(k.stopwords).toBeInstanceOf(Set);
    // The matchers are compiled again from the validated tables and find the same words.
    for (const text of ['我是本科毕业', '不是国企，是民营企业', '2021年是基本合格', '这个在哪提交']) {
      expect(k.lexicon.education.find(text)).toEqual(first.value.lexicon.education.find(text));
      expect(k.lexicon.negation.find(text)).toEqual(first.value.lexicon.negation.find(text));
      expect(k.lexicon.employers.find(text)).toEqual(first.value.lexicon.employers.find(text));
      expect(k.lexicon.followUp.pointers.find(text)).toEqual(first.value.lexicon.followUp.pointers.find(text));
    }
    expect(k.lexicon.focusEvidence).toStrictEqual(first.value.lexicon.focusEvidence);
  });

  it('sees an edited file on the next load, then caches the new content', () => {
    const before = load2023();
    expect(before.clauseTitleEn.get('s1')).toBe('Section 1: Who may apply');
    editFile(path.join(knowledgeRoot, '2023/clause-titles-en.yaml'), '"Section 1: Who may apply"', '"Section 1: Who may apply (edited)"');
    const after = counted(load2023);
    expect(after).toMatchObject({ hits: 0, misses: 1, writes: 1 });
    expect(after.value.clauseTitleEn.get('s1')).toBe('Section 1: Who may apply (edited)');
    expect(counted(load2023).value.clauseTitleEn.get('s1')).toBe('Section 1: Who may apply (edited)');
    // Back to the first content: its entry is still there.
    editFile(path.join(knowledgeRoot, '2023/clause-titles-en.yaml'), '"Section 1: Who may apply (edited)"', '"Section 1: Who may apply"');
    expect(counted(load2023)).toMatchObject({ hits: 1, misses: 0 });
  });

  it('never caches a load that fails its checks: the error comes every time', () => {
    editFile(path.join(knowledgeRoot, '2023/notice.yaml'), /^issuer:/m, 'unexpected: 1\nissuer:');
    for (let i = 0; i < 2; i++) {
      const r = counted(() => expect(() => load2023()).toThrow(KnowledgeError));
      expect(r.writes).toBe(0);
    }
    expect(() => load2023()).toThrow(/knowledge\/2023\/notice\.yaml.*unknown key "unexpected"/);
    expect(entries('knowledge')).toHaveLength(0);
  });

  it('loads again over a damaged entry and rewrites it', () => {
    const first = load2023();
    const [entry] = entries('knowledge');
    const file = path.join(cacheDir, entry!);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 5000));
    const again = counted(load2023);
    expect(again).toMatchObject({ hits: 0, misses: 1, writes: 1 });
    expect(data(again.value)).toStrictEqual(data(first));
    expect(counted(load2023).hits).toBe(1);
  });

  it('starts when the cache folder cannot be created or written', () => {
    const blocker = path.join(dir, 'a-file');
    writeFileSync(blocker, 'not a folder');
    process.env.ZHICHENG_CACHE_DIR = path.join(blocker, 'cache');
    const failures = dataCacheStats.byKind.knowledge?.writeFailures ?? 0;
    const k = load2023();
    expect(k.edition).toBe(EDITION_2023);
    expect(dataCacheStats.byKind.knowledge!.writeFailures).toBe(failures + 1);
    expect(counted(load2023)).toMatchObject({ hits: 0, misses: 1, writes: 0 });
  });

  it('is off with ZHICHENG_CACHE_DIR=off', () => {
    process.env.ZHICHENG_CACHE_DIR = 'off';
    const r = counted(() => { load2023(); return load2023(); });
    expect(r).toMatchObject({ hits: 0, misses: 0, writes: 0 });
  });
});

describe('data cache: flows', () => {
  it('caches each flow file and sees an edit on the next load', () => {
    const k = load2023();
    const load = () => ({ chat: loadChatFlow(flowsRoot), interview: loadInterviewFlow(k, flowsRoot), hr: loadHrTrack(k, flowsRoot), personal: loadPersonalTexts(flowsRoot) });
    const first = counted(load);
    expect(first).toMatchObject({ misses: 4, writes: 4 });
    const second = counted(load);
    expect(second).toMatchObject({ hits: 4, misses: 0 });
    expect(second.value).toStrictEqual(first.value);
    expect(second.value.interview.stepById.get(second.value.interview.steps[0]!.id)).toBe(second.value.interview.steps[0]);
    // The same as the uncached parse.
    const read = (name: string) => readFileSync(path.join(flowsRoot, name), 'utf8');
    expect(second.value.interview).toStrictEqual(parseInterviewFlow(read('interview.yaml'), read('interview-texts.yaml'), k));
    expect(second.value.hr).toStrictEqual(parseHrTrack(read('hr.yaml'), k));

    editFile(path.join(flowsRoot, 'hr.yaml'), /^intro: .*$/m, 'intro: 单位人事办理步骤（已修改）');
    const edited = counted(() => loadHrTrack(k, flowsRoot));
    expect(edited).toMatchObject({ hits: 0, misses: 1 });
    expect(edited.value.intro).toBe('单位人事办理步骤（已修改）');
    expect(edited.value.version).not.toBe(first.value.hr.version);
  });

  it('keys the flows checked against knowledge by that knowledge: an edited knowledge checks them again', () => {
    const k = load2023();
    loadInterviewFlow(k, flowsRoot);
    expect(counted(() => loadInterviewFlow(load2023(), flowsRoot))).toMatchObject({ hits: 2, misses: 0 });
    // A clause the interview cites disappears: the flow must fail, not come from the cache.
    const cited = loadInterviewFlow(k, flowsRoot).steps.flatMap((s) => s.clauses)[0]!;
    const changed = load2023();
    const without = { ...changed, clauseById: new Map([...changed.clauseById].filter(([id]) => id !== cited)) };
    expect(dataCacheKeyOf(without)).toBeUndefined();
    expect(() => loadInterviewFlow(without, flowsRoot)).toThrow(new RegExp(`cites clause "${cited}"`));
  });
});

describe('data cache: the codec', () => {
  it('round-trips maps, sets, regular expressions, dates, undefined, odd numbers and shared or circular references', () => {
    const shared = { id: 'a', list: [1, 2] };
    const value: Record<string, unknown> = {
      m: new Map<unknown, unknown>([['x', shared], [shared, 'object key']]),
      s: new Set(['p', 'q']),
      re: /a+b/giu,
      d: new Date('2023-09-08T00:00:00Z'),
      u: undefined,
      n: [NaN, Infinity, -Infinity, -0, 0, 1.5],
      shared,
      again: shared,
      bare: Object.assign(Object.create(null) as object, { k: 1 }),
    };
    Object.defineProperty(value, '__proto__', { value: { sneaky: true }, enumerable: true, writable: true, configurable: true });
    value.self = value;
    const back = decodeGraph(JSON.parse(JSON.stringify(encodeGraph(value)))) as typeof value;
    expect(back).toStrictEqual(value);
    expect(back.again).toBe(back.shared);
    expect(back.self).toBe(back);
    expect([...(back.m as Map<unknown, unknown>).keys()][1]).toBe(back.shared);
    expect(Object.is((back.n as number[])[3], -0)).toBe(true);
    expect(Object.getPrototypeOf(back.bare)).toBeNull();
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect(Object.hasOwn(back, 'u')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(back, '__proto__')?.value).toEqual({ sneaky: true });
  });

  it('refuses what it cannot represent', () => {
    expect(() => encodeGraph({ f: () => 1 })).toThrow(UncacheableError);
    expect(() => encodeGraph({ c: new (class Thing {})() })).toThrow(/Thing/);
    expect(() => encodeGraph({ b: 1n })).toThrow(UncacheableError);
  });
});

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadKnowledge, type Knowledge } from '../../src/knowledge/load.ts';
import { buildIndex, type SearchIndex } from '../../src/qa/search.ts';
import type { Segmenter } from '../../src/text/segmenter.ts';

/** A light segmenter (Han pairs, ASCII runs) that counts its calls; its fingerprint names its "dictionary". */
function fakeSegmenter(dictionary = 'fake-1'): Segmenter & { calls: number } {
  const s = {
    calls: 0,
    cut(text: string) { s.calls++; return text.match(/[a-z0-9]+|\p{Script=Han}{1,2}/gu) ?? []; },
    words(text: string) { s.calls++; return text.match(/[a-z0-9]+|\p{Script=Han}{1,2}|[^a-z0-9\p{Script=Han}]/gu) ?? []; },
    fingerprint: () => dictionary,
  };
  return s;
}

let k: Knowledge;
let dir: string;
beforeAll(() => {
  k = loadKnowledge();
  dir = mkdtempSync(path.join(os.tmpdir(), 'index-cache-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const entries = (d = dir) => (existsSync(d) ? readdirSync(d).filter((f) => /^search-index-[0-9a-f]{40}\.json$/.test(f)) : []);
const questions = () => [...k.faq.slice(0, 40).map((f) => f.questions[0]!), '证件找有什么要求', '照骗尺寸', '公式几天', 'what is the deadline', '今天天气怎么样'];
const results = (index: SearchIndex) => questions().map((q) => index.search(q));
/** The knowledge with one FAQ answer changed. */
const withAnswer = (answer: string): Knowledge => ({ ...k, faq: k.faq.map((f, i) => (i === 0 ? { ...f, answer } : f)) });

describe('the search index cache', () => {
  it('builds once, then reads the built index back: it answers exactly as one built anew', () => {
    const first = fakeSegmenter();
    const built = buildIndex(k, first, { dir });
    expect(first.calls).toBeGreaterThan(100);
    expect(entries()).toHaveLength(1);
    const again = fakeSegmenter();
    const cached = buildIndex(k, again, { dir });
    expect(again.calls).toBe(0); // nothing segmented: read from the cache
    const fresh = buildIndex(k, fakeSegmenter(), false);
    expect(results(cached)).toEqual(results(fresh));
    expect(results(built)).toEqual(results(fresh));
    expect([...cached.vocabulary]).toEqual([...fresh.vocabulary]);
  });

  it('is never stale: changed knowledge or another dictionary is another entry', () => {
    const changed = withAnswer(`${k.faq[0]!.answer} zzqqx`);
    const s = fakeSegmenter();
    const index = buildIndex(changed, s, { dir });
    expect(s.calls).toBeGreaterThan(100);
    expect(index.search('zzqqx').faqRanking[0]?.id).toBe(k.faq[0]!.id);
    expect(buildIndex(k, fakeSegmenter(), { dir }).search('zzqqx').faqRanking).toEqual([]);
    const other = fakeSegmenter('fake-2');
    buildIndex(k, other, { dir });
    expect(other.calls).toBeGreaterThan(100);
    expect(entries()).toHaveLength(3);
  });

  it('keeps the newest entries only', () => {
    for (let i = 0; i < 12; i++) buildIndex(withAnswer(`${k.faq[0]!.answer} v${i}`), fakeSegmenter(), { dir });
    expect(entries().length).toBeLessThanOrEqual(8);
  });

  it('rebuilds a damaged entry and writes it whole again', () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'index-cache-'));
    buildIndex(k, fakeSegmenter(), { dir: d });
    const [entry] = entries(d);
    writeFileSync(path.join(d, entry!), '{"key": "8b40cd7", "value": {"ter');
    const s = fakeSegmenter();
    const index = buildIndex(k, s, { dir: d });
    expect(s.calls).toBeGreaterThan(100);
    expect(results(index)).toEqual(results(buildIndex(k, fakeSegmenter(), false)));
    expect(() => JSON.parse(readFileSync(path.join(d, entry!), 'utf8'))).not.toThrow();
    rmSync(d, { recursive: true, force: true });
  });

  it('never fails when it cannot be written', () => {
    const file = path.join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const index = buildIndex(k, fakeSegmenter(), { dir: path.join(file, 'cache') });
    expect(results(index)).toEqual(results(buildIndex(k, fakeSegmenter(), false)));
  });

  it('keeps the repair candidates\' sounds once worked out, and answers alike with them', async () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'index-cache-'));
    const index = buildIndex(k, fakeSegmenter(), { dir: d });
    const [entry] = entries(d);
    expect(JSON.parse(readFileSync(path.join(d, entry!), 'utf8')).value.sounds).toBeUndefined();
    const typos = results(index); // 证件找, 照骗: looked up by sound
    await new Promise((resolve) => setImmediate(resolve));
    expect(JSON.parse(readFileSync(path.join(d, entry!), 'utf8')).value.sounds.exact.length).toBeGreaterThan(100);
    expect(results(buildIndex(k, fakeSegmenter(), { dir: d }))).toEqual(typos);
    rmSync(d, { recursive: true, force: true });
  });

  it('is off with ZHICHENG_CACHE_DIR=off', () => {
    const before = process.env.ZHICHENG_CACHE_DIR;
    process.env.ZHICHENG_CACHE_DIR = 'off';
    try {
      const s = fakeSegmenter('fake-off');
      buildIndex(k, s);
      const again = fakeSegmenter('fake-off');
      buildIndex(k, again);
      expect(again.calls).toBeGreaterThan(100);
    } finally {
      if (before === undefined) delete process.env.ZHICHENG_CACHE_DIR;
      else process.env.ZHICHENG_CACHE_DIR = before;
    }
  });
});

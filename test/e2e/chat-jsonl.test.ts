import { describe, expect, it } from 'vitest';
import { runTsxSync } from './spawn.ts';

/** Runs the real `chat --jsonl` with these stdin lines; returns stdout lines parsed. */
function chat(lines: string[], args: string[] = []) {
  const run = runTsxSync('src/cli/chat.ts', ['--jsonl', '--now', '2023-08-01T09:00:00+08:00', ...args], {
    input: lines.map((l) => `${l}\n`).join(''), env: { STORE_URL: 'memory://' },
  });
  const out = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Output);
  return { status: run.status, out, stderr: run.stderr };
}

interface Output {
  replies: { text: string; buttons: { label: string; action: string }[]; citations: { id: string; title: string }[] }[];
  ask: unknown; fallback: boolean; assessment: unknown; pushed: unknown[];
}

function expectShape(o: Output): void {
  expect(Object.keys(o).sort()).toEqual(['ask', 'assessment', 'fallback', 'pushed', 'replies']);
  expect(Array.isArray(o.replies)).toBe(true);
  for (const r of o.replies) {
    expect(typeof r.text).toBe('string');
    expect(Array.isArray(r.buttons) && Array.isArray(r.citations)).toBe(true);
  }
  expect(o.ask).toBeNull();
  expect(o.assessment).toBeNull();
  expect(o.pushed).toEqual([]);
}

describe('npm run chat -- --jsonl', () => {
  it('--edition serves the edition named; one knowledge/editions.yaml does not list exits 2 with one line', () => {
    const named = chat(['个人申报截止时间是哪天'], ['--edition', '2023']);
    expect(named.status).toBe(0);
    expect(named.out[0]!.replies.map((r) => r.text).join('\n')).toContain('2023年9月8日');
    const unknown = chat(['你好'], ['--edition', '2019']);
    expect(unknown.status).toBe(2);
    expect(unknown.out).toEqual([]);
    expect(unknown.stderr.trim()).toMatch(/^chat: --edition 2019: there is no such edition; knowledge\/editions\.yaml lists 2023/);
  });

  it('writes exactly one JSON line per input line, in order, and exits 0', () => {
    const lines = [
      '你好',
      '{"text": "继续教育要多少学时"}',
      '{"action": "faq-topics"}',
      '{"action": "deadlines"}',
      '{"value": 240}',
      '{"user": "u2", "text": "照片是什么格式"}',
      '{"now": "2023-09-01T09:00:00+08:00"}',
      '帮我写一首诗',
    ];
    const { status, out } = chat(lines);
    expect(status).toBe(0);
    expect(out).toHaveLength(lines.length);
    out.forEach(expectShape);
    expect(out[0]!.replies[0]!.buttons.length).toBeGreaterThan(0);
    expect(out[1]!.replies[0]!.text).toContain('270');
    expect(out[1]!.replies[0]!.citations.map((c) => c.id)).toContain('s3-3');
    expect(out[3]!.replies[0]!.text).toContain('还有38天');
    expect(out[5]!.replies[0]!.text).toMatch(/JPG/);
    expect(out[6]!.replies).toEqual([]);
    expect(out[7]!.fallback).toBe(true);
  });

  it('answers bad lines with a helpful reply and keeps going', () => {
    const huge = '照片'.repeat(50_000); // 100 KB of text
    const lines = ['{not json', '', huge, '{"text": 5}', '{"colour": "red"}', '{"text": "a", "action": "b"}', '{"now": "yesterday"}', '😀😀', '繼續教育學時要多少'];
    const { status, out, stderr } = chat(lines);
    expect(status).toBe(0);
    expect(out).toHaveLength(lines.length);
    out.forEach(expectShape);
    expect(out[0]!.replies[0]!.text).toContain('{"text": "…"}');
    expect(out[1]!.replies[0]!.text).toMatch(/例如/);
    expect(out[2]!.replies[0]!.text).toContain('太长');
    expect(out[3]!.replies[0]!.text).toContain('text');
    expect(out[4]!.replies[0]!.text).toContain('colour');
    expect(out[6]!.replies[0]!.text).toContain('now');
    expect(out[8]!.replies.map((r) => r.text).join('')).toContain('54');
    expect(stderr).not.toMatch(/Error|at .*\.ts/);
  });

  it('stops with one line naming a bad --now', () => {
    const run = runTsxSync('src/cli/chat.ts', ['--jsonl', '--now', 'tomorrow']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('BOT_NOW (--now)');
  });
});

describe('the check as a conversation over the JSONL chat', () => {
  it('reads negations, applies a correction and gives the verdict the answers call for', () => {
    const { status, out } = chat([
      '{"action": "interview:start"}',
      '在北片',
      '不是国企',
      '化工',
      '中国内地居民',
      '都合格',
      '专业课200，公需课60，其他20',
      '大专',
      '2015年9月',
      '不对，我是本科',
    ]);
    expect(status).toBe(0);
    const said = out.map((o) => o.replies.map((r) => r.text).join('\n'));
    expect(said[2]).toContain('民营企业：是');
    expect(said.at(-1)).toContain('最高学历：大专（高职） → 大学本科');
    // Nothing recorded that the person did not give: the check asks what it still needs.
    expect((out.at(-1)!.ask as { field: string } | null)?.field).toBeDefined();
  });
});

import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTsxSync } from './spawn.ts';

function chat(lines: unknown[], store: string, user = 'alice') {
  const input = lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
  const run = runTsxSync('src/cli/chat.ts', ['--jsonl', '--user', user, '--store', store, '--now', '2023-08-01T09:00:00+08:00'], { input });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ask: { field: string } | null; assessment: { eligible: boolean; routes: string[] } | null; replies: { text: string }[] });
}

describe('sessions persist in the store across runs', () => {
  const store = `sqlite://${path.join(mkdtempSync(path.join(os.tmpdir(), 'chat-')), 'bot.sqlite')}`;

  it('resumes the interview at the same question after a restart, and reaches the verdict', () => {
    const first = chat([{ action: 'interview:start' }, { value: true }, { value: true }], store);
    expect(first.at(-1)!.ask!.field).toBe('specialty');
    // A new process, the same user and store: the next answer goes to the same question.
    const second = chat([{ value: 'materials' }, { value: 'mainland' }, { value: true }, { value: { professional: 200, public: 60, other: 20 } }, { value: 'master' }, { value: '2020-07' }], store);
    expect(second[0]!.ask!.field).toBe('nationality');
    const asked = second.map((o) => o.ask?.field ?? null);
    expect(asked).toContain('workStart');
    // A third run answers the checklist questions and confirms the review: the verdict.
    const third = chat([{ value: 'domestic' }, { value: '2020-06' }, { value: true }, { value: true }, { value: false }, { action: 'interview:confirm' }], store);
    expect(third.map((o) => o.ask?.field ?? null)).toEqual(['graduated', 'degreeAutoVerified', 'socialInsurance.consistent', 'socialInsurance.outOfProvince', null, null]);
    expect(third.at(-1)!.assessment).toMatchObject({ eligible: true, routes: ['education-years'] });
  });

  it('keeps users apart and forgets one on request', () => {
    chat([{ action: 'interview:start' }, { value: true }], store, 'bob');
    const forget = chat(['删除我的数据', { action: 'forget:yes' }], store, 'bob');
    expect(forget[1]!.replies[0]!.text).toContain('已删除');
    // bob starts over (a first contact again); alice is untouched.
    const bob = chat([{ action: 'interview:resume' }], store, 'bob');
    expect(bob[0]!.ask!.field).toBe('employerInZone');
    const alice = chat([{ action: 'interview:review' }], store, 'alice');
    expect(alice[0]!.replies[0]!.text).toContain('硕士研究生');
  });
});

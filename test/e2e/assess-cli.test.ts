/** `npm run assess`: the real command, spawned (tsx src/cli/assess.ts). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE } from '../rules/helpers.ts';
import { ROOT, runTsx } from './spawn.ts';

const NOW = '2023-08-01T09:00:00+08:00';
const tmp = mkdtempSync(path.join(tmpdir(), 'assess-'));

/** Runs the command with `stdin`, resolving to its exit code and output. */
async function assessCli(args: string[], stdin = '', env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await runTsx('src/cli/assess.ts', args, { input: stdin, env: { BOT_NOW: '', TZ_BOT: '', ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function file(name: string, content: unknown): string {
  const f = path.join(tmp, name);
  writeFileSync(f, typeof content === 'string' ? content : JSON.stringify(content));
  return f;
}

const oneLine = (text: string): string[] => text.split('\n').filter((l) => l.length > 0);

describe.concurrent('npm run assess', () => {
  it('a JSON object file → one assessment object', async () => {
    const r = await assessCli([file('one.json', BASE), '--now', NOW]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.eligible).toBe(true);
    expect(Object.keys(out)).toEqual(['eligible', 'routes', 'blockers', 'workYears', 'nearMiss', 'checklist', 'deadlines', 'notes']);
    expect(out.notes.join('')).toContain('还有38天');
  });

  it('a JSON array on stdin → an array of assessments', async () => {
    const r = await assessCli(['--now', NOW], JSON.stringify([BASE, { ...BASE, workStart: '2022-01' }]));
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.map((a: { eligible: boolean }) => a.eligible)).toEqual([true, false]);
  });

  it('`-` reads stdin, BOT_NOW sets the clock', async () => {
    const r = await assessCli(['-'], JSON.stringify(BASE), { BOT_NOW: '2023-09-10T09:00:00+08:00' });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).notes.join('')).toContain('已过2天');
  });

  it('the examples print what the README shows', async () => {
    const doc = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const name of ['profile-eligible', 'profile-ineligible']) {
      const r = await assessCli([`examples/${name}.json`, '--now', NOW]);
      expect(r.code).toBe(0);
      expect(doc).toContain(r.stdout.trim());
    }
  });

  it('--edition names the edition; an unknown one → exit 2, one line naming the editions', async () => {
    const named = await assessCli([file('edition.json', BASE), '--now', NOW, '--edition', '2023']);
    expect(named.code).toBe(0);
    expect(named.stdout).toBe((await assessCli([file('edition.json', BASE), '--now', NOW])).stdout);
    const unknown = await assessCli([file('edition.json', BASE), '--edition', '2019']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(oneLine(unknown.stderr)).toEqual([expect.stringMatching(/^--edition 2019: there is no such edition; knowledge\/editions\.yaml lists 2023/)]);
  });

  it('an invalid element → exit 2, one line naming the element and field', async () => {
    const r = await assessCli([file('bad.json', [BASE, BASE, { ...BASE, workStart: '2018/07' }])]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(oneLine(r.stderr)).toEqual(['profile[2].workStart: expected a month YYYY-MM, e.g. 2018-07, got "2018/07"']);
  });

  it('an unknown field → exit 2, one line', async () => {
    const r = await assessCli([], JSON.stringify({ ...BASE, age: 30 }));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^profile\.age: unknown field/);
  });

  it('invalid JSON → exit 2, one line', async () => {
    const r = await assessCli([file('broken.json', '{"education": ')]);
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain('not valid JSON');
  });

  it('a bad --now or a missing file → exit 2, one line', async () => {
    const bad = await assessCli(['--now', 'tomorrow'], JSON.stringify(BASE));
    expect(bad.code).toBe(2);
    expect(oneLine(bad.stderr)).toEqual(['--now: expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00, got "tomorrow"']);
    const missing = await assessCli([path.join(tmp, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(oneLine(missing.stderr)).toHaveLength(1);
    expect(missing.stderr).toContain('cannot read (ENOENT)');
  });
});

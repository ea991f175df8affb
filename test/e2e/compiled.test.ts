/**
 * The compiled commands: `npm run chat`, `npm run assess` and `npm start` run
 * `node scripts/run.cjs NAME`, the bundle in dist/cli/ through V8's code cache. They answer
 * exactly as the source does (run by tsx), find knowledge/ and flows/ from the project root
 * whatever the working directory, and a missing or stale dist/ is built before the command runs,
 * so it never runs old code.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { ROOT, runCompiledSync, runTsxSync } from './spawn.ts';

const NOW = '2023-08-01T09:00:00+08:00';
const LINES = ['你好', '继续教育要多少学时', '{"action": "deadlines"}', '我2019年7月本科毕业 一直做化工 今年能报吗', '{"action":"interview:start"}', '{"value": true}', '帮我写一首诗'];
const input = LINES.map((l) => `${l}\n`).join('');
const env = { STORE_URL: 'memory://', BOT_NOW: '', TZ_BOT: '' };
const elsewhere = mkdtempSync(path.join(tmpdir(), 'compiled-cwd-'));
/** Output with the feedback buttons' ids (random per process) masked. */
const masked = (stdout: string) => stdout.replace(/fb:(up|down):[0-9a-f]+/g, 'fb:$1:…');

afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));

describe('compiled commands', () => {
  it('npm run chat -- --jsonl answers line for line as the source does, from any working directory', () => {
    const compiled = runCompiledSync('chat', ['--jsonl', '--now', NOW], { input, env, cwd: elsewhere });
    const source = runTsxSync('src/cli/chat.ts', ['--jsonl', '--now', NOW], { input, env });
    expect(compiled.status, compiled.stderr).toBe(0);
    expect(source.status, source.stderr).toBe(0);
    expect(compiled.stdout.split('\n').filter(Boolean)).toHaveLength(LINES.length);
    expect(masked(compiled.stdout)).toBe(masked(source.stdout));
  });

  it('npm run chat keeps sessions in a SQLite store across runs (the default kind of store)', () => {
    const store = `sqlite://${path.join(elsewhere, 'bot.sqlite')}`;
    const chat = (lines: unknown[]) => {
      const run = runCompiledSync('chat', ['--jsonl', '--user', 'alice', '--store', store, '--now', NOW], { input: lines.map((l) => `${JSON.stringify(l)}\n`).join(''), env, cwd: elsewhere });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr.replace(/^run: .*; building dist\/\n/, '')).toBe('');
      return run.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ask: { field: string } | null });
    };
    expect(chat([{ action: 'interview:start' }, { value: true }, { value: true }]).at(-1)!.ask!.field).toBe('specialty');
    expect(chat([{ value: 'materials' }])[0]!.ask!.field).toBe('nationality');
  });

  it('npm run assess prints the same assessment and the same errors as the source', () => {
    for (const args of [['examples/profile-eligible.json', '--now', NOW], ['examples/profile-ineligible.json', '--now', NOW], ['--bogus']]) {
      const compiled = runCompiledSync('assess', args.map((a) => (a.endsWith('.json') ? path.join(ROOT, a) : a)), { env, cwd: elsewhere });
      const source = runTsxSync('src/cli/assess.ts', args, { env });
      // A source edited meanwhile (other work in this tree) makes the launcher build first and say so.
      const stderr = compiled.stderr.replace(/^run: .*; building dist\/\n/, '');
      expect({ status: compiled.status, stdout: compiled.stdout, stderr }).toEqual({ status: source.status, stdout: source.stdout, stderr: source.stderr });
    }
  });
});

describe('compiled service', () => {
  it('npm start serves the web page, the health probe and the chat from any working directory, and stops on SIGTERM', async () => {
    const proc = spawn(process.execPath, [path.join(ROOT, 'scripts/run.cjs'), 'start'], { cwd: elsewhere, env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
    try {
      const base = await new Promise<string>((resolve, reject) => {
        proc.stderr.on('data', (d: Buffer) => {
          log += d.toString();
          const port = /http:\/\/localhost:(\d+)\//.exec(log)?.[1];
          if (port && log.includes('office console:')) resolve(`http://127.0.0.1:${port}`);
        });
        void exited.then((code) => reject(new Error(`service exited with ${code}: ${log}`)));
      });
      const page = await fetch(`${base}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('职称申报助手');
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const chat = await (await fetch(`${base}/api/chat`, { method: 'POST', body: JSON.stringify({ text: '联系人是谁' }) })).json() as { replies: { text: string }[] };
      expect(chat.replies[0]!.text).toContain('82313758');
      proc.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(log).toContain('"msg":"stopped"');
    } finally {
      proc.kill('SIGKILL');
    }
  }, 60_000);
});

describe('dist/ is never stale', () => {
  // A copy of the project (its own dist/ and data cache; node_modules shared by a link).
  const copy = mkdtempSync(path.join(tmpdir(), 'compiled-copy-'));
  for (const name of ['src', 'adapters', 'scripts', 'knowledge', 'flows', 'examples', 'package.json', 'package-lock.json', 'tsconfig.json']) {
    cpSync(path.join(ROOT, name), path.join(copy, name), { recursive: true });
  }
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(copy, 'node_modules'));
  mkdirSync(path.join(copy, 'cache'));
  const copyEnv = { ...env, ZHICHENG_CACHE_DIR: path.join(copy, 'cache'), ZHICHENG_DEBUG_CACHE: '1' };
  const chat = (line: string) => runCompiledSync('chat', ['--jsonl', '--now', NOW], { input: `${line}\n`, env: copyEnv, root: copy, cwd: elsewhere });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('builds a missing dist/, then runs it as it is; rebuilds after a source change, not after a touch', () => {
    const first = chat('联系电话是多少');
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/dist\/ has not been built; building dist\//);
    expect(first.stdout).toContain('82313758');
    expect(first.stderr).toContain('code cache: miss (chat.bundle)');

    const again = chat('联系电话是多少');
    expect(again.stderr).not.toMatch(/building/);
    expect(again.stderr).toContain('code cache: hit (chat.bundle)');
    expect(masked(again.stdout)).toBe(masked(first.stdout));

    // Touched, same content: no build.
    const chatTs = path.join(copy, 'src/cli/chat.ts');
    utimesSync(chatTs, new Date(), new Date(Date.now() + 5000));
    expect(chat('联系电话是多少').stderr).not.toMatch(/building/);

    // Changed: built again before running, and the change runs.
    writeFileSync(chatTs, `${readFileSync(chatTs, 'utf8')}\nprocess.stderr.write('edited-chat-entry\\n');\n`);
    const edited = chat('联系电话是多少');
    expect(edited.status, edited.stderr).toBe(0);
    expect(edited.stderr).toMatch(/src\/cli\/chat\.ts changed; building dist\//);
    expect(edited.stderr).toContain('edited-chat-entry');
    expect(edited.stderr).toContain('code cache: miss (chat.bundle)');
    expect(masked(edited.stdout)).toBe(masked(first.stdout));
  });

  it('runs through a damaged code cache (V8 rejects it) and writes it again', () => {
    chat('你好');
    const v8 = path.join(copy, 'cache', 'v8');
    const { id } = JSON.parse(readFileSync(path.join(copy, 'dist/build.json'), 'utf8')) as { id: string };
    const [entry] = readdirSync(v8).filter((f) => f.startsWith(`chat.bundle-${id}-`));
    writeFileSync(path.join(v8, entry!), Buffer.alloc(4096, 7));
    const damaged = chat('联系电话是多少');
    expect(damaged.status, damaged.stderr).toBe(0);
    expect(damaged.stderr).toContain('code cache: rejected (chat.bundle)');
    expect(damaged.stdout).toContain('82313758');
    expect(chat('联系电话是多少').stderr).toContain('code cache: hit (chat.bundle)');
  });

  it('serves edited knowledge and flow files at the next start, without a build', () => {
    const before = chat('联系电话是多少');
    expect(before.stdout).toContain('联系号码：82313758');
    const edit = (file: string, from: string, to: string) => {
      const text = readFileSync(path.join(copy, file), 'utf8');
      expect(text).toContain(from);
      writeFileSync(path.join(copy, file), text.replace(from, to));
    };
    edit('knowledge/2023/clauses.yaml', '联系人：陈慧频　联系号码：82313758。', '联系人：陈慧频　咨询号码：82313758。');
    edit('flows/chat.yaml', '你好！我是职称申报助手', '你好！我是（已更新的）职称申报助手');
    const after = chat('联系电话是多少');
    expect(after.status, after.stderr).toBe(0);
    expect(after.stderr).not.toMatch(/building/);
    expect(after.stdout).toContain('咨询号码：82313758');
    expect(after.stdout).toContain('我是（已更新的）职称申报助手');
  });
});

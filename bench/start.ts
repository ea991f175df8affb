/**
 * `npm run bench:start [-- --runs N]`: how long the chat takes from process start to its first
 * answer, timed from outside the process: spawn → the first output line of `chat --jsonl`
 * answering one question. Three commands, interleaved N times (default 7): a bare `node -e ''`,
 * `node dist/cli/chat.cjs --jsonl` and `npm run --silent chat -- --jsonl`. Medians of wall time,
 * of CPU time (user + system of the process and its children, from /usr/bin/time) and of the
 * chat's peak RSS. The machine is shared: read the ratios, and the CPU beside the wall.
 *
 * The store is memory:// (no file written, no contention with other runs); dist/ is built first
 * when stale, and one run of each command warms the data cache and the page cache.
 * `measureStart()` is what the overall bench table (bench/run.ts) calls.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');
const TIME = '/usr/bin/time';

/** Issue 16, part 1. */
export const START_TARGETS = { ratioNode: 3.5, ratioNpm: 6, peakRssMB: 120 };

export interface StartFigures {
  /** Medians, ms from spawn to the first output line (bare node: to its exit). */
  bareMs: number; nodeMs: number; npmMs: number;
  /** nodeMs / bareMs and npmMs / bareMs. */
  ratioNode: number; ratioNpm: number;
  /** Median peak RSS of `node dist/cli/chat.cjs` (MB); NaN without /usr/bin/time. */
  peakRssMB: number;
  /** Median CPU time (user + system, ms) of each command's whole run; NaN without /usr/bin/time. */
  cpu: { bareMs: number; nodeMs: number; npmMs: number };
  runs: number;
}

interface Sample { wallMs: number; cpuMs: number; rssMB: number }

export interface StartOptions { runs?: number; question?: string }

/** Measures the start (see the module comment). */
export async function measureStart(options: StartOptions = {}): Promise<StartFigures> {
  const runs = options.runs ?? 7;
  const question = options.question ?? '继续教育要多少学时';
  ensureBuilt();
  const env = { ...process.env, STORE_URL: 'memory://', BOT_NOW: '', LOG_LEVEL: 'warn' };
  const commands: Record<'bare' | 'node' | 'npm', [string, string[]]> = {
    bare: [process.execPath, ['-e', '']],
    node: [process.execPath, [path.join(ROOT, 'dist/cli/chat.cjs'), '--jsonl']],
    npm: ['npm', ['run', '--silent', 'chat', '--', '--jsonl']],
  };
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-start-'));
  try {
    const samples: Record<keyof typeof commands, Sample[]> = { bare: [], node: [], npm: [] };
    for (let i = -1; i < runs; i++) {
      for (const name of Object.keys(commands) as (keyof typeof commands)[]) {
        const [cmd, args] = commands[name];
        const sample = await timeOne(cmd, args, name === 'bare' ? '' : `${question}\n`, env, path.join(scratch, `${name}-${i}.txt`));
        if (i >= 0) samples[name].push(sample); // run -1 warms up
      }
    }
    const wall = (name: keyof typeof commands) => median(samples[name].map((s) => s.wallMs));
    const cpu = (name: keyof typeof commands) => median(samples[name].map((s) => s.cpuMs));
    const bareMs = wall('bare');
    const nodeMs = wall('node');
    const npmMs = wall('npm');
    return {
      bareMs: round(bareMs), nodeMs: round(nodeMs), npmMs: round(npmMs),
      ratioNode: round(nodeMs / bareMs, 2), ratioNpm: round(npmMs / bareMs, 2),
      peakRssMB: round(median(samples.node.map((s) => s.rssMB)), 1),
      cpu: { bareMs: round(cpu('bare')), nodeMs: round(cpu('node')), npmMs: round(cpu('npm')) },
      runs,
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** dist/ as `npm run chat` would run it (built when stale, as scripts/run.cjs does). */
function ensureBuilt(): void {
  const check = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
  if (check.status === 0) return;
  const built = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`bench:start: the build failed: ${built.stderr}`);
}

/** One run: wall time to the first stdout line (or the exit), and the run's CPU time and peak RSS. */
function timeOne(cmd: string, args: string[], input: string, env: NodeJS.ProcessEnv, timeFile: string): Promise<Sample> {
  const timed = existsSync(TIME);
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e6;
    const child = timed
      ? spawn(TIME, ['-o', timeFile, '-f', '%U %S %M', cmd, ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(cmd, args, { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let firstLine: number | undefined;
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (firstLine === undefined && out.includes('\n')) firstLine = elapsed();
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    child.once('error', reject);
    child.once('close', (code) => {
      const exitedAt = elapsed();
      if (code !== 0) return reject(new Error(`bench:start: ${cmd} ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
      if (input && firstLine === undefined) return reject(new Error(`bench:start: ${cmd} ${args.join(' ')} wrote no answer`));
      let cpuMs = NaN;
      let rssMB = NaN;
      if (timed) {
        const [user, system, maxKB] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
        cpuMs = (user! + system!) * 1000;
        rssMB = maxKB! / 1024;
      }
      resolve({ wallMs: firstLine ?? exitedAt, cpuMs, rssMB });
    });
    child.stdin.end(input);
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function round(x: number, digits = 0): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const at = process.argv.indexOf('--runs');
  const runs = at > 0 ? Number(process.argv[at + 1]) : undefined;
  if (runs !== undefined && !(Number.isInteger(runs) && runs > 0)) {
    console.error('usage: npm run bench:start [-- --runs N]');
    process.exit(2);
  }
  const f = await measureStart({ runs });
  const mark = (ok: boolean) => (ok ? '✓' : '✗');
  const t = START_TARGETS;
  console.log(`start to the first answer, medians of ${f.runs} interleaved runs (load ${os.loadavg()[0]!.toFixed(1)} on ${os.availableParallelism()} cores)`);
  console.log('| command | wall ms | CPU ms | ratio to bare node | target |');
  console.log('|---|---:|---:|---:|---|');
  console.log(`| node -e '' | ${f.bareMs} | ${f.cpu.bareMs} | 1 | |`);
  console.log(`| node dist/cli/chat.cjs --jsonl | ${f.nodeMs} | ${f.cpu.nodeMs} | ${f.ratioNode} | ≤ ${t.ratioNode} ${mark(f.ratioNode <= t.ratioNode)} |`);
  console.log(`| npm run chat -- --jsonl | ${f.npmMs} | ${f.cpu.npmMs} | ${f.ratioNpm} | ≤ ${t.ratioNpm} ${mark(f.ratioNpm <= t.ratioNpm)} |`);
  console.log(`peak RSS of the chat: ${f.peakRssMB} MB (target ≤ ${t.peakRssMB} ${mark(f.peakRssMB <= t.peakRssMB)})`);
}

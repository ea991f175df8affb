/**
 * The one way the end-to-end tests start the project's commands: node_modules/.bin/tsx directly
 * (no npx, no npm: each would add hundreds of milliseconds and a process), from the project root;
 * or, for the compiled commands that `npm start`, `npm run chat` and `npm run assess` run,
 * `node scripts/run.cjs NAME` (which builds dist/ first when it is missing or stale).
 * The e2e tier runs one file at a time (see package.json), so only a few processes run at once.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');
const RUN = path.join(ROOT, 'scripts/run.cjs');

export interface RunOptions {
  input?: string;
  env?: Record<string, string>;
}

export interface RunResult { status: number | null; stdout: string; stderr: string }

/** Runs `script` to its end (stdin from `input`), waiting synchronously. */
export function runTsxSync(script: string, args: string[] = [], opts: RunOptions = {}): RunResult {
  const run = spawnSync(TSX, [script, ...args], {
    cwd: ROOT, input: opts.input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...opts.env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Runs `script` to its end without blocking the test's event loop (for several at once). */
export function runTsx(script: string, args: string[] = [], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = startTsx(script, args, opts);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.once('error', reject);
    child.once('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(opts.input ?? '');
  });
}

/** Starts `script` and returns the process (a service: the caller stops it). */
export function startTsx(script: string, args: string[] = [], opts: Omit<RunOptions, 'input'> = {}): ChildProcessWithoutNullStreams {
  return spawn(TSX, [script, ...args], { cwd: ROOT, env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs a compiled command (`chat`, `start`, `assess`) as its npm script does, to its end; `root` is another copy of the project. */
export function runCompiledSync(name: string, args: string[] = [], opts: RunOptions & { cwd?: string; root?: string } = {}): RunResult {
  const run = spawnSync(process.execPath, [opts.root ? path.join(opts.root, 'scripts/run.cjs') : RUN, name, ...args], {
    cwd: opts.cwd ?? opts.root ?? ROOT, input: opts.input ?? '', encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env: { ...process.env, ...opts.env },
  });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

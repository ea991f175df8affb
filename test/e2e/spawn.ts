/**
 * The one way the end-to-end tests start the project's commands: node_modules/.bin/tsx directly
 * (no npx, no npm: each would add hundreds of milliseconds and a process), from the project root.
 * The e2e tier runs one file at a time (see package.json), so only a few processes run at once.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

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

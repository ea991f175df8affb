/**
 * `npm run assess -- [FILE] [--now ISO] [--edition YEAR]`: the eligibility of one profile (a JSON
 * object) or many (a JSON array), read from FILE or stdin (no FILE, or `-`), printed as JSON
 * (RULES.md "Assessment"), under the edition in force at `--now` (knowledge/editions.yaml) or the
 * one `--edition` names. Bad input (an unknown edition included) exits 2 with one line on stderr
 * naming it; a broken knowledge/ exits 1. The command itself is src/cli/assess.ts.
 */
import { readFileSync } from 'node:fs';
import { defaultKnowledgeRoot, KnowledgeError, loadKnowledge, UnknownEditionError } from '../knowledge/load.ts';
import { assess, DEFAULT_TIME_ZONE, parseProfile, parseProfiles } from '../rules/index.ts';
import { isTimeZone } from '../rules/months.ts';
import { err, ok, type Result } from '../rules/result.ts';

export interface AssessOptions { file: string | null; now: Date; timeZone: string; edition: string | null }

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const USAGE = 'usage: npm run assess -- [FILE] [--now ISO-8601] [--edition YEAR]';

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Result<AssessOptions, string> {
  let file: string | null = null;
  let edition: string | null = null;
  let nowText = env.BOT_NOW || undefined;
  let nowSource = 'BOT_NOW';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--now' || arg.startsWith('--now=')) {
      nowText = arg === '--now' ? argv[++i] : arg.slice('--now='.length);
      nowSource = '--now';
      if (nowText === undefined) return err('--now: expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00');
    } else if (arg === '--edition' || arg.startsWith('--edition=')) {
      const value = arg === '--edition' ? argv[++i] : arg.slice('--edition='.length);
      if (value === undefined || !/^\d{4}$/.test(value)) return err(`--edition: expected the year of an edition in knowledge/editions.yaml, e.g. 2023, got ${JSON.stringify(value ?? '')}`);
      edition = value;
    } else if (arg.startsWith('-') && arg !== '-') {
      return err(`${arg}: unknown option; ${USAGE}`);
    } else if (file !== null) {
      return err(`${arg}: one input file at most; ${USAGE}`);
    } else file = arg === '-' ? null : arg;
  }
  let now = new Date();
  if (nowText !== undefined) {
    now = new Date(nowText);
    if (!ISO_INSTANT.test(nowText) || Number.isNaN(now.getTime())) return err(`${nowSource}: expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00, got ${JSON.stringify(nowText)}`);
  }
  const timeZone = env.TZ_BOT || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) return err(`TZ_BOT: expected an IANA time zone, e.g. Asia/Shanghai, got ${JSON.stringify(timeZone)}`);
  return ok({ file, now, timeZone, edition });
}

function readInput(file: string | null, read: (file: string | null) => string): Result<unknown, string> {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    return err(`${file ?? 'stdin'}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return ok(JSON.parse(text));
  } catch (e) {
    return err(`${file ?? 'stdin'}: not valid JSON (${(e as Error).message.split('\n')[0]}); expected a profile object or an array of them`);
  }
}

/** Where the command reads and writes (the process's stdin/stdout/stderr, or a test's). */
export interface AssessIo {
  read: (file: string | null) => string;
  out: (text: string) => void;
  err: (text: string) => void;
}

export const processIo: AssessIo = {
  read: (file) => readFileSync(file ?? 0, 'utf8'),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** The command: its exit code (0, 1 for a broken knowledge/, 2 for bad input); `root`: the knowledge root. */
export function runAssess(argv: string[], env: NodeJS.ProcessEnv, io: AssessIo = processIo, root = defaultKnowledgeRoot()): number {
  const fail = (line: string): number => {
    io.err(`${line}\n`);
    return 2;
  };
  const options = parseOptions(argv, env);
  if (!options.ok) return fail(options.error);
  const input = readInput(options.value.file, io.read);
  if (!input.ok) return fail(input.error);

  const profiles = Array.isArray(input.value) ? parseProfiles(input.value) : parseProfile(input.value);
  if (!profiles.ok) return fail(profiles.error.message);

  const { now, timeZone, edition } = options.value;
  let knowledge;
  try {
    knowledge = loadKnowledge(root, edition ?? { at: now, timeZone });
  } catch (e) {
    if (e instanceof UnknownEditionError) return fail(e.flagLine);
    if (e instanceof KnowledgeError) {
      io.err(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const one = (p: Parameters<typeof assess>[0]) => assess(p, knowledge, now, timeZone);
  const output = Array.isArray(profiles.value) ? profiles.value.map(one) : one(profiles.value);
  io.out(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

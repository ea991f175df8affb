/**
 * `npm run assess -- [FILE] [--now ISO]`: the eligibility of one profile (a JSON object) or many
 * (a JSON array), read from FILE or stdin (no FILE, or `-`), printed as JSON (RULES.md "Assessment").
 * Bad input exits 2 with one line on stderr naming the field; a broken knowledge/ exits 1.
 */
import { readFileSync } from 'node:fs';
import { KnowledgeError, loadKnowledge } from '../knowledge/load.ts';
import { assess, DEFAULT_TIME_ZONE, parseProfile, parseProfiles } from '../rules/index.ts';
import { isTimeZone } from '../rules/months.ts';
import { err, ok, type Result } from '../rules/result.ts';

interface Options { file: string | null; now: Date; timeZone: string }

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): Result<Options, string> {
  let file: string | null = null;
  let nowText = env.BOT_NOW || undefined;
  let nowSource = 'BOT_NOW';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--now' || arg.startsWith('--now=')) {
      nowText = arg === '--now' ? argv[++i] : arg.slice('--now='.length);
      nowSource = '--now';
      if (nowText === undefined) return err('--now: expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00');
    } else if (arg.startsWith('-') && arg !== '-') {
      return err(`${arg}: unknown option; usage: npm run assess -- [FILE] [--now ISO-8601]`);
    } else if (file !== null) {
      return err(`${arg}: one input file at most; usage: npm run assess -- [FILE] [--now ISO-8601]`);
    } else file = arg === '-' ? null : arg;
  }
  let now = new Date();
  if (nowText !== undefined) {
    now = new Date(nowText);
    if (!ISO_INSTANT.test(nowText) || Number.isNaN(now.getTime())) return err(`${nowSource}: expected an ISO-8601 instant, e.g. 2023-08-01T09:00:00+08:00, got ${JSON.stringify(nowText)}`);
  }
  const timeZone = env.TZ_BOT || DEFAULT_TIME_ZONE;
  if (!isTimeZone(timeZone)) return err(`TZ_BOT: expected an IANA time zone, e.g. Asia/Shanghai, got ${JSON.stringify(timeZone)}`);
  return ok({ file, now, timeZone });
}

function readInput(file: string | null): Result<unknown, string> {
  let text: string;
  try {
    text = readFileSync(file ?? 0, 'utf8');
  } catch (e) {
    return err(`${file ?? 'stdin'}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  try {
    return ok(JSON.parse(text));
  } catch (e) {
    return err(`${file ?? 'stdin'}: not valid JSON (${(e as Error).message.split('\n')[0]}); expected a profile object or an array of them`);
  }
}

function main(): number {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (!options.ok) return fail(options.error);
  const input = readInput(options.value.file);
  if (!input.ok) return fail(input.error);

  const profiles = Array.isArray(input.value) ? parseProfiles(input.value) : parseProfile(input.value);
  if (!profiles.ok) return fail(profiles.error.message);

  let knowledge;
  try {
    knowledge = loadKnowledge();
  } catch (e) {
    if (e instanceof KnowledgeError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const { now, timeZone } = options.value;
  const one = (p: Parameters<typeof assess>[0]) => assess(p, knowledge, now, timeZone);
  const output = Array.isArray(profiles.value) ? profiles.value.map(one) : one(profiles.value);
  process.stdout.write(`${JSON.stringify(output, null, 2)}\n`);
  return 0;
}

function fail(line: string): number {
  process.stderr.write(`${line}\n`);
  return 2;
}

process.exitCode = main();

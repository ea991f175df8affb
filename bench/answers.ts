/**
 * Answer latency in-process, through `bot.handle` (the reading, the context, the search, the
 * replies and the session's round trip through the memory store), with the small dictionary:
 * single questions each asked by a person just greeted, conversations turn by turn, and the
 * single questions again against ten times the FAQ (bench/tenfold.ts). Wall and CPU time per
 * turn; the ordinary and the tenfold bot take turns round by round, so a noisy machine weighs
 * on both alike. `npx tsx bench/answers.ts` prints the figures as JSON.
 *
 * process.cpuUsage counts every thread of the process, and other threads' time only at their
 * scheduler ticks: a turn during which the collector or the compiler works in the background
 * is charged some milliseconds it did not spend. The highest percentiles show those; each
 * input's median over the rounds (medianCpuP99Ms) shows what the costliest inputs cost.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createBot, type Bot } from '../src/bot/index.ts';
import { evalFileSchema, evalNow, turnsOf } from '../src/bot/eval.ts';
import { loadKnowledge } from '../src/knowledge/load.ts';
import { writeTenfoldRoot } from './tenfold.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  /** CPU time of the whole process during the turn (process.cpuUsage): with other threads' work (collection, compilation) that lands in it. */
  cpuP50Ms: number;
  cpuP99Ms: number;
  /**
   * Each input's median CPU over the rounds, then the 99th percentile over the inputs: what the
   * costliest inputs cost, without one-off pauses. Absent for a single round.
   */
  medianCpuP99Ms?: number;
  /** Turns timed. */
  turns: number;
}

export interface AnswerFigures {
  /** Single questions asked again (every round after the first). */
  questions: Latency;
  /** Single questions the first time the bot sees their wording (after a warm-up on the conversations). */
  newWording: Latency;
  /** Each turn of the conversations (follow-ups read against the context). */
  conversations: Latency;
  /** The single questions against ten times the FAQ, interleaved with `questions`. */
  tenfold: Latency;
  /** tenfold.p50Ms / questions.p50Ms: how answer latency grows with ten times the FAQ. */
  ratioTenfold: number;
  /** The same ratio of the CPU medians. */
  ratioTenfoldCpu: number;
}

export interface MeasureOptions {
  /** Rounds of the questions and conversations; default 5. */
  rounds?: number;
  /** Eval files (single questions and conversations); default ../shared/eval and test/fixtures. */
  files?: string[];
}

/** Measures answer latency; see the file's comment. Takes about 20 s. */
export async function measureAnswers(options: MeasureOptions = {}): Promise<AnswerFigures> {
  const rounds = options.rounds ?? 5;
  const items = (options.files ?? defaultFiles()).flatMap((f) => evalFileSchema.parse(JSON.parse(readFileSync(f, 'utf8'))));
  const singles = items.filter((i) => i.q !== undefined).map((i) => i.q!);
  const conversations = items.filter((i) => i.turns !== undefined).map(turnsOf);
  const now = new Date(evalNow(loadKnowledge()));
  const tenfoldRoot = writeTenfoldRoot();
  try {
    const bot = await createBot({ dictionary: 'mini', now });
    const tenfold = await createBot({ dictionary: 'mini', now, knowledgeRoot: tenfoldRoot });
    let users = 0;
    /** Asks the turns as a person just greeted; `input` names them for the per-input medians. */
    const ask = async (b: Bot, turns: readonly string[], into: Samples, input: number): Promise<void> => {
      const user = `bench-${users++}`;
      await b.handle(user, { kind: 'text', text: '你好' });
      for (const [i, text] of turns.entries()) {
        const cpu = process.cpuUsage();
        const t = performance.now();
        await b.handle(user, { kind: 'text', text });
        into.wall.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        const ms = (used.user + used.system) / 1000;
        into.cpu.push(ms);
        const key = `${input}:${i}`;
        into.byInput.set(key, [...(into.byInput.get(key) ?? []), ms]);
      }
    };
    const discard = samples();
    for (const b of [bot, tenfold]) for (const [i, turns] of conversations.entries()) await ask(b, turns, discard, i);
    const fresh = samples();
    for (const [i, q] of singles.entries()) await ask(bot, [q], fresh, i);
    const repeated = samples();
    const talk = samples();
    const ten = samples();
    for (let r = 0; r < rounds; r++) {
      for (const [i, q] of singles.entries()) {
        await ask(bot, [q], repeated, i);
        await ask(tenfold, [q], r === 0 ? discard : ten, i);
      }
      for (const [i, turns] of conversations.entries()) await ask(bot, turns, talk, i);
    }
    await bot.close();
    await tenfold.close();
    const questions = figures(repeated);
    const tenfoldFigures = figures(ten);
    return {
      questions,
      newWording: figures(fresh),
      conversations: figures(talk),
      tenfold: tenfoldFigures,
      ratioTenfold: round(tenfoldFigures.p50Ms / questions.p50Ms, 2),
      ratioTenfoldCpu: round(tenfoldFigures.cpuP50Ms / questions.cpuP50Ms, 2),
    };
  } finally {
    rmSync(tenfoldRoot, { recursive: true, force: true });
  }
}

interface Samples { wall: number[]; cpu: number[]; byInput: Map<string, number[]> }

function samples(): Samples {
  return { wall: [], cpu: [], byInput: new Map() };
}

function figures(s: Samples): Latency {
  const pct = (xs: readonly number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!, 3);
  };
  const medians = [...s.byInput.values()].filter((xs) => xs.length > 1).map((xs) => pct(xs, 0.5));
  return {
    p50Ms: pct(s.wall, 0.5), p99Ms: pct(s.wall, 0.99), cpuP50Ms: pct(s.cpu, 0.5), cpuP99Ms: pct(s.cpu, 0.99),
    ...(medians.length && { medianCpuP99Ms: pct(medians, 0.99) }),
    turns: s.wall.length,
  };
}

function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** The shared dev eval (when it is there) and the project's own question fixtures. */
function defaultFiles(): string[] {
  const shared = ['qa-dev.json', 'qa-dev-conversations.json'].map((f) => path.resolve(ROOT, '../shared/eval', f)).filter((f) => existsSync(f));
  const blind = path.join(ROOT, 'test/fixtures/blind');
  return [
    ...shared,
    path.join(ROOT, 'test/fixtures/qa-blind.json'),
    path.join(ROOT, 'test/fixtures/qa-extra.json'),
    ...readdirSync(blind).filter((f) => f.endsWith('.json')).sort().map((f) => path.join(blind, f)),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await measureAnswers(), null, 2));
}

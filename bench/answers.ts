/**
 * Answer latency in-process, through `bot.handle` (the reading, the context, the search, the
 * replies and the session's round trip through the memory store), with the small dictionary:
 * single questions each asked by a person just greeted, conversations turn by turn, and the
 * single questions again against ten times the FAQ (bench/tenfold.ts). Wall and CPU time per
 * turn; the ordinary and the tenfold bot take turns round by round, so a noisy machine weighs
 * on both alike. `npx tsx bench/answers.ts` prints the figures as JSON.
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { createBot, type Bot } from '../src/bot/index.ts';
import { EVAL_NOW, evalFileSchema, turnsOf } from '../src/bot/eval.ts';
import { writeTenfoldRoot } from './tenfold.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Latency {
  p50Ms: number;
  p99Ms: number;
  cpuP50Ms: number;
  cpuP99Ms: number;
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
  const now = new Date(EVAL_NOW);
  const tenfoldRoot = writeTenfoldRoot();
  try {
    const bot = await createBot({ dictionary: 'mini', now });
    const tenfold = await createBot({ dictionary: 'mini', now, knowledgeRoot: tenfoldRoot });
    let users = 0;
    const ask = async (b: Bot, turns: readonly string[], into: Samples): Promise<void> => {
      const user = `bench-${users++}`;
      await b.handle(user, { kind: 'text', text: '你好' });
      for (const text of turns) {
        const cpu = process.cpuUsage();
        const t = performance.now();
        await b.handle(user, { kind: 'text', text });
        into.wall.push(performance.now() - t);
        const used = process.cpuUsage(cpu);
        into.cpu.push((used.user + used.system) / 1000);
      }
    };
    const discard = samples();
    for (const b of [bot, tenfold]) for (const turns of conversations) await ask(b, turns, discard);
    const fresh = samples();
    for (const q of singles) await ask(bot, [q], fresh);
    const repeated = samples();
    const talk = samples();
    const ten = samples();
    for (let r = 0; r < rounds; r++) {
      for (let i = 0; i < singles.length; i++) {
        await ask(bot, [singles[i]!], repeated);
        await ask(tenfold, [singles[i]!], r === 0 ? discard : ten);
      }
      for (const turns of conversations) await ask(bot, turns, talk);
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

interface Samples { wall: number[]; cpu: number[] }

function samples(): Samples {
  return { wall: [], cpu: [] };
}

function figures(s: Samples): Latency {
  const pct = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!, 3);
  };
  return { p50Ms: pct(s.wall, 0.5), p99Ms: pct(s.wall, 0.99), cpuP50Ms: pct(s.cpu, 0.5), cpuP99Ms: pct(s.cpu, 0.99), turns: s.wall.length };
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

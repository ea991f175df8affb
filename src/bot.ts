/**
 * The bot assembled: knowledge, wording, segmenter and index loaded once; a clock; sessions by
 * user. Channels (terminal, web, Telegram, LINE) call `handle` and render what comes back.
 */
import { loadKnowledge, type Knowledge } from './knowledge/load.ts';
import { loadChatFlow, type ChatFlow } from './dialogue/flow.ts';
import { step, type Env } from './dialogue/step.ts';
import type { Input, Session, StepResult } from './dialogue/types.ts';
import { buildIndex, type SearchIndex } from './qa/search.ts';
import { jiebaSegmenter, type DictionaryChoice } from './text/segmenter.ts';

export interface BotOptions {
  /** The clock's starting instant; it runs on in real time from there. Default: the real clock. */
  now?: Date;
  timeZone?: string;
  dictionary?: DictionaryChoice;
  knowledgeRoot?: string;
}

/** A clock that starts at a chosen instant, runs in real time, and can be moved forward. */
export class Clock {
  private offset: number;
  constructor(start?: Date) {
    this.offset = start ? start.getTime() - Date.now() : 0;
  }
  now(): Date {
    return new Date(Date.now() + this.offset);
  }
  /** Moves the clock to `instant` if that is later; never back. */
  advanceTo(instant: Date): void {
    const delta = instant.getTime() - this.now().getTime();
    if (delta > 0) this.offset += delta;
  }
}

export interface Bot {
  knowledge: Knowledge;
  flow: ChatFlow;
  index: SearchIndex;
  clock: Clock;
  /** One turn of one user's conversation. */
  handle(user: string, input: Input): StepResult;
}

export function createBot(options: BotOptions = {}): Bot {
  const knowledge = loadKnowledge(options.knowledgeRoot);
  const flow = loadChatFlow();
  const segmenter = jiebaSegmenter(options.dictionary ?? 'mini', knowledge.userWords);
  const index = buildIndex(knowledge, segmenter);
  const clock = new Clock(options.now);
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const sessions = new Map<string, Session>();
  return {
    knowledge, flow, index, clock,
    handle(user, input) {
      const env: Env = { now: clock.now(), timeZone, knowledge, flow, index };
      const result = step(sessions.get(user), input, env);
      sessions.set(user, result.session);
      return result;
    },
  };
}

/**
 * The bot assembled: knowledge, flows, segmenter and index loaded once; a clock; sessions in the
 * store, one turn per user at a time. Channels (terminal, web, Telegram, LINE) call `handle` and
 * render what comes back.
 */
import { loadKnowledge, type Knowledge } from './knowledge/load.ts';
import { loadChatFlow, type ChatFlow } from './dialogue/flow.ts';
import { loadHrTrack, type HrTrack } from './dialogue/hr.ts';
import { step, type Env } from './dialogue/step.ts';
import type { Input, Session, StepResult } from './dialogue/types.ts';
import { loadInterviewFlow, type InterviewFlow } from './interview/flow.ts';
import { buildIndex, type SearchIndex } from './qa/search.ts';
import { openStore, type Store } from './store/index.ts';
import { photoFacts } from './photo/check.ts';
import { jiebaSegmenter, type DictionaryChoice } from './text/segmenter.ts';

export interface BotOptions {
  /** The clock's starting instant; it runs on in real time from there. Default: the real clock. */
  now?: Date;
  timeZone?: string;
  dictionary?: DictionaryChoice;
  knowledgeRoot?: string;
  /** STORE_URL; default memory:// (the CLI passes the configured one). */
  storeUrl?: string;
}

/** Idle sessions expire after this long. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

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
  interview: InterviewFlow;
  hr: HrTrack;
  index: SearchIndex;
  clock: Clock;
  store: Store;
  timeZone: string;
  /** One turn of one user's conversation: load the session, step, save, carry out effects. */
  handle(user: string, input: Input | Upload): Promise<StepResult>;
  close(): Promise<void>;
}

/** The key prefix of everything stored about a user (deleted whole by "删除我的数据"). */
export function userPrefix(user: string): string {
  return `user:${user}:`;
}

/** A file a person sent (a photo): the bot reads its facts before the engine sees it. */
export interface Upload { kind: 'upload'; data: Uint8Array }

export async function createBot(options: BotOptions = {}): Promise<Bot> {
  const knowledge = loadKnowledge(options.knowledgeRoot);
  const flow = loadChatFlow();
  const interview = loadInterviewFlow(knowledge);
  const hr = loadHrTrack(knowledge);
  if (!knowledge.topics.some((t) => t.id === flow.materialsTopic)) throw new Error(`flows/chat.yaml: materialsTopic: "${flow.materialsTopic}" is not an FAQ topic`);
  const segmenter = jiebaSegmenter(options.dictionary ?? 'mini', knowledge.userWords);
  const index = buildIndex(knowledge, segmenter);
  const clock = new Clock(options.now);
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const store = await openStore(options.storeUrl ?? 'memory://');
  const env = (): Env => ({ now: clock.now(), timeZone, knowledge, flow, interview, hr, index });
  return {
    knowledge, flow, interview, hr, index, clock, store, timeZone,
    handle(user, input) {
      const key = `${userPrefix(user)}session`;
      return store.withLock(key, async () => {
        const session = await store.get<Session>(key);
        const result = step(session, input.kind === 'upload' ? { kind: 'photo', facts: photoFacts(input.data) } : input, env());
        if (result.effects.some((e) => e.kind === 'forget')) await store.deletePrefix(userPrefix(user));
        else await store.set(key, result.session, SESSION_TTL_MS);
        return result;
      });
    },
    close: () => store.close(),
  };
}

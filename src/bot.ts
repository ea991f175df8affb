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
import { userPrefix } from './store/keys.ts';
import { CALENDAR_YEARS, yearCovered } from './rules/working-days.ts';
import { photoFacts } from './photo/check.ts';
import { jiebaSegmenter, type DictionaryChoice } from './text/segmenter.ts';
import {
  addSubscription, checklistKey, DEFAULT_RETRY, removeSubscription, runDue, subscriptionKey,
  type ChannelName, type RetryPolicy, type RunReport, type Sender,
} from './reminders/runner.ts';

export interface BotOptions {
  /** The clock's starting instant; it runs on in real time from there. Default: the real clock. */
  now?: Date;
  timeZone?: string;
  dictionary?: DictionaryChoice;
  knowledgeRoot?: string;
  /** STORE_URL; default memory:// (the CLI passes the configured one). */
  storeUrl?: string;
  /** Retries of a failed reminder send; default 4 tries, 1 s doubling. */
  reminderRetry?: RetryPolicy;
  /** Where the reminder runner's log lines go; default stderr. */
  log?: (line: string) => void;
}

/** How long the checklist of a verdict is kept for personal reminders. */
export const CHECKLIST_TTL_MS = 180 * 24 * 3600 * 1000;

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
  /** A channel's adapter registers how to push a text to one of its chats (for reminders). */
  registerSender(channel: ChannelName, sender: Sender): void;
  /** Claims and sends the reminders due at `now` (default: the clock's); one run at a time. */
  runDue(now?: Date): Promise<RunReport>;
  close(): Promise<void>;
}

export { userPrefix };

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
  const senders = new Map<ChannelName, Sender>();
  const log = options.log ?? ((line: string) => console.error(line));
  let running: Promise<unknown> = Promise.resolve();
  // chinese-days knows holidays for 2004–2026 only; later years count weekends alone.
  const years = [knowledge.params.individualDeadline.value, knowledge.params.unitDeadline.value].map((d) => Number(d.slice(0, 4)));
  for (const year of new Set(years.filter((y) => !yearCovered(y)))) {
    log(`[reminders] the working-day calendar has no holiday data for ${year} (covered: ${CALENDAR_YEARS.from}–${CALENDAR_YEARS.to}); working days of that year count weekends only`);
  }
  return {
    knowledge, flow, interview, hr, index, clock, store, timeZone,
    handle(user, input) {
      const key = `${userPrefix(user)}session`;
      return store.withLock(key, async () => {
        let session = await store.get<Session>(key);
        // The runner removes a subscription it has finished with (the next notice was sent).
        if (session?.subscription && !(await store.get(subscriptionKey(user)))) session = { ...session, subscription: null };
        const result = step(session, input.kind === 'upload' ? { kind: 'photo', facts: photoFacts(input.data) } : input, env());
        for (const effect of result.effects) {
          if (effect.kind === 'forget') {
            await store.deletePrefix(userPrefix(user));
            await removeSubscription(store, user);
          } else if (effect.kind === 'subscribe') await addSubscription(store, user, effect.role, effect.since, knowledge.edition);
          else await removeSubscription(store, user);
        }
        if (result.effects.some((e) => e.kind === 'forget')) return result;
        // The verdict's checklist, for personal reminders.
        const checklist = result.assessment ? result.session.interview?.lastVerdict?.checklist : undefined;
        if (checklist) await store.set(checklistKey(user), checklist, CHECKLIST_TTL_MS);
        await store.set(key, result.session, SESSION_TTL_MS);
        return result;
      });
    },
    registerSender(channel, sender) {
      senders.set(channel, sender);
    },
    runDue(now) {
      const run = running.then(() => runDue({ store, knowledge, flow, timeZone, senders, retry: options.reminderRetry ?? DEFAULT_RETRY, log }, now ?? clock.now()));
      running = run.catch(() => undefined);
      return run;
    },
    close: () => store.close(),
  };
}

/**
 * The bot assembled: knowledge, flows, segmenter and index loaded once per edition (the one in
 * force on the clock's day, another when first needed); a clock; sessions in the
 * store. A turn is: lock the user, load the session, step, carry out the effects, save. Channels
 * call `handle`, render what comes back, and register how to push to their users (reminders).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { plain, type Input } from '../core/types.ts';
import type { EditionParts, Env } from '../dialogue/env.ts';
import { loadChatFlow, say, type ChatFlow } from '../dialogue/flow.ts';
import { loadHrTrack, type HrTrack } from '../dialogue/hr.ts';
import { loadPersonalTexts } from '../dialogue/personal.ts';
import { step } from '../dialogue/step.ts';
import type { Effect, StepResult } from '../dialogue/types.ts';
import { loadInterviewFlow, type InterviewFlow } from '../interview/flow.ts';
import { editionOn } from '../knowledge/editions.ts';
import { defaultKnowledgeRoot, parseKnowledge, readEditions, readKnowledgeFiles, type Knowledge, type KnowledgeFiles } from '../knowledge/load.ts';
import { activeChanges, changeLog, describeChange, knowledgeWith, type ChangeLog, type KnowledgeChange } from '../office/changes.ts';
import { buildIndex, type SearchIndex } from '../qa/search.ts';
import { calendarCoverage, yearCovered } from '../core/working-days.ts';
import { dateInZone } from '../rules/months.ts';
import { createOfficeLog, type LogEvent, type OfficeLog } from '../office/log.ts';
import { LockTimeoutError, openStore, StoreError, type Store } from '../store/index.ts';
import { keys, userPrefix } from '../store/keys.ts';
import { sharedSecret } from '../store/secret.ts';
import { jiebaSegmenter, type DictionaryChoice } from '../text/segmenter.ts';
import { Clock } from './clock.ts';
import { addSubscription, DEFAULT_DELIVERY, DEFAULT_RETRY, removeSubscription, runDue, type DeliveryOptions, type Push, type RetryPolicy, type Route, type RunReport } from './runner.ts';

export { Clock } from './clock.ts';
export type { Push, PushResult } from './runner.ts';

export interface BotOptions {
  /** The clock's starting instant; it runs on in real time from there. Default: the real clock. */
  now?: Date;
  timeZone?: string;
  dictionary?: DictionaryChoice;
  knowledgeRoot?: string;
  /**
   * The edition served whatever the clock (`--edition`); default: the one in force on the clock's
   * day (knowledge/editions.yaml), switching on the day the next one comes into force.
   */
  edition?: string;
  /** STORE_URL; default memory:// (the CLI passes the configured one). */
  storeUrl?: string;
  /** Retries of a failed reminder push; default up to 16 tries within about a minute (0.5 s doubling, at most 5 s apart). */
  reminderRetry?: RetryPolicy;
  /** Reminder pushes: per-try time bound (20 s), pushes at once per channel (8), a claim's lease (60 s). */
  reminderDelivery?: Partial<DeliveryOptions>;
  /** Where the reminder runner's log lines go; default stderr. */
  log?: (line: string) => void;
  /** How long the office's log keeps a record (LOG_RETENTION_DAYS); default 180. */
  logRetentionDays?: number;
}

/** How long the checklist of a verdict is kept for personal reminders. */
export const CHECKLIST_TTL_MS = 180 * 24 * 3600 * 1000;

/** Idle sessions expire after this long. */
export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;

/** A channel as the bot knows it: its name, the prefix of its users' ids ("tg" for tg:123; "" for the terminal) and its pusher. */
export interface ChannelRegistration { name: string; prefix: string; push: Push }

export interface Bot {
  /**
   * The knowledge in force on the clock (the edition of its day, plus the office's changes made
   * for that edition): it changes when a change is made, and when the next edition comes into force.
   */
  readonly knowledge: Knowledge;
  flow: ChatFlow;
  readonly interview: InterviewFlow;
  readonly hr: HrTrack;
  readonly index: SearchIndex;
  clock: Clock;
  store: Store;
  /** The office's log of questions, checks and feedback (no personal data). */
  office: OfficeLog;
  timeZone: string;
  /** The knowledge changes made in the office console (in the store). */
  changes: ChangeLog;
  /**
   * The knowledge of `edition` (default: the one in force) with these office changes applied,
   * checked by the loader, and its index; throws the loader's error.
   */
  candidate(active: readonly KnowledgeChange[], edition?: string): { knowledge: Knowledge; index: SearchIndex };
  /** Puts the office's changes in force here when the store has newer ones (every turn does it first). */
  syncKnowledge(): Promise<void>;
  /** The step's environment at `now` (default: the clock's instant): the edition in force then. */
  env(now?: Date): Env;
  /** A user id as log lines show it: a keyed hash, never the id. */
  logId(user: string): string;
  /** One turn of one user's conversation. */
  handle(user: string, input: Input): Promise<StepResult>;
  /** A channel registers how to push a text to one of its chats (for reminders). */
  registerChannel(channel: ChannelRegistration): void;
  /**
   * Claims and sends the reminders due at `now` (default: the clock's); one run at a time. An
   * aborted `signal` (the service shutting down) ends the run at once: what it had not finished
   * is sent by a later run.
   */
  runDue(now?: Date, signal?: AbortSignal): Promise<RunReport>;
  close(): Promise<void>;
}

export async function createBot(options: BotOptions = {}): Promise<Bot> {
  const root = options.knowledgeRoot ?? defaultKnowledgeRoot();
  const plan = readEditions(root);
  const flow = loadChatFlow();
  const personal = loadPersonalTexts();
  const dictionary = options.dictionary ?? 'mini';
  const clock = new Clock(options.now);
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const log = options.log ?? ((line: string) => console.error(line));
  /** The edition in force at an instant: the one chosen, else the one of that day in editions.yaml. */
  const editionAt = (now: Date): string => options.edition ?? editionOn(plan, dateInZone(now, timeZone));
  /** The edition an office change stored without one was made for: the one in force when it was made. */
  const changeEdition = (at: Date): string => editionOn(plan, dateInZone(at, timeZone));

  // Editions are loaded when first served (through the data cache): a start loads the one in force only.
  const served = new Map<string, Served>();
  function load(edition: string): Served {
    const known = served.get(edition);
    if (known) return known;
    const base = readKnowledgeFiles(root, edition);
    const knowledge = parseKnowledge(base.files, base.edition);
    if (!knowledge.topics.some((t) => t.id === flow.materialsTopic)) throw new Error(`flows/chat.yaml: materialsTopic: "${flow.materialsTopic}" is not an FAQ topic of edition ${edition}`);
    const s: Served = {
      edition, files: base.files, knowledge, index: buildIndex(knowledge, jiebaSegmenter(dictionary, knowledge.userWords)),
      interview: loadInterviewFlow(knowledge), hr: loadHrTrack(knowledge), appliedVersion: 0,
    };
    served.set(edition, s);
    return s;
  }
  // The edition in force at start must load (a broken one stops the start); a later one that does
  // not load when its day comes is logged, and the edition the bot started with is served meanwhile.
  const first = load(editionAt(clock.now()));
  const failed = new Set<string>();
  function servedAt(now: Date): Served {
    const edition = editionAt(now);
    if (edition === first.edition || failed.has(edition)) return first;
    try {
      return load(edition);
    } catch (err) {
      log(`[knowledge] edition ${edition} is in force but does not load; serving ${first.edition} (${(err as Error).message})`);
      failed.add(edition);
      return first;
    }
  }

  const store = await openStore(options.storeUrl ?? 'memory://');
  // Log lines name users by a keyed hash (the key kept in the store, shared by instances): an id
  // cannot be found again from its hash by trying chat ids. A store down at start: a key for this process.
  const logSecret = await sharedSecret(store, keys.logSalt)().catch(() => {
    log('[store] the log key could not be read; user hashes in this process\'s log lines are its own');
    return randomBytes(32).toString('hex');
  });
  const logId = (user: string): string => createHmac('sha256', logSecret).update(user).digest('hex').slice(0, 12);
  const changes = changeLog(store, changeEdition);
  const office = createOfficeLog(store, { retentionDays: options.logRetentionDays, timeZone, onError: (err) => log(`[office] log records not written (${err.name})`) });
  /** Another edition than the one in force, for a question about its season (loaded on first use). */
  const otherEdition = (edition: string): EditionParts | undefined => {
    try {
      return load(edition);
    } catch {
      return undefined;
    }
  };
  const env = (now = clock.now()): Env => {
    const s = servedAt(now);
    return { now, timeZone, knowledge: s.knowledge, flow, interview: s.interview, hr: s.hr, personal, index: s.index, otherEdition };
  };
  const channels = new Map<string, ChannelRegistration>();
  let running: Promise<unknown> = Promise.resolve();
  // The edition's own working-day dates are checked by the loader; a date a user gives ("今天收到短信")
  // in a year past the calendar's data is counted Monday–Friday and labelled so in the answer.
  const clockYear = Number(dateInZone(clock.now(), timeZone).slice(0, 4));
  if (!yearCovered(clockYear)) {
    log(`[calendar] ${calendarCoverage()}: working days of ${clockYear} (the clock's year) are counted Monday–Friday, and answers say so; update it: npm install chinese-days@latest`);
  }

  /** The knowledge of edition `s` with the office's changes `active` applied, checked by the loader, and its index (not installed). */
  function candidateOf(s: Served, active: readonly KnowledgeChange[]): { knowledge: Knowledge; index: SearchIndex } {
    const k = knowledgeWith(s.files, s.edition, active);
    return { knowledge: k, index: buildIndex(k, jiebaSegmenter(dictionary, k.userWords)) };
  }
  function candidate(active: readonly KnowledgeChange[], edition?: string): { knowledge: Knowledge; index: SearchIndex } {
    return candidateOf(edition === undefined ? servedAt(clock.now()) : load(edition), active);
  }

  // The office's changes in force, each on the edition it was made for: applied when an edition is
  // first served and whenever their version in the store moves (a change made on any instance is
  // in force here from the next turn on).
  async function sync(s: Served, version: number): Promise<void> {
    if (version === s.appliedVersion) return;
    s.syncing ??= (async () => {
      const active = activeChanges(await changes.list(), s.edition, changeEdition);
      let next: { knowledge: Knowledge; index: SearchIndex };
      try {
        next = candidateOf(s, active);
      } catch {
        // The files changed under the changes (an export edited by hand): those that still apply are kept.
        const kept: KnowledgeChange[] = [];
        for (const c of active) {
          try {
            knowledgeWith(s.files, s.edition, [...kept, c]);
            kept.push(c);
          } catch (why) {
            log(`[office] a knowledge change no longer applies to edition ${s.edition} and is left out: ${describeChange(c)} (${(why as Error).message})`);
          }
        }
        next = candidateOf(s, kept);
      }
      s.knowledge = next.knowledge;
      s.index = next.index;
      s.appliedVersion = version;
    })().finally(() => { s.syncing = undefined; });
    await s.syncing;
  }
  /** Every edition served so far, and the one in force at `now`, brought up to the store's changes. */
  async function syncKnowledge(now = clock.now()): Promise<void> {
    const current = servedAt(now);
    const version = await changes.version();
    for (const s of new Set([current, ...served.values()])) await sync(s, version);
  }
  await syncKnowledge();

  /** The channel of a user id, by its prefix ("tg:123" → the channel registered as "tg"). */
  function route(user: string): Route | undefined {
    const at = user.indexOf(':');
    const prefixed = at > 0 ? channels.get(user.slice(0, at)) : undefined;
    if (prefixed) return { channel: prefixed.name, chat: user.slice(at + 1), push: prefixed.push };
    const plain = channels.get('');
    return plain && !(at > 0 && /^[a-z]+$/.test(user.slice(0, at))) ? { channel: plain.name, chat: user, push: plain.push } : undefined;
  }

  async function carryOut(user: string, effect: Effect): Promise<void> {
    switch (effect.kind) {
      case 'forget':
        await office.forget(user, clock.now());
        await store.deletePrefix(userPrefix(user));
        await removeSubscription(store, user);
        return;
      case 'subscribe': await addSubscription(store, user, effect.role, effect.since, servedAt(new Date(effect.since)).edition); return;
      case 'unsubscribe': await removeSubscription(store, user); return;
      case 'remember-checklist': await store.set(keys.checklist(user), effect.items, CHECKLIST_TTL_MS); return;
      case 'log-question': case 'log-check': case 'feedback': return record(user, effect);
    }
  }

  /** One event for the office's log; a log that cannot be written never fails the person's turn. */
  async function record(user: string, effect: Extract<Effect, { kind: 'log-question' | 'log-check' | 'feedback' }>): Promise<void> {
    const event: LogEvent = effect.kind === 'log-question'
      ? { type: 'question', qid: effect.qid ?? '', text: effect.question, focus: effect.focus, entry: effect.entry, score: Math.round(effect.score * 1000) / 1000, fallback: !effect.answered }
      : effect.kind === 'log-check'
        ? (effect.event === 'started' ? { type: 'check', event: 'started' } : { type: 'check', event: 'verdict', eligible: effect.eligible, blockers: effect.blockers })
        : { type: 'feedback', qid: effect.qid, entry: effect.entry, vote: effect.vote, ...(effect.comment !== undefined && { comment: effect.comment }) };
    try {
      await office.record(user, event, clock.now());
    } catch (err) {
      // The store's message names keys, which hold user ids: only its kind is logged.
      log(`[office] a log record was not kept (${(err as Error).name})`);
    }
  }

  return {
    get knowledge() { return servedAt(clock.now()).knowledge; },
    get index() { return servedAt(clock.now()).index; },
    get interview() { return servedAt(clock.now()).interview; },
    get hr() { return servedAt(clock.now()).hr; },
    flow, clock, store, office, changes, timeZone, env, candidate, syncKnowledge: () => syncKnowledge(), logId,
    async handle(user, input) {
      const key = keys.session(user);
      // The store down: the office's changes already in force stay in force.
      const now = clock.now();
      await syncKnowledge(now).catch((err: unknown) => { if (!isStoreFault(err)) throw err; });
      let answered: StepResult | undefined;
      try {
        return await store.withLock(key, async () => {
          answered = step(await store.get(key), input, env(now));
          for (const effect of answered.effects) await carryOut(user, effect);
          if (!answered.effects.some((e) => e.kind === 'forget')) await store.set(key, answered.session, SESSION_TTL_MS);
          return answered;
        });
      } catch (err) {
        if (!isStoreFault(err)) throw err;
        // The store cannot be read or written: the person still gets an answer (read against what
        // the turn could load, else a new conversation), with one line saying it was not saved.
        const result = answered ?? step(undefined, input, env(now));
        log(`[store] a turn was answered without being saved (${(err as Error).name}: ${(err as Error).message})`);
        // 删除我的数据 that could not be carried out must not read as done.
        if (result.effects.some((e) => e.kind === 'forget')) return { ...result, effects: [], replies: [plain(say(flow, 'forgetFailed', {}))] };
        return { ...result, effects: [], replies: [...result.replies, plain(say(flow, 'notSaved', {}))] };
      }
    },
    registerChannel(channel) {
      channels.set(channel.prefix, channel);
    },
    runDue(now, signal) {
      const delivery = { ...DEFAULT_DELIVERY, ...options.reminderDelivery };
      const at = now ?? clock.now();
      // The reminders of the edition in force at the run's instant (a new one: its notice to those who waited).
      const run = running.then(async () => {
        await syncKnowledge(at).catch((err: unknown) => { if (!isStoreFault(err)) throw err; });
        const { knowledge } = servedAt(at);
        return runDue({ store, knowledge, flow, timeZone, route, retry: options.reminderRetry ?? DEFAULT_RETRY, delivery, log, logId }, at, signal);
      });
      running = run.catch(() => undefined);
      return run;
    },
    async close() {
      await office.flush();
      await store.close();
    },
  };
}

/** An edition as the bot serves it: its files, its knowledge with the office's changes for it, its index and flows. */
interface Served extends EditionParts {
  edition: string;
  files: KnowledgeFiles;
  /** The version of the store's change list applied (0: none). */
  appliedVersion: number;
  syncing?: Promise<void> | undefined;
}

/** A failure of the store (unreachable, unwritable, a lock not had in time), not of the turn itself. */
function isStoreFault(err: unknown): boolean {
  return err instanceof StoreError || err instanceof LockTimeoutError;
}

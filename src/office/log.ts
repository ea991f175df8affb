/**
 * The office's log of what happened, without personal data: each question (its text masked, the
 * reading's focus, the entry and score chosen, fallback or not), each eligibility check started
 * or finished, each 👍/👎. A record names its person only by a keyed hash (HMAC-SHA256 with a
 * salt generated once and kept in the store, so every instance agrees and nobody can reverse it
 * without the store), its channel and its day.
 *
 * The store cannot list keys, so records are kept in day buckets of chunks
 * (`office:log:<day>:<n>`, at most CHUNK records each, with a count) and a list of the days
 * that have any. Every chunk expires with the retention (`LOG_RETENTION_DAYS`), and `sweep`
 * drops whole days past it. 删除我的数据 removes the person's records: the days they wrote on are
 * kept under their own prefix (deleted with the rest of their data).
 */
import { createHmac } from 'node:crypto';
import { dateInZone, daysBetween } from '../rules/months.ts';
import type { Store } from '../store/index.ts';
import { keys } from '../store/keys.ts';
import { sharedSecret } from '../store/secret.ts';
import { maskPersonal } from './mask.ts';

/** Records per stored chunk: an append rewrites one chunk, never the whole day. */
const CHUNK = 100;
/** Records waiting beyond this many are written at once. */
const MAX_PENDING = 500;

interface Base {
  /** ISO instant on the bot's clock. */
  at: string;
  /** The day in the bot's time zone, YYYY-MM-DD. */
  day: string;
  /** The person's keyed hash. */
  user: string;
  /** The channel: the user id's prefix (tg, line, web, …), "terminal" for none. */
  channel: string;
}

/** What a caller gives for a record; the log adds when, who and where. */
export type LogEvent =
  | { type: 'question'; qid: string; text: string; focus: string[]; entry: string | null; score: number; fallback: boolean }
  | { type: 'check'; event: 'started' | 'verdict'; eligible?: boolean; blockers?: string[] }
  | { type: 'feedback'; qid: string; entry: string | null; vote: 'up' | 'down'; comment?: string };

export type LogRecord = Base & LogEvent;

export interface OfficeLogOptions {
  /** How long records are kept; default 180 days. */
  retentionDays?: number;
  timeZone?: string;
  /** How long a record waits to be written with others; default 200 ms. */
  flushDelayMs?: number;
  /** A batch that could not be written (the store is down); default one line on stderr. */
  onError?: (error: Error) => void;
}

export interface OfficeLog {
  readonly retentionDays: number;
  /** Keeps one event of `user` at `now` (texts masked here, the user hashed); written within `flushDelayMs`. */
  record(user: string, event: LogEvent, now: Date): Promise<void>;
  /** Writes the records still waiting (before a read, a forget, a close). */
  flush(): Promise<void>;
  /** Every record of the days from `since` to `until` (inclusive, YYYY-MM-DD; default all kept). */
  read(range?: { since?: string; until?: string }): Promise<LogRecord[]>;
  /** Deletes the days past the retention at `now`; returns how many records went. */
  sweep(now: Date): Promise<number>;
  /** Removes every record of `user` (删除我的数据) at `now`; returns how many. */
  forget(user: string, now: Date): Promise<number>;
  /** The keyed hash a record carries for `user`. */
  hash(user: string): Promise<string>;
}

/** The channel of an engine user id: its prefix ("tg:123" → tg), "terminal" for a bare id. */
export function channelOf(user: string): string {
  const at = user.indexOf(':');
  return at > 0 && /^[a-z]+$/.test(user.slice(0, at)) ? user.slice(0, at) : 'terminal';
}

export function createOfficeLog(store: Store, options: OfficeLogOptions = {}): OfficeLog {
  const retentionDays = options.retentionDays ?? 180;
  const timeZone = options.timeZone ?? 'Asia/Shanghai';
  const retentionMs = retentionDays * 24 * 3600 * 1000;
  const flushDelayMs = options.flushDelayMs ?? 200;
  // The store's message names keys, which hold user ids: only the error's kind is said.
  const onError = options.onError ?? ((error: Error) => console.error(`[office] log records not written (${error.name})`));
  const getSalt = sharedSecret(store, keys.officeSalt);

  const hash = async (user: string): Promise<string> => createHmac('sha256', await getSalt()).update(user).digest('hex').slice(0, 16);

  async function days(): Promise<string[]> {
    return (await store.get<string[]>(keys.officeDays)) ?? [];
  }

  /** Rewrites every chunk of `day` through `keep`; returns how many records were dropped. */
  async function filterDay(day: string, keep: (r: LogRecord) => boolean, now: Date): Promise<number> {
    return store.withLock(keys.officeLogDay(day), async () => {
      const count = (await store.get<number>(keys.officeLogCount(day))) ?? 0;
      let dropped = 0;
      for (let n = 0; n * CHUNK < count; n++) {
        const chunk = await store.get<LogRecord[]>(keys.officeLogChunk(day, n));
        if (!chunk) continue;
        const kept = chunk.filter(keep);
        if (kept.length === chunk.length) continue;
        dropped += chunk.length - kept.length;
        // Chunks keep their place (the count indexes them); an emptied one stays as [].
        await store.set(keys.officeLogChunk(day, n), kept, ttlFor(day, now));
      }
      return dropped;
    });
  }

  /** How long a record of `day` may still live, at `now` on the bot's clock (the sweep drops the day then too). */
  function ttlFor(day: string, now: Date): number {
    const end = Date.parse(`${day}T00:00:00Z`) + retentionMs + 2 * 24 * 3600 * 1000;
    return Math.max(1000, Math.round(end - now.getTime()));
  }

  // Records wait here a moment and are written in batches, off the person's turn: one chunk write
  // for many records. `flush` (also before every read, forget and close) writes what waits.
  let pending: { record: LogRecord; rawUser: string; now: Date }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  /** Users whose day is known to be in their list of days (saves a read per record). */
  const knownUserDays = new Set<string>();
  const knownDays = new Set<string>();

  function flush(): Promise<void> {
    if (timer) { clearTimeout(timer); timer = undefined; }
    const batch = pending;
    pending = [];
    if (batch.length) writing = writing.then(() => write(batch)).catch((err: unknown) => onError(err instanceof Error ? err : new Error(String(err))));
    return writing;
  }

  async function write(batch: { record: LogRecord; rawUser: string; now: Date }[]): Promise<void> {
    const byDay = new Map<string, LogRecord[]>();
    for (const { record } of batch) {
      const same = byDay.get(record.day);
      if (same) same.push(record);
      else byDay.set(record.day, [record]);
    }
    const now = batch.at(-1)!.now;
    for (const [day, records] of byDay) {
      await store.withLock(keys.officeLogDay(day), async () => {
        let count = (await store.get<number>(keys.officeLogCount(day))) ?? 0;
        let rest = records;
        while (rest.length) {
          const n = Math.floor(count / CHUNK);
          const chunk = (await store.get<LogRecord[]>(keys.officeLogChunk(day, n))) ?? [];
          const added = rest.slice(0, CHUNK - chunk.length);
          rest = rest.slice(added.length);
          await store.set(keys.officeLogChunk(day, n), [...chunk, ...added], ttlFor(day, now));
          count += added.length;
        }
        await store.set(keys.officeLogCount(day), count, ttlFor(day, now));
      });
      if (!knownDays.has(day)) {
        await addDay(keys.officeDays, day);
        knownDays.add(day);
      }
    }
    for (const { rawUser, record } of batch) {
      const seen = `${record.day} ${rawUser}`;
      if (knownUserDays.has(seen)) continue;
      await addDay(keys.officeUserDays(rawUser), record.day, retentionMs);
      if (knownUserDays.size > 100_000) knownUserDays.clear();
      knownUserDays.add(seen);
    }
  }

  /** Adds `day` to the sorted list of days under `key` (under its lock); days past the retention are not kept. */
  async function addDay(key: string, day: string, ttlMs?: number): Promise<void> {
    await store.withLock(key, async () => {
      const list = (await store.get<string[]>(key)) ?? [];
      if (!list.includes(day)) await store.set(key, [...list, day].sort().slice(-(retentionDays + 2)), ttlMs);
    });
  }

  return {
    retentionDays,
    hash,

    async record(user, event, now) {
      const day = dateInZone(now, timeZone);
      const masked: LogEvent = event.type === 'question' ? { ...event, text: maskPersonal(event.text).slice(0, 2000) }
        : event.type === 'feedback' && event.comment !== undefined ? { ...event, comment: maskPersonal(event.comment).slice(0, 300) }
          : event;
      const record = { at: now.toISOString(), day, user: await hash(user), channel: channelOf(user), ...masked } as LogRecord;
      pending.push({ record, rawUser: user, now });
      if (pending.length >= MAX_PENDING) void flush();
      else if (!timer) {
        timer = setTimeout(() => void flush(), flushDelayMs);
        timer.unref();
      }
    },

    flush,

    async read(range = {}) {
      await flush();
      const out: LogRecord[] = [];
      for (const day of await days()) {
        if ((range.since && day < range.since) || (range.until && day > range.until)) continue;
        const count = (await store.get<number>(keys.officeLogCount(day))) ?? 0;
        for (let n = 0; n * CHUNK < count; n++) out.push(...((await store.get<LogRecord[]>(keys.officeLogChunk(day, n))) ?? []));
      }
      return out;
    },

    async sweep(now) {
      await flush();
      const today = dateInZone(now, timeZone);
      let removed = 0;
      await store.withLock(keys.officeDays, async () => {
        const list = await days();
        const old = list.filter((day) => daysBetween(day, today) > retentionDays);
        for (const day of old) {
          const count = (await store.get<number>(keys.officeLogCount(day))) ?? 0;
          removed += count;
          await store.deletePrefix(keys.officeLogDayPrefix(day));
          knownDays.delete(day);
        }
        if (old.length) await store.set(keys.officeDays, list.filter((d) => !old.includes(d)));
      });
      return removed;
    },

    async forget(user, now) {
      await flush();
      for (const k of knownUserDays) if (k.endsWith(` ${user}`)) knownUserDays.delete(k);
      const mine = (await store.get<string[]>(keys.officeUserDays(user))) ?? [];
      if (!mine.length) return 0;
      const who = await hash(user);
      let removed = 0;
      for (const day of mine) removed += await filterDay(day, (r) => r.user !== who, now);
      await store.delete(keys.officeUserDays(user));
      return removed;
    },
  };
}

/** What each store backend provides; the shared logic (keys, serialisation, locks, sweep timer, errors) lives in index.ts. */
import type { LeaseOps } from './lock.ts';

/**
 * A backend keeps raw entries: the string keyv writes, `{"value":…,"expires":ms}` (serialised by
 * @keyv/serialize, `expires` absent without a TTL), so files and Redis databases written through
 * keyv stay readable both ways. Keys are full keys (already namespaced).
 */
export interface Backend {
  /** The raw entry under `fullKey`, or undefined (an expired one may still be returned: the caller checks). */
  get(fullKey: string): Promise<string | undefined>;
  /** Stores a raw entry; `ttlMs` (when given) lets backends with their own expiry (Redis) drop it then too. */
  set(fullKey: string, raw: string, ttlMs?: number): Promise<void>;
  /** Deletes the entry; true when there was one. */
  delete(fullKey: string): Promise<boolean>;
  /** Resolves when the backend can take commands, or throws (Redis waits for its connection). */
  ready(): Promise<void>;
  /** Deletes keys starting with `fullPrefix` (already namespaced); returns how many. */
  deletePrefix(fullPrefix: string): Promise<number>;
  /** Deletes entries under `fullPrefix` whose `expires` is before `now`; returns how many. */
  sweepExpired?(fullPrefix: string, now: number): Promise<number>;
  /**
   * Stores `raw` under `fullKey` only if nothing live is there, in one atomic step; true when this
   * call stored it.
   */
  addIfAbsent(fullKey: string, raw: string, ttlMs: number, now: number): Promise<boolean>;
  /** Locks shared with other processes on the same store (absent: the store is this process's alone). */
  leases?: LeaseOps;
  /** Every key starting with `fullPrefix` (for a one-time key migration); absent on the memory store. */
  keysWithPrefix?(fullPrefix: string): Promise<string[]>;
  /** Moves a value (with its expiry) to another key, replacing what was there. */
  rename?(from: string, to: string): Promise<void>;
  /** Told of an operation's failure (SQLite opens its file again after some). */
  failed?(error: unknown): void;
  /** Throws when the backend does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

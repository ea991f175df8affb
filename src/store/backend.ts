/** What each store backend provides; the shared logic (keys, locks, sweep timer, errors) lives in index.ts. */
import type { Keyv } from 'keyv';

export interface Backend {
  /** keyv over the backend, created with `throwOnErrors: true` and no keyv namespace. */
  keyv: Keyv;
  /** Resolves when the backend can take commands, or throws (Redis waits for its connection). */
  ready(): Promise<void>;
  /** Deletes keys starting with `fullPrefix` (already namespaced); returns how many. */
  deletePrefix(fullPrefix: string): Promise<number>;
  /** Deletes entries under `fullPrefix` whose keyv `expires` is before `now`; returns how many. */
  sweepExpired?(fullPrefix: string, now: number): Promise<number>;
  /** Takes the cross-instance lock; resolves to its release function. */
  acquireLock?(lockKey: string): Promise<() => Promise<void>>;
  /** Throws when the backend does not answer. */
  ping(): Promise<void>;
  close(): Promise<void>;
}


/**
 * The session store: per-user state behind one small interface, in keyv's format (entry.ts).
 *
 * `openStore(url)` picks the backend from STORE_URL (see docs in INTERFACES.md):
 *   memory://                        in-process Map (tests)
 *   sqlite://data/bot.sqlite         file relative to the working directory (folder created)
 *   sqlite:///abs/path.sqlite        absolute file
 *   redis://host:port (rediss://…)   shared by several instances; withLock also locks across them
 *
 * Opening never fails on an unreachable backend: such a store still opens, every operation on it
 * rejects with a StoreError (never a silent `undefined`), and `health()` says why. Errors and log
 * lines name keys with the user id left out (keyForLogs).
 */
import type { Backend } from './backend.ts';
import { randomUUID } from 'node:crypto';
import { deserializeEntry, isExpired, serializeEntry } from './entry.ts';
import { keyForLogs, keys, KEYS_VERSION, upgradeUserKey } from './keys.ts';
import { holdLease, KeyedQueue, LockTimeoutError, type LeaseWrite } from './lock.ts';
import { openMemoryBackend } from './memory.ts';

export { LockTimeoutError } from './lock.ts';

/** Persistence for the dialogue engine. Values must be JSON-serialisable. */
export interface Store {
  /** The value, or undefined when absent or expired; rejects on store errors. */
  get<T>(key: string): Promise<T | undefined>;
  /** Stores `value`; with `ttlMs` (a positive integer) it expires after that many ms. */
  set<T>(key: string, value: T, ttlMs?: number): Promise<void>;
  /**
   * Stores `value` for `ttlMs` only if the key holds nothing (or only something expired), in one
   * atomic step across every process on the store: true when this call stored it (a claim, e.g.
   * "this delivery is mine to handle").
   */
  addIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /** true when the key existed. */
  delete(key: string): Promise<boolean>;
  /** Deletes every key with this (non-empty) prefix, e.g. for "delete all my data"; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * Runs fn with an exclusive lock on `key`: callers queue per key in this process; on Redis and
   * SQLite they also take a lease in the store, so other processes on it wait too. The lease lives
   * a few seconds and is renewed while fn runs: a process killed while holding it frees it within
   * `lockTtlMs`. Not re-entrant: do not nest withLock on the same key.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Deletes expired entries now (sqlite and memory keep them until read); Redis expires keys itself. */
  sweepExpired(): Promise<number>;
  /**
   * Whether the store can be written and read back (for /healthz): a probe key is written, read and
   * deleted. Never throws; gives up after a few seconds.
   */
  health(): Promise<StoreHealth>;
  /** `health()`'s verdict alone. */
  ping(): Promise<boolean>;
  /** Stops the sweep timer and closes connections; later calls reject. */
  close(): Promise<void>;
}

export type StoreHealth = { ok: true } | { ok: false; reason: string };

export interface StoreOptions {
  /** How often sqlite and memory stores delete expired entries; default 1 hour, 0 = never. */
  sweepIntervalMs?: number;
  /** Prefix of every key (`<namespace>:<key>`), so several bots can share one Redis; default "zhicheng". */
  namespace?: string;
  /** Redis: how long an operation waits for a (re)connection before it fails; default 3000. */
  connectTimeoutMs?: number;
  /** Redis and SQLite: how long withLock retries for the lock shared with other processes; default 10000. */
  lockTimeoutMs?: number;
  /** Redis and SQLite: the lifetime of a lock's lease, renewed at a third of it while held; default 5000. */
  lockTtlMs?: number;
  /** Background errors (sweep failures, Redis going away); default one line on stderr. */
  onError?: (error: Error) => void;
}

/** A failed store operation; `cause` holds the backend's own error. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
}

export type { Backend } from './backend.ts';

const ACCEPTED = 'sqlite://relative/path.sqlite, sqlite:///absolute/path.sqlite, redis://host:port, rediss://host:port or memory://';

/** Where a STORE_URL points: a discriminated union of the accepted forms. */
export type StoreLocation =
  | { kind: 'memory' }
  | { kind: 'sqlite'; file: string }
  | { kind: 'redis'; url: string };

/** Parses a STORE_URL; throws an Error naming the URL and the accepted forms. */
export function parseStoreUrl(url: string): StoreLocation {
  if (url === 'memory://') return { kind: 'memory' };
  const sqlite = /^sqlite:\/\/(.+)$/.exec(url);
  if (sqlite) return { kind: 'sqlite', file: sqlite[1]! }; // "/abs…" stays absolute, else relative to cwd
  if (/^rediss?:\/\/./.test(url) && URL.canParse(url)) return { kind: 'redis', url };
  throw new Error(`unsupported store URL "${redact(url)}": expected ${ACCEPTED}`);
}

/** The URL with any password replaced, for messages and logs. */
export function redact(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*:)[^@/]*@/i, '$1***@');
}

/** Opens the store at `url` (see the module comment for the forms). */
export async function openStore(url: string, options: StoreOptions = {}): Promise<Store> {
  const location = parseStoreUrl(url);
  const namespace = options.namespace ?? 'zhicheng';
  if (namespace === '' || namespace.includes(':')) throw new Error(`store namespace must be non-empty without ":" (got "${namespace}")`);
  const onError = options.onError ?? ((error: Error) => console.error(`[store] ${redact(url)}: ${error.message}`));
  // Backends load their drivers only when chosen: the Redis client alone costs ~170 ms at start.
  const backend =
    location.kind === 'memory' ? openMemoryBackend()
    : location.kind === 'sqlite' ? (await import('./sqlite.ts')).openSqliteBackend(location.file, onError)
    : (await import('./redis.ts')).openRedisBackend(location.url, { connectTimeoutMs: options.connectTimeoutMs ?? 3000, onError });
  const store = makeStore(backend, {
    label: redact(url), namespace, sweepIntervalMs: options.sweepIntervalMs ?? 3_600_000, onError,
    lockTtlMs: options.lockTtlMs ?? 5000, lockTimeoutMs: options.lockTimeoutMs ?? 10_000,
  });
  await upgradeKeys(store, backend, namespace).catch((error: unknown) =>
    onError(new Error(`the stored keys could not be brought to version ${KEYS_VERSION} now (${messageOf(error)}); retried at the next start`)));
  return store;
}

/**
 * Brings a store written by an earlier version to today's key layout, once (a marker key says it
 * was done; the first instance to start does it under a lock while the others wait for it).
 */
async function upgradeKeys(store: Store, backend: Backend, namespace: string): Promise<void> {
  if (!backend.keysWithPrefix || !backend.rename) return;
  if ((await store.get<number>(keys.keysVersion)) === KEYS_VERSION) return;
  await store.withLock(keys.keysVersion, async () => {
    if ((await store.get<number>(keys.keysVersion)) === KEYS_VERSION) return;
    const prefix = `${namespace}:`;
    for (const full of await backend.keysWithPrefix!(`${prefix}user:`)) {
      const upgraded = upgradeUserKey(full.slice(prefix.length));
      if (upgraded) await backend.rename!(full, `${prefix}${upgraded}`);
    }
    await store.set(keys.keysVersion, KEYS_VERSION);
  });
}

function makeStore(
  backend: Backend,
  settings: { label: string; namespace: string; sweepIntervalMs: number; onError: (error: Error) => void; lockTtlMs: number; lockTimeoutMs: number },
): Store {
  const { label, namespace } = settings;
  const queue = new KeyedQueue();
  const full = (key: string): string => `${namespace}:${key}`;
  let closed = false;
  /** The keys this process holds a lease on (by full key): what was read with it, what waits to be written with its release. */
  const held = new Map<string, HeldKey>();
  /** Whether a set of a held key can wait for the release (the backend writes both in one step). */
  const writeWithRelease = backend.leases?.writeAndRelease !== undefined;

  /** Runs one backend operation, turning any failure into a StoreError naming the store. */
  async function run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    if (closed) throw new StoreError(`store ${label}: ${what} after close()`);
    try {
      await backend.ready();
      return await fn();
    } catch (error) {
      if (error instanceof StoreError || error instanceof LockTimeoutError) throw error;
      backend.failed?.(error);
      throw new StoreError(`store ${label}: ${what} failed: ${messageOf(error)}`, { cause: error });
    }
  }

  const sweepExpired = async (): Promise<number> =>
    backend.sweepExpired ? run('sweep', () => backend.sweepExpired!(`${namespace}:`, Date.now())) : 0;

  let sweeping = false;
  const timer = backend.sweepExpired && settings.sweepIntervalMs > 0
    ? setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweepExpired()
          .catch((error: unknown) => settings.onError(error instanceof Error ? error : new Error(String(error))))
          .finally(() => { sweeping = false; });
      }, settings.sweepIntervalMs)
    : undefined;
  timer?.unref();

  /**
   * The value of a raw entry, undefined when absent or expired. An expired entry is left to the
   * sweep (keyv deleted it when read, which could delete a value written in between).
   */
  const valueOf = (raw: string | undefined): unknown => {
    const entry = raw === undefined ? undefined : deserializeEntry(raw);
    return entry && !isExpired(entry, Date.now()) ? entry.value : undefined;
  };
  const read = async (fullKey: string): Promise<unknown> => valueOf(await backend.get(fullKey));
  const write = (fullKey: string, value: unknown, ttlMs?: number): Promise<void> =>
    backend.set(fullKey, serializeEntry(value, ttlMs === undefined ? undefined : Date.now() + ttlMs), ttlMs);

  /**
   * Before an operation on `fullKey` other than get, set and delete: forgets what was read with its
   * lease (the operation may change it) and writes now what waits for the release.
   */
  async function flush(fullKey: string): Promise<void> {
    const h = held.get(fullKey);
    if (h) h.read = undefined;
    const pending = h?.write;
    if (!h || !pending) return;
    h.write = undefined;
    await run(`set ${keyForLogs(fullKey)}`, () => backend.set(pending.key, pending.raw, pending.ttlMs));
  }

  const probeKey = keys.healthProbe(randomUUID().slice(0, 8));
  async function health(): Promise<StoreHealth> {
    if (closed) return { ok: false, reason: 'the store is closed' };
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<never>((_, reject) => { timeout = setTimeout(() => reject(new Error('no answer within 5 s')), 5000); });
    try {
      await Promise.race([(async () => {
        const written = Date.now();
        await run('health probe write', () => write(full(probeKey), written, 60_000));
        const back = await run('health probe read', () => read(full(probeKey)));
        if (back !== written) throw new Error('the probe written was not read back');
        await run('health probe delete', () => backend.delete(full(probeKey)));
      })(), gaveUp]);
      return { ok: true };
    } catch (error) {
      return { ok: false, reason: messageOf(error) };
    } finally {
      clearTimeout(timeout);
    }
  }

  return {
    get: <T>(key: string) => {
      const h = closed ? undefined : held.get(full(key));
      if (h?.write) return Promise.resolve(valueOf(h.write.raw) as T | undefined);
      if (h?.read) {
        // The value read with the lease, once: a later read asks the store again.
        const { raw } = h.read;
        h.read = undefined;
        return run(`get ${keyForLogs(key)}`, async () => valueOf(raw) as T | undefined);
      }
      return run(`get ${keyForLogs(key)}`, async () => (await read(full(key))) as T | undefined);
    },

    async set<T>(key: string, value: T, ttlMs?: number) {
      if (value === undefined) throw new TypeError(`store set ${keyForLogs(key)}: value is undefined (use delete)`);
      if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
        throw new RangeError(`store set ${keyForLogs(key)}: ttlMs must be a positive integer (got ${ttlMs})`);
      }
      const h = writeWithRelease && !closed ? held.get(full(key)) : undefined;
      if (h) {
        h.read = undefined;
        h.write = { key: full(key), raw: serializeEntry(value, ttlMs === undefined ? undefined : Date.now() + ttlMs), ...(ttlMs !== undefined && { ttlMs }) };
        return;
      }
      await run(`set ${keyForLogs(key)}`, () => write(full(key), value, ttlMs));
    },

    async addIfAbsent<T>(key: string, value: T, ttlMs: number) {
      if (!(Number.isInteger(ttlMs) && ttlMs > 0)) throw new RangeError(`store addIfAbsent ${keyForLogs(key)}: ttlMs must be a positive integer (got ${ttlMs})`);
      await flush(full(key));
      return run(`addIfAbsent ${keyForLogs(key)}`, async () => {
        const now = Date.now();
        return backend.addIfAbsent(full(key), serializeEntry(value, now + ttlMs), ttlMs, now);
      });
    },

    async delete(key: string) {
      const h = held.get(full(key));
      // A write waiting for the release is dropped: it was there, so the key existed.
      const waiting = h?.write !== undefined;
      if (h) h.read = h.write = undefined;
      return (await run(`delete ${keyForLogs(key)}`, () => backend.delete(full(key)))) || waiting;
    },

    async deletePrefix(prefix: string) {
      if (prefix === '') throw new RangeError('store deletePrefix: the prefix must not be empty');
      const fullPrefix = full(prefix);
      for (const fullKey of [...held.keys()]) {
        if (fullKey.startsWith(fullPrefix)) await flush(fullKey); // then deleted with the rest, and counted
      }
      return run(`deletePrefix ${keyForLogs(prefix)}`, () => backend.deletePrefix(fullPrefix));
    },

    withLock: <T>(key: string, fn: () => Promise<T>) =>
      queue.run(key, async () => {
        const leases = backend.leases;
        if (!leases) return fn();
        const fullKey = full(key);
        const lease = await run(`lock ${keyForLogs(key)}`, () => holdLease(leases, `lock:${fullKey}`, {
          ttlMs: settings.lockTtlMs,
          timeoutMs: settings.lockTimeoutMs,
          onLost: (lockKey, why) => settings.onError(new Error(`lock ${keyForLogs(lockKey)}: ${why}`)),
          read: fullKey,
        }));
        const h: HeldKey = lease.read ? { read: lease.read } : {};
        held.set(fullKey, h);
        let outcome: { ok: true; value: T } | { ok: false; error: unknown };
        try {
          outcome = { ok: true, value: await fn() };
        } catch (error) {
          outcome = { ok: false, error };
        }
        held.delete(fullKey);
        const pending = h.write;
        if (pending) {
          // Written whether fn went on to fail or not, as a set made at once would have been.
          try {
            await run(`set ${keyForLogs(key)}`, () => lease.release(pending));
          } catch (error) {
            if (outcome.ok) throw error;
          }
        } else {
          await lease.release();
        }
        if (!outcome.ok) throw outcome.error;
        return outcome.value;
      }),

    sweepExpired,

    health,
    ping: async () => (await health()).ok,

    close: async () => {
      if (closed) return;
      closed = true;
      if (timer) clearInterval(timer);
      await backend.close();
    },
  };
}

/** What this process knows of a key it holds a lease on. */
interface HeldKey {
  /** The raw entry read with the lease, until the first get of the key uses it. */
  read?: { raw: string | undefined };
  /** The last set of the key, written with the release. */
  write?: LeaseWrite;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

/**
 * Locks for read-modify-write updates of one key.
 *
 * keyv has no compare-and-set: two concurrent get → set updates of the same session lose one
 * of them. Inside one process a per-key promise chain serialises them; across instances sharing
 * Redis a `SET lock token NX PX` lock does, released only by its owner (a Lua compare-and-delete).
 */
import { randomUUID } from 'node:crypto';

/** Runs functions one after another per key, in call order; different keys run concurrently. */
export class KeyedQueue {
  /** The promise the next caller of a key waits for; removed once the last holder is done. */
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let done!: () => void;
    const mine = new Promise<void>((resolve) => { done = resolve; });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    try {
      await previous; // only ever resolves: every link is a `mine` promise
      return await fn();
    } finally {
      done();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or waiters (for tests: the map must not leak). */
  get size(): number {
    return this.tails.size;
  }
}

/** The few Redis commands the lock needs (a subset of node-redis's client). */
export interface LockClient {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisLockOptions {
  /** How long the lock lives if its holder dies without releasing it. */
  ttlMs: number;
  /** How long to keep retrying before giving up with an error. */
  timeoutMs: number;
  /** Base pause between attempts (a random jitter of the same size is added). */
  retryMs?: number;
}

/** Deletes the lock only if it still holds our token (it may have expired and been re-taken). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Thrown when a lock could not be taken within `timeoutMs`. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/**
 * Takes the Redis lock `lockKey`, retrying until `timeoutMs`; resolves to its release function.
 * Release never throws: if it fails the lock simply expires after `ttlMs`.
 */
export async function acquireRedisLock(
  client: LockClient,
  lockKey: string,
  options: RedisLockOptions,
): Promise<() => Promise<void>> {
  const token = randomUUID();
  const retryMs = options.retryMs ?? 20;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const reply = await client.set(lockKey, token, { NX: true, PX: options.ttlMs });
    if (reply === 'OK') break;
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`could not take lock ${lockKey} within ${options.timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs + Math.random() * retryMs));
  }
  return async () => {
    try {
      await client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] });
    } catch {
      // The lock expires on its own after ttlMs.
    }
  };
}

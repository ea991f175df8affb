/**
 * Locks for read-modify-write updates of one key.
 *
 * keyv has no compare-and-set: two concurrent get → set updates of the same session lose one
 * of them. Inside one process a per-key promise chain serialises them; across processes sharing a
 * store (instances on one Redis, or the service and the terminal chat on one SQLite file) a lease
 * in the store does: taken with a token, renewed while held, released only by its owner.
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

/**
 * A lease on a lock in a shared backend (Redis, or the SQLite file several processes open): taken
 * with a token and a short lifetime, renewed while its holder runs, so a holder that dies frees its
 * lock within one lifetime instead of blocking its users.
 */
export interface LeaseOps {
  /** Takes the lock if nobody holds it or the holder's lease ran out; true when taken. */
  take(lockKey: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours (it ran out and was taken). */
  extend(lockKey: string, token: string, ttlMs: number): Promise<boolean>;
  /** Releases the lock if it still holds our token. */
  release(lockKey: string, token: string): Promise<void>;
  /**
   * `take`, and when taken the raw entry under `readKey` read in the same step (a turn's lock and
   * its session in one round trip). Optional.
   */
  takeAndRead?(lockKey: string, token: string, ttlMs: number, readKey: string): Promise<{ taken: false } | { taken: true; raw: string | undefined }>;
  /**
   * Writes a raw entry and releases the lock (if still ours) in one step; rejects when the write
   * failed. The write happens whether or not the lease is still ours, as a plain write would. Optional.
   */
  writeAndRelease?(lockKey: string, token: string, write: LeaseWrite): Promise<void>;
}

/** A write made with the release of a lease. */
export interface LeaseWrite { key: string; raw: string; ttlMs?: number }

/** A lease held. */
export interface HeldLease {
  /** The raw entry under `options.read`, read with the lease (absent: not read, the backend cannot). */
  read?: { raw: string | undefined };
  /**
   * Stops renewing and releases the lease; with `write` (only when the backend has
   * writeAndRelease), writes it in the same step and rejects if it failed (the lease then released
   * alone if it can be). Without, never rejects: if the release fails, the lease simply runs out.
   */
  release(write?: LeaseWrite): Promise<void>;
}

export interface LeaseOptions {
  /** A lease's lifetime: how long the lock outlives a holder that died; renewed at a third of it. */
  ttlMs: number;
  /** How long to keep retrying before giving up with a LockTimeoutError. */
  timeoutMs: number;
  /** Base pause between attempts (a random jitter of the same size is added). */
  retryMs?: number;
  /** Told when a renewal found the lease lost or failed (the holder ran longer than the lease while the store was away). */
  onLost?: (lockKey: string, why: string) => void;
  /** A key to read with the lease when the backend can (LeaseOps.takeAndRead). */
  read?: string;
}

/** Thrown when a lock could not be taken within `timeoutMs`. */
export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
}

/**
 * Takes the lock `lockKey`, retrying until `timeoutMs`; resolves to its release function. The lease
 * is renewed every third of its lifetime until released. Release never throws: if it fails, the
 * lease simply runs out.
 */
export async function acquireLease(ops: LeaseOps, lockKey: string, options: LeaseOptions): Promise<() => Promise<void>> {
  const held = await holdLease(ops, lockKey, options);
  return () => held.release();
}

/** acquireLease, with the read and the write that can go with the lease (see HeldLease). */
export async function holdLease(ops: LeaseOps, lockKey: string, options: LeaseOptions): Promise<HeldLease> {
  const token = randomUUID();
  const retryMs = options.retryMs ?? 20;
  const deadline = Date.now() + options.timeoutMs;
  const readKey = ops.takeAndRead ? options.read : undefined;
  let read: HeldLease['read'];
  for (;;) {
    if (readKey === undefined) {
      if (await ops.take(lockKey, token, options.ttlMs)) break;
    } else {
      const took = await ops.takeAndRead!(lockKey, token, options.ttlMs, readKey);
      if (took.taken) {
        read = { raw: took.raw };
        break;
      }
    }
    if (Date.now() >= deadline) {
      throw new LockTimeoutError(`could not take a lock within ${options.timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, retryMs + Math.random() * retryMs));
  }
  let renewing: Promise<void> | undefined;
  const timer = setInterval(() => {
    renewing ??= ops.extend(lockKey, token, options.ttlMs)
      .then((held) => { if (!held) options.onLost?.(lockKey, 'the lease ran out and the lock was taken by another holder'); },
        (error: unknown) => options.onLost?.(lockKey, `renewal failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => { renewing = undefined; });
  }, Math.max(1, Math.floor(options.ttlMs / 3)));
  timer.unref();
  return {
    ...(read && { read }),
    async release(write) {
      clearInterval(timer);
      await renewing;
      if (write) {
        if (!ops.writeAndRelease) throw new Error('this store cannot write with a release');
        try {
          await ops.writeAndRelease(lockKey, token, write);
        } catch (error) {
          // The write failed: the lease is still released if it can be (else it runs out).
          await ops.release(lockKey, token).catch(() => {});
          throw error;
        }
        return;
      }
      try {
        await ops.release(lockKey, token);
      } catch {
        // The lease runs out on its own.
      }
    },
  };
}

/** The few Redis commands the lock needs (a subset of node-redis's client). */
export interface LockClient {
  set(key: string, value: string, options: { NX: true; PX: number }): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/** Deletes the lock only if it still holds our token (it may have run out and been re-taken). */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
/** Extends the lock's lifetime only if it still holds our token. */
const EXTEND_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

/** Takes the lock as `SET NX PX` does and, when taken, reads a key: {1, value} or {0}. */
const TAKE_AND_READ_SCRIPT = `if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, redis.call('get', KEYS[2])} else return {0} end`;
/** Writes a key (with PX when a TTL is given), then deletes the lock if it still holds our token. */
const WRITE_AND_RELEASE_SCRIPT = `if ARGV[3] == '' then redis.call('set', KEYS[2], ARGV[2]) else redis.call('set', KEYS[2], ARGV[2], 'PX', ARGV[3]) end
if redis.call('get', KEYS[1]) == ARGV[1] then redis.call('del', KEYS[1]) end
return 1`;

/**
 * A lease on Redis: `SET key token NX PX ttl`, extended and released by a compare-and-act script;
 * taken with a read, and released with a write, by one script each (one round trip).
 */
export function redisLeaseOps(client: LockClient): LeaseOps {
  return {
    take: async (lockKey, token, ttlMs) => (await client.set(lockKey, token, { NX: true, PX: ttlMs })) === 'OK',
    extend: async (lockKey, token, ttlMs) => Number(await client.eval(EXTEND_SCRIPT, { keys: [lockKey], arguments: [token, String(ttlMs)] })) === 1,
    release: async (lockKey, token) => { await client.eval(RELEASE_SCRIPT, { keys: [lockKey], arguments: [token] }); },
    takeAndRead: async (lockKey, token, ttlMs, readKey) => {
      const reply = (await client.eval(TAKE_AND_READ_SCRIPT, { keys: [lockKey, readKey], arguments: [token, String(ttlMs)] })) as [number, string | null | undefined];
      return Number(reply[0]) === 1 ? { taken: true, raw: reply[1] ?? undefined } : { taken: false };
    },
    writeAndRelease: async (lockKey, token, write) => {
      await client.eval(WRITE_AND_RELEASE_SCRIPT, { keys: [lockKey, write.key], arguments: [token, write.raw, write.ttlMs === undefined ? '' : String(write.ttlMs)] });
    },
  };
}

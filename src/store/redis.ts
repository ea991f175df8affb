/**
 * redis://host:port — entries as keyv over @keyv/redis wrote them (plain keys, the serialised entry
 * as a string, `PX` for a TTL), on node-redis's client (from @keyv/redis) configured not to hang.
 *
 * node-redis's `connect()` never settles while the server is down (it keeps reconnecting), and by
 * default queues commands until it is back. So: the client reconnects in the background with a
 * capped backoff, `disableOfflineQueue` makes commands fail at once while it is offline, each
 * operation first waits at most `connectTimeoutMs` for the connection, and every command has a
 * timeout.
 */
import { createClient } from '@keyv/redis';
import { redisLeaseOps } from './lock.ts';
import type { Backend } from './backend.ts';

export interface RedisBackendOptions {
  connectTimeoutMs: number;
  onError: (error: Error) => void;
}

/** Redis SCAN MATCH patterns are globs: escape them to match a literal prefix. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

/** Starts connecting to `url` in the background and returns at once. */
export function openRedisBackend(url: string, options: RedisBackendOptions): Backend {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: options.connectTimeoutMs,
      reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2000),
    },
    commandOptions: { timeout: 5000 },
  });
  // Report an outage once, not on every reconnect attempt; without an 'error' listener
  // node-redis would crash the process.
  let reported = false;
  /** Since when the connection has been lost (undefined while connected): an outage under way fails at once. */
  let downSince: number | undefined;
  client.on('error', (error: Error) => {
    if (!reported) options.onError(error);
    reported = true;
    downSince ??= Date.now();
  });
  client.on('ready', () => { reported = false; downSince = undefined; });
  client.connect().catch(() => {}); // settles only when connected or destroyed

  /** One shared wait for the next 'ready' (one listener however many callers wait). */
  let nextReady: Promise<void> | undefined;
  const waitForReady = (): Promise<void> =>
    (nextReady ??= new Promise<void>((resolve) => {
      client.once('ready', () => { nextReady = undefined; resolve(); });
    }));

  async function ready(): Promise<void> {
    if (client.isReady) return;
    if (!client.isOpen) throw new Error('the Redis client is closed');
    // Down for longer than one wait already: do not make every operation wait again (a turn does
    // several); the background reconnection ends this as soon as Redis is back.
    if (downSince !== undefined && Date.now() - downSince > options.connectTimeoutMs) {
      throw new Error(`Redis is not reachable (down for ${Math.round((Date.now() - downSince) / 1000)} s)`);
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        waitForReady(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis is not reachable (no connection within ${options.connectTimeoutMs} ms)`)), options.connectTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    get: async (fullKey) => (await client.get(fullKey)) ?? undefined,
    set: async (fullKey, raw, ttlMs) => {
      await (ttlMs ? client.set(fullKey, raw, { PX: ttlMs }) : client.set(fullKey, raw));
    },
    delete: async (fullKey) => (await client.unlink(fullKey)) > 0,
    ready,
    deletePrefix: async (fullPrefix) => {
      let count = 0;
      for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(fullPrefix)}*`, COUNT: 500 })) {
        if (keys.length > 0) count += await client.unlink(keys);
      }
      return count;
    },
    leases: redisLeaseOps({
      set: (key, value, opts) => client.set(key, value, opts),
      eval: (script, opts) => client.eval(script, opts),
    }),
    addIfAbsent: async (fullKey, raw, ttlMs) => (await client.set(fullKey, raw, { NX: true, PX: ttlMs })) === 'OK',
    keysWithPrefix: async (fullPrefix) => {
      const found: string[] = [];
      for await (const keys of client.scanIterator({ MATCH: `${escapeGlob(fullPrefix)}*`, COUNT: 500 })) found.push(...keys);
      return found;
    },
    rename: async (from, to) => {
      await client.rename(from, to);
    },
    ping: async () => {
      await client.ping();
    },
    close: async () => {
      if (client.isReady) await client.close();
      else if (client.isOpen) client.destroy(); // still reconnecting: nothing to flush
    },
  };
}

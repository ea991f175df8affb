/**
 * Redis specifics: no hang when Redis is down, recovery, and the cross-instance lock.
 * Runs only when a redis-server binary is on PATH; each test starts its own server.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '@keyv/redis';
import { openStore, StoreError, type Store, type StoreOptions } from '../../src/store/index.ts';
import { acquireLease, LockTimeoutError, redisLeaseOps } from '../../src/store/lock.ts';
import { freePort, hasRedisServer, startRedisServer, type RedisServer } from './redis-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet: StoreOptions = { onError: () => {}, connectTimeoutMs: 1000 };

const title = hasRedisServer ? 'redis' : 'redis (skipped: no redis-server binary on PATH; apt-get install redis-server)';

describe.skipIf(!hasRedisServer)(title, () => {
  const servers: RedisServer[] = [];
  const stores: Store[] = [];
  const start = async (port?: number) => {
    const server = await startRedisServer(port);
    servers.push(server);
    return server;
  };
  const open = async (url: string, options: StoreOptions = {}) => {
    const store = await openStore(url, { ...quiet, ...options });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
  });

  it('on a closed port, get rejects within a few seconds instead of hanging or answering undefined', async () => {
    const port = await freePort();
    const store = await open(`redis://127.0.0.1:${port}`);
    const started = Date.now();
    await expect(store.get('session:u1')).rejects.toThrow(StoreError);
    await expect(store.set('session:u1', {})).rejects.toThrow(/not reachable/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await store.ping()).toBe(false);
  });

  it('fails fast while Redis is down and recovers when it is back', async () => {
    const server = await start();
    const store = await open(server.url);
    await store.set('k', { n: 1 });
    expect(await store.get('k')).toEqual({ n: 1 });

    await server.stop();
    const started = Date.now();
    await expect(store.get('k')).rejects.toThrow(StoreError);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await store.ping()).toBe(false);

    await start(server.port); // same port, empty (no persistence)
    await expect.poll(() => store.ping(), { timeout: 8000, interval: 200 }).toBe(true);
    expect(await store.get('k')).toBeUndefined();
    await store.set('k', { n: 2 });
    expect(await store.get('k')).toEqual({ n: 2 });
  });

  it('expires keys natively (no sweep needed)', async () => {
    const server = await start();
    const store = await open(server.url);
    await store.set('k:short', 1, 50);
    await store.set('k:kept', 2);
    await sleep(120);
    expect(await store.sweepExpired()).toBe(0);
    expect(await store.deletePrefix('k:')).toBe(1); // only k:kept was still there
  });

  it('stores entries as keyv over @keyv/redis did (plain key, the entry text, PX for a TTL), and reads theirs', async () => {
    const server = await start();
    const store = await open(server.url, { namespace: 'ns' });
    const client = createClient({ url: server.url });
    client.on('error', () => {});
    await client.connect();
    try {
      await store.set('user:a:session', { s: ':colon' }, 60_000);
      expect(await client.get('ns:user:a:session')).toMatch(/^\{"value":\{"s":"::colon"\},"expires":\d+\}$/);
      expect(await client.pTTL('ns:user:a:session')).toBeGreaterThan(50_000);
      await client.set('ns:old', '{"value":["::x",2]}');
      expect(await store.get('old')).toEqual([':x', 2]);
      // A turn's lock: taken with a read, released with the write (one script each).
      await store.withLock('old', async () => {
        expect(await client.exists('lock:ns:old')).toBe(1);
        expect(await store.get('old')).toEqual([':x', 2]);
        await store.set('old', 'new', 60_000);
      });
      expect(await client.exists('lock:ns:old')).toBe(0);
      expect(await client.get('ns:old')).toMatch(/^\{"value":"new","expires":\d+\}$/);
      expect(await client.pTTL('ns:old')).toBeGreaterThan(50_000);
    } finally {
      client.destroy();
    }
  });

  it('keeps namespaces apart on one server', async () => {
    const server = await start();
    const a = await open(server.url, { namespace: 'a' });
    const b = await open(server.url, { namespace: 'b' });
    await a.set('user:1:session', 'from a');
    await b.set('user:1:session', 'from b');
    expect(await a.deletePrefix('user:')).toBe(1);
    expect(await b.get('user:1:session')).toBe('from b');
  });

  it('withLock serialises updates from two store instances (two bot processes)', async () => {
    const server = await start();
    const one = await open(server.url, { namespace: 'shared' });
    const two = await open(server.url, { namespace: 'shared' });
    await one.set('counter', 0);
    const increment = (store: Store) => store.withLock('counter', async () => {
      const n = (await store.get<number>('counter'))!;
      await sleep(2); // widen the race window
      await store.set('counter', n + 1);
    });
    // 20 updates from each instance, interleaved
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 === 0 ? one : two)));
    expect(await one.get('counter')).toBe(40);
  });

  it('withLock gives up with LockTimeoutError when another instance holds the lock too long', async () => {
    const server = await start();
    const holder = await open(server.url, { namespace: 'shared' });
    const waiter = await open(server.url, { namespace: 'shared', lockTimeoutMs: 200 });
    let release!: () => void;
    const held = holder.withLock('k', () => new Promise<void>((resolve) => { release = resolve; }));
    await sleep(50);
    await expect(waiter.withLock('k', async () => 'never')).rejects.toThrow(LockTimeoutError);
    release();
    await held;
    await expect(waiter.withLock('k', async () => 'now')).resolves.toBe('now');
  });

  it('a lock that expired and was re-taken is not released by its first owner', async () => {
    const server = await start();
    const client = createClient({ url: server.url });
    client.on('error', () => {});
    await client.connect();
    try {
      const ops = redisLeaseOps({ set: client.set.bind(client), eval: client.eval.bind(client) });
      // The first owner stops renewing (as a process paused or cut off from Redis would): its lease runs out.
      expect(await ops.take('lock:x', 'first', 50)).toBe(true);
      const releaseFirst = () => ops.release('lock:x', 'first');
      await sleep(100); // expired
      const releaseSecond = await acquireLease(ops, 'lock:x', { ttlMs: 10_000, timeoutMs: 1000 });
      await releaseFirst();
      expect(await client.exists('lock:x')).toBe(1);
      await releaseSecond();
      expect(await client.exists('lock:x')).toBe(0);
    } finally {
      client.destroy();
    }
  });
});

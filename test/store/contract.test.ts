/** The Store contract, run on every backend: memory and sqlite always, redis when redis-server is installed. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store, type StoreOptions } from '../../src/store/index.ts';
import { hasRedisServer, startRedisServer, type RedisServer } from './redis-server.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet: StoreOptions = { onError: () => {} };

interface Backend {
  name: string;
  available: boolean;
  /** A URL for a fresh, empty store (unique per call where the backend allows). */
  url(): string;
}

let dir = '';
let redis: RedisServer | undefined;
let counter = 0;

const backends: Backend[] = [
  { name: 'memory', available: true, url: () => 'memory://' },
  { name: 'sqlite', available: true, url: () => `sqlite://${join(dir, `contract-${++counter}.sqlite`)}` },
  {
    name: hasRedisServer ? 'redis' : 'redis (skipped: no redis-server binary on PATH)',
    available: hasRedisServer,
    url: () => redis!.url,
  },
];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'store-contract-'));
  if (hasRedisServer) redis = await startRedisServer();
});
afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

for (const backend of backends) {
  describe.skipIf(!backend.available)(`Store on ${backend.name}`, () => {
    // Redis tests share one server: a namespace per test keeps them apart.
    const urls = new WeakMap<Store, { url: string; namespace: string }>();
    const open = async (options: StoreOptions = {}): Promise<Store> => {
      const at = { url: backend.url(), namespace: `t${++counter}` };
      const store = await openStore(at.url, { ...quiet, namespace: at.namespace, ...options });
      urls.set(store, at);
      return store;
    };
    /** The same store opened again (as another process would), or undefined for memory:// (one process's alone). */
    const openAgain = async (store: Store): Promise<Store | undefined> => {
      const at = urls.get(store)!;
      return at.url === 'memory://' ? undefined : openStore(at.url, { ...quiet, namespace: at.namespace });
    };

    it('round-trips JSON values, overwrites and deletes', async () => {
      const store = await open();
      const session = { v: 2, step: 'education', profile: { education: '本科', years: 5 }, tags: ['a', ':colon'], none: null };
      expect(await store.get('session:u1')).toBeUndefined();
      await store.set('session:u1', session);
      expect(await store.get('session:u1')).toEqual(session);
      await store.set('session:u1', { v: 3 });
      expect(await store.get('session:u1')).toEqual({ v: 3 });
      expect(await store.delete('session:u1')).toBe(true);
      expect(await store.delete('session:u1')).toBe(false);
      expect(await store.get('session:u1')).toBeUndefined();
      await store.close();
    });

    it('addIfAbsent stores once, atomically, and again once the entry expired', async () => {
      const store = await open();
      const results = await Promise.all(Array.from({ length: 20 }, () => store.addIfAbsent('delivery:x', { by: 'me' }, 300)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.get('delivery:x')).toEqual({ by: 'me' });
      expect(await store.addIfAbsent('delivery:x', 2, 300)).toBe(false);
      await store.set('delivery:y', 'kept');
      expect(await store.addIfAbsent('delivery:y', 'new', 300)).toBe(false); // a live entry without expiry
      expect(await store.get('delivery:y')).toBe('kept');
      await sleep(400);
      expect(await store.addIfAbsent('delivery:x', 3, 300)).toBe(true);
      expect(await store.get('delivery:x')).toBe(3);
      await expect(store.addIfAbsent('delivery:z', 1, 0)).rejects.toThrow(RangeError);
      await store.close();
    });

    it('forgets an entry after its TTL', async () => {
      const store = await open();
      await store.set('short', { n: 1 }, 250);
      await store.set('long', { n: 2 }, 60_000);
      expect(await store.get('short')).toEqual({ n: 1 });
      await sleep(400);
      expect(await store.get('short')).toBeUndefined();
      expect(await store.get('long')).toEqual({ n: 2 });
      await store.close();
    });

    it('rejects an undefined value and a bad TTL', async () => {
      const store = await open();
      await expect(store.set('k', undefined)).rejects.toThrow(/undefined/);
      await expect(store.set('k', 1, 0)).rejects.toThrow(RangeError);
      await expect(store.set('k', 1, 1.5)).rejects.toThrow(RangeError);
      await store.close();
    });

    it('deletePrefix deletes exactly the keys with that prefix', async () => {
      const store = await open();
      const keys = ['user:1:session', 'user:1:subs', 'user:10:session', 'user:2:session', 'user:1_x', 'odd*[k]?:1', 'odd*[k]?:2', 'oddX[k]?:3'];
      for (const key of keys) await store.set(key, { key });
      expect(await store.deletePrefix('user:1:')).toBe(2);
      expect(await store.get('user:1:session')).toBeUndefined();
      expect(await store.get('user:1:subs')).toBeUndefined();
      expect(await store.get('user:10:session')).toEqual({ key: 'user:10:session' });
      expect(await store.get('user:1_x')).toEqual({ key: 'user:1_x' });
      // glob and LIKE wildcards in the prefix are taken literally
      expect(await store.deletePrefix('odd*[k]?:')).toBe(2);
      expect(await store.get('oddX[k]?:3')).toEqual({ key: 'oddX[k]?:3' });
      expect(await store.deletePrefix('nobody:')).toBe(0);
      await expect(store.deletePrefix('')).rejects.toThrow(RangeError);
      await store.close();
    });

    it('withLock serialises 20 concurrent read-modify-write updates of one key', async () => {
      const store = await open();
      await store.set('counter', { n: 0 });
      await Promise.all(
        Array.from({ length: 20 }, () =>
          store.withLock('counter', async () => {
            const current = (await store.get<{ n: number }>('counter'))!;
            await sleep(1);
            await store.set('counter', { n: current.n + 1 });
          }),
        ),
      );
      expect(await store.get('counter')).toEqual({ n: 20 });
      await store.close();
    });

    it('withLock: a set of the locked key is read back inside, stored once the lock is released, and a later get asks the store', async () => {
      const store = await open();
      await store.set('session:u1', { step: 1 });
      const other = await openAgain(store);
      await store.withLock('session:u1', async () => {
        expect(await store.get('session:u1')).toEqual({ step: 1 });
        await store.set('session:u1', { step: 2 }, 60_000);
        expect(await store.get('session:u1')).toEqual({ step: 2 });
        await store.set('session:u1', { step: 3 });
        expect(await store.get('session:u1')).toEqual({ step: 3 });
      });
      expect(await store.get('session:u1')).toEqual({ step: 3 });
      if (other) expect(await other.get('session:u1')).toEqual({ step: 3 }); // another process sees it
      // Changed outside the lock, then read inside it: the value read with the lease is the new one.
      await store.set('session:u1', { step: 4 });
      await store.withLock('session:u1', async () => {
        expect(await store.get('session:u1')).toEqual({ step: 4 });
        await (other ?? store).set('session:u1', { step: 5 }); // a writer ignoring the lock
        expect(await store.get('session:u1')).toEqual({ step: 5 }); // the second read asks the store
      });
      await other?.close();
      await store.close();
    });

    it('withLock: a set then a delete or deletePrefix of the locked key leaves nothing, and says it was there', async () => {
      const store = await open();
      await store.withLock('user:a:session', async () => {
        await store.set('user:a:session', { n: 1 });
        expect(await store.delete('user:a:session')).toBe(true);
        expect(await store.get('user:a:session')).toBeUndefined();
      });
      expect(await store.get('user:a:session')).toBeUndefined();
      await store.set('user:b:other', 1);
      await store.withLock('user:b:session', async () => {
        await store.set('user:b:session', { n: 1 });
        expect(await store.deletePrefix('user:b:')).toBe(2);
      });
      expect(await store.get('user:b:session')).toBeUndefined();
      // addIfAbsent sees a set made under the lock.
      await store.withLock('claim', async () => {
        await store.set('claim', 'mine', 60_000);
        expect(await store.addIfAbsent('claim', 'theirs', 60_000)).toBe(false);
      });
      expect(await store.get('claim')).toBe('mine');
      await store.close();
    });

    it('withLock: a set made before fn fails is still stored, and fn\'s error is the one thrown', async () => {
      const store = await open();
      await expect(store.withLock('k', async () => {
        await store.set('k', 'written');
        throw new Error('boom');
      })).rejects.toThrow('boom');
      expect(await store.get('k')).toBe('written');
      await store.close();
    });

    it('withLock passes results and errors through and frees the lock after an error', async () => {
      const store = await open();
      await expect(store.withLock('k', async () => { throw new Error('boom'); })).rejects.toThrow('boom');
      await expect(store.withLock('k', async () => 42)).resolves.toBe(42);
      await store.close();
    });

    it('pings while open; after close it pings false and operations reject', async () => {
      const store = await open();
      expect(await store.ping()).toBe(true);
      await store.close();
      expect(await store.ping()).toBe(false);
      await expect(store.get('k')).rejects.toThrow(StoreError);
      await store.close(); // twice is fine
    });
  });
}

describe('why withLock exists', () => {
  it('without it, concurrent get→set updates on keyv lose all but one', async () => {
    const store = await openStore('memory://', quiet);
    await store.set('counter', 0);
    await Promise.all(Array.from({ length: 20 }, async () => {
      const n = (await store.get<number>('counter'))!;
      await store.set('counter', n + 1);
    }));
    expect(await store.get('counter')).toBe(1);
    await store.close();
  });
});

/** STORE_URL parsing and the in-process per-key queue. */
import { describe, expect, it } from 'vitest';
import { openStore, parseStoreUrl, redact } from '../../src/store/index.ts';
import { KeyedQueue } from '../../src/store/lock.ts';

describe('parseStoreUrl', () => {
  it.each([
    ['memory://', { kind: 'memory' }],
    ['sqlite://data/bot.sqlite', { kind: 'sqlite', file: 'data/bot.sqlite' }],
    ['sqlite:///var/lib/bot/bot.sqlite', { kind: 'sqlite', file: '/var/lib/bot/bot.sqlite' }],
    ['redis://127.0.0.1:6379', { kind: 'redis', url: 'redis://127.0.0.1:6379' }],
    ['rediss://user:pw@redis.example:6380/2', { kind: 'redis', url: 'rediss://user:pw@redis.example:6380/2' }],
  ])('accepts %s', (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each(['', 'memory', 'sqlite://', 'sqlite:data/bot.sqlite', 'postgres://localhost/bot', 'redis://', 'data/bot.sqlite'])(
    'rejects %j naming the URL and the accepted forms',
    (url) => {
      expect(() => parseStoreUrl(url)).toThrow(`"${url}"`);
      expect(() => parseStoreUrl(url)).toThrow(/sqlite:\/\/relative.*sqlite:\/\/\/absolute.*redis:\/\/host:port.*memory:\/\//);
    },
  );

  it('hides passwords in messages', async () => {
    expect(redact('redis://user:secret@host:6379')).toBe('redis://user:***@host:6379');
    expect(redact('redis://:secret@host:6379')).toBe('redis://:***@host:6379');
    expect(redact('redis://host:6379')).toBe('redis://host:6379');
    await expect(openStore('mongodb://u:secret@h/db')).rejects.toThrow('mongodb://u:***@h/db');
  });

  it('rejects a namespace that would blur key boundaries', async () => {
    await expect(openStore('memory://', { namespace: 'a:b' })).rejects.toThrow(/namespace/);
  });
});

describe('KeyedQueue', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('runs one key in call order, one at a time, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    let inside = 0;
    let maxInside = 0;
    await Promise.all([30, 5, 15, 0].map((delay, i) => queue.run('k', async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      await sleep(delay);
      log.push(`job${i}`);
      inside -= 1;
    })));
    expect(log).toEqual(['job0', 'job1', 'job2', 'job3']);
    expect(maxInside).toBe(1);
    expect(queue.size).toBe(0);
  });

  it('runs different keys concurrently', async () => {
    const queue = new KeyedQueue();
    const started = Date.now();
    await Promise.all(['a', 'b', 'c'].map((key) => queue.run(key, () => sleep(200))));
    expect(Date.now() - started).toBeLessThan(500); // one after another would take 600
  });

  it('keeps going after a job throws', async () => {
    const queue = new KeyedQueue();
    const first = queue.run('k', async () => { throw new Error('boom'); });
    const second = queue.run('k', async () => 'ok');
    await expect(first).rejects.toThrow('boom');
    await expect(second).resolves.toBe('ok');
    expect(queue.size).toBe(0);
  });
});

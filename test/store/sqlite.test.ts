/** sqlite specifics: files and folders, persistence, the expiry sweep, broken files. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import sqlite3 from 'sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, StoreError, type StoreOptions } from '../../src/store/index.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const quiet: StoreOptions = { onError: () => {} };

let dir = '';
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'store-sqlite-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe('sqlite files', () => {
  it('keeps data across close and reopen of the same file', async () => {
    const url = `sqlite://${join(dir, 'persist.sqlite')}`;
    const first = await openStore(url, quiet);
    await first.set('session:u1', { step: 'years', answers: { education: '硕士' } });
    await first.close();
    const second = await openStore(url, quiet);
    expect(await second.get('session:u1')).toEqual({ step: 'years', answers: { education: '硕士' } });
    await second.close();
  });

  it('runs in write-ahead-log mode (the -wal file beside it while open)', async () => {
    const file = join(dir, 'wal.sqlite');
    const store = await openStore(`sqlite://${file}`, quiet);
    await store.set('k', 1);
    expect(existsSync(`${file}-wal`)).toBe(true);
    await store.close();
  });

  it('resolves a relative path from the working directory and creates missing folders', async () => {
    const target = join(dir, 'nested', 'deeper', 'bot.sqlite');
    const rel = relative(process.cwd(), target);
    expect(rel.startsWith('/')).toBe(false);
    const store = await openStore(`sqlite://${rel}`, quiet);
    await store.set('k', { ok: true });
    expect(existsSync(target)).toBe(true);
    await store.close();
  });

  it('keeps namespaces apart in one file', async () => {
    const url = `sqlite://${join(dir, 'shared.sqlite')}`;
    const a = await openStore(url, { ...quiet, namespace: 'a' });
    const b = await openStore(url, { ...quiet, namespace: 'b' });
    await a.set('user:1:session', 'from a');
    await b.set('user:1:session', 'from b');
    expect(await a.deletePrefix('user:1:')).toBe(1);
    expect(await b.get('user:1:session')).toBe('from b');
    await a.close();
    await b.close();
  });
});

/** Runs SQL on a file with its own connection (as another program, or the keyv-based store, would). */
async function sql(file: string, text: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const db = await new Promise<sqlite3.Database>((resolve, reject) => { const d: sqlite3.Database = new sqlite3.Database(file, (e) => (e ? reject(e) : resolve(d))); });
  try {
    return await new Promise((resolve, reject) => db.all(text, params, (e: Error | null, rows: Array<Record<string, unknown>>) => (e ? reject(e) : resolve(rows))));
  } finally {
    await new Promise<void>((resolve) => db.close(() => resolve()));
  }
}

describe('sqlite file format (as keyv over @keyv/sqlite wrote it)', () => {
  it('stores keyv\'s entries: {"value":…,"expires":…} text, strings starting with ":" escaped', async () => {
    const file = join(dir, 'format.sqlite');
    const store = await openStore(`sqlite://${file}`, { ...quiet, namespace: 'ns' });
    await store.set('plain', { a: 'x', n: [1, null] });
    await store.set('colons', { s: ':colon', list: [':a', '::b'] }, 60_000);
    await store.close();
    const rows = await sql(file, 'SELECT key, value FROM keyv ORDER BY key');
    expect(rows[1]).toEqual({ key: 'ns:plain', value: '{"value":{"a":"x","n":[1,null]}}' });
    expect(rows[0]!.key).toBe('ns:colons');
    expect(String(rows[0]!.value)).toMatch(/^\{"value":\{"s":"::colon","list":\["::a",":::b"\]\},"expires":\d+\}$/);
  });

  it('reads a file written by the keyv-based store: its table, escaped strings and expiry', async () => {
    const file = join(dir, 'keyv-written.sqlite');
    await sql(file, 'CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
    const rows: Array<[string, string]> = [
      ['zhicheng:user:a:session', '{"value":{"step":"years","tags":["::x"]}}'],
      ['zhicheng:kept', `{"value":"::start","expires":${Date.now() + 60_000}}`],
      ['zhicheng:gone', `{"value":1,"expires":${Date.now() - 1}}`],
    ];
    for (const row of rows) await sql(file, 'INSERT INTO keyv (key, value) VALUES (?, ?)', row);
    const store = await openStore(`sqlite://${file}`, quiet);
    expect(await store.get('user:a:session')).toEqual({ step: 'years', tags: [':x'] });
    expect(await store.get('kept')).toBe(':start');
    expect(await store.get('gone')).toBeUndefined();
    expect(await store.addIfAbsent('gone', 2, 60_000)).toBe(true);
    await store.close();
  });

  it('holds a lease in keyv_locks while withLock runs, and adds nothing else to the file', async () => {
    const file = join(dir, 'lease.sqlite');
    const store = await openStore(`sqlite://${file}`, { ...quiet, namespace: 'ns' });
    await store.withLock('k', async () => {
      expect(await sql(file, 'SELECT key FROM keyv_locks')).toEqual([{ key: 'lock:ns:k' }]);
      await store.set('k', 1);
    });
    expect(await sql(file, 'SELECT key FROM keyv_locks')).toEqual([]);
    expect(await sql(file, "SELECT key, value FROM keyv WHERE key = 'ns:k'")).toEqual([{ key: 'ns:k', value: '{"value":1}' }]);
    // The write-and-release view and trigger are the connection's own (TEMP): not in the file.
    expect((await sql(file, "SELECT name FROM sqlite_master WHERE type IN ('table', 'view', 'trigger') ORDER BY name")).map((r) => r.name)).toEqual(['keyv', 'keyv_locks']);
    await store.close();
  });
});

describe('sqlite expiry sweep', () => {
  it('sweepExpired deletes expired rows that nobody read, and only those', async () => {
    const store = await openStore(`sqlite://${join(dir, 'sweep-now.sqlite')}`, { ...quiet, sweepIntervalMs: 0 });
    await store.set('k:gone1', 1, 20);
    await store.set('k:gone2', 2, 20);
    await store.set('k:later', 3, 60_000);
    await store.set('k:forever', 4);
    await sleep(60);
    expect(await store.sweepExpired()).toBe(2);
    expect(await store.sweepExpired()).toBe(0);
    // The rows are gone from the table: only the two live ones are left to delete.
    expect(await store.deletePrefix('k:')).toBe(2);
    await store.close();
  });

  it('runs periodically on a timer', async () => {
    const store = await openStore(`sqlite://${join(dir, 'sweep-timer.sqlite')}`, { ...quiet, sweepIntervalMs: 40 });
    await store.set('k:gone', 1, 20);
    await store.set('k:kept', 2);
    await sleep(400);
    expect(await store.sweepExpired()).toBe(0); // the timer got there first
    expect(await store.deletePrefix('k:')).toBe(1);
    await store.close();
  });
});

describe('a broken sqlite store rejects instead of answering undefined', () => {
  it('when its folder cannot be created (a file is in the way)', async () => {
    const blocker = join(dir, 'not-a-folder');
    await writeFile(blocker, 'x');
    const store = await openStore(`sqlite://${join(blocker, 'sub', 'bot.sqlite')}`, quiet);
    await expect(store.get('session:u1')).rejects.toThrow(StoreError);
    await expect(store.get('session:u1')).rejects.toThrow(/cannot create the folder/);
    await expect(store.set('session:u1', {})).rejects.toThrow(StoreError);
    expect(await store.ping()).toBe(false);
    await store.close();
  });

  it('when the file is not a database', async () => {
    const file = join(dir, 'garbage.sqlite');
    await writeFile(file, 'this is not a sqlite database, just text that is long enough to have a header'.repeat(20));
    const store = await openStore(`sqlite://${file}`, quiet);
    await expect(store.get('session:u1')).rejects.toThrow(/SQLITE_NOTADB|not a database/);
    expect(await store.ping()).toBe(false);
    await store.close();
  });
});

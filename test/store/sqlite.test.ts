/** sqlite specifics: files and folders, persistence, the expiry sweep, broken files. */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
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

/**
 * sqlite://path — keyv over @keyv/sqlite (one table `keyv(key, value)`), plus a table of lock
 * leases so that several processes on one file (the service and the terminal chat, or two
 * services) serialise their read-modify-write updates as instances on one Redis do.
 *
 * @keyv/sqlite has no expiry column: keyv writes `{"value":…,"expires":ms}` into `value` and
 * deletes an expired row only when it is read. `sweepExpired` deletes them with SQL instead.
 *
 * The file is watched: when it was removed or replaced under the running process (writes would go
 * to a deleted file and be lost at the next start), or an operation failed in a way only a new
 * connection can mend (read-only, I/O error, cannot open), the next operation opens the file again,
 * at most once a second. A folder that cannot be created is retried the same way.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Keyv } from 'keyv';
import { KeyvSqlite } from '@keyv/sqlite';
import type { Backend } from './backend.ts';
import type { LeaseOps } from './lock.ts';

/** sqlite3 error codes after which the connection is opened again. */
const REOPEN_CODES = new Set(['SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_FULL']);
/** How often the file's identity is checked, and the least time between two openings. */
const CHECK_MS = 1000;

interface Connection {
  /** Set once the folder exists (before that, no operation reaches it: each awaits `opened`). */
  adapter: KeyvSqlite;
  keyv: Keyv;
  table: string;
  /** Resolves once the folder exists, the pragmas are set and the lock table is there; rejects with why not. */
  opened: Promise<void>;
  /** The file's device and inode once opened (a removed or replaced file has another, or none). */
  identity?: string;
}

/** Opens (lazily) the sqlite file at `file`, relative to the working directory unless absolute. */
export function openSqliteBackend(file: string, onError: (error: Error) => void = () => {}): Backend {
  const path = resolve(file);
  let current = connect(path);
  let lastOpen = Date.now();
  let lastCheck = Date.now();
  let suspect = false;

  /** Replaces the connection; the old one is closed once its queries in flight had time to end. */
  function reopen(why: string): void {
    const old = current;
    current = connect(path);
    lastOpen = Date.now();
    suspect = false;
    onError(new Error(`opening the database file again (${why})`));
    setTimeout(() => void disconnect(old), 5000).unref();
  }

  async function ready(): Promise<void> {
    const now = Date.now();
    if (now - lastCheck >= CHECK_MS) {
      lastCheck = now;
      const failed = await current.opened.then(() => false, () => true);
      if (failed || suspect) {
        if (now - lastOpen >= CHECK_MS) reopen(failed ? 'it could not be opened' : 'an operation failed');
      } else if (current.identity !== (await identityOf(path))) {
        reopen('the file was removed or replaced');
      }
    }
    await current.opened;
  }

  const leases: LeaseOps = {
    take: async (lockKey, token, ttlMs) => {
      const now = Date.now();
      const rows: unknown[] = await current.adapter.query(
        `INSERT INTO keyv_locks (key, token, expires) VALUES (?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires = excluded.expires
           WHERE keyv_locks.expires <= ?
         RETURNING token`,
        lockKey, token, now + ttlMs, now);
      return rows.length === 1;
    },
    extend: async (lockKey, token, ttlMs) => {
      const rows: unknown[] = await current.adapter.query(
        'UPDATE keyv_locks SET expires = ? WHERE key = ? AND token = ? RETURNING key', Date.now() + ttlMs, lockKey, token);
      return rows.length === 1;
    },
    release: async (lockKey, token) => {
      await current.adapter.query('DELETE FROM keyv_locks WHERE key = ? AND token = ?', lockKey, token);
    },
  };

  return {
    get keyv() { return current.keyv; },
    ready,
    leases,
    failed: (error: unknown) => {
      const code = (error as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string' && REOPEN_CODES.has(code)) suspect = true;
    },
    deletePrefix: async (fullPrefix) => {
      // substr, not LIKE: keys may contain "_" and "%".
      const rows: unknown[] = await current.adapter.query(
        `DELETE FROM ${current.table} WHERE substr(key, 1, length(?)) = ? RETURNING key`, fullPrefix, fullPrefix);
      return rows.length;
    },
    sweepExpired: async (fullPrefix, now) => {
      const rows: unknown[] = await current.adapter.query(
        `DELETE FROM ${current.table}
          WHERE substr(key, 1, length(?)) = ?
            AND (CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END) < ?
          RETURNING key`,
        fullPrefix, fullPrefix, now);
      await current.adapter.query('DELETE FROM keyv_locks WHERE expires < ?', now);
      return rows.length;
    },
    addIfAbsent: async (fullKey, raw, _ttlMs, now) => {
      const rows: unknown[] = await current.adapter.query(
        `INSERT INTO ${current.table} (key, value) VALUES (?, ?)
           ON CONFLICT (key) DO UPDATE SET value = excluded.value
           WHERE (CASE WHEN json_valid(${current.table}.value) THEN json_extract(${current.table}.value, '$.expires') END) < ?
         RETURNING key`,
        fullKey, raw, now);
      return rows.length === 1;
    },
    keysWithPrefix: async (fullPrefix) => {
      const rows = (await current.adapter.query(
        `SELECT key FROM ${current.table} WHERE substr(key, 1, length(?)) = ?`, fullPrefix, fullPrefix)) as Array<{ key: string }>;
      return rows.map((r) => r.key);
    },
    rename: async (from, to) => {
      await current.adapter.query(`UPDATE OR REPLACE ${current.table} SET key = ? WHERE key = ?`, to, from);
    },
    ping: async () => {
      await current.adapter.query('SELECT 1');
    },
    close: () => disconnect(current),
  };
}

/** Opens a connection to `path`: the folder first (sqlite cannot create it), then the pragmas and the lock table. */
function connect(path: string): Connection {
  const connection = { table: 'keyv' } as Connection;
  connection.opened = (async () => {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw new Error(`cannot create the folder of ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    // busyTimeout: another process (the terminal chat beside the server) may hold the write lock.
    const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
    connection.adapter = adapter;
    connection.keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
    connection.table = adapter.opts.table ?? 'keyv';
    // Write-ahead logging with synchronous=NORMAL: a write no longer waits for a full sync of the
    // file (each turn writes a few rows), readers never wait for the writer, and nothing is lost
    // when the process dies (only the last moments may be, on a power cut).
    await adapter.query('PRAGMA journal_mode=WAL');
    await adapter.query('PRAGMA synchronous=NORMAL');
    await adapter.query('CREATE TABLE IF NOT EXISTS keyv_locks (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires INTEGER NOT NULL)');
    connection.identity = await identityOf(path);
  })();
  connection.opened.catch(() => {}); // surfaces on each operation, never as an unhandled rejection
  return connection;
}

/** Closes a connection if it was ever made. */
async function disconnect(connection: Connection): Promise<void> {
  await connection.adapter?.disconnect().catch(() => {}); // rejects when it never opened
}

/** The file's device and inode, or undefined when it does not exist. */
async function identityOf(path: string): Promise<string | undefined> {
  try {
    const s = await stat(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * sqlite://path — entries in the table keyv's @keyv/sqlite made (`keyv(key, value)`, the value
 * being keyv's `{"value":…,"expires":ms}` text), so files written by the keyv-based store stay
 * readable; plus a table of lock leases so that several processes on one file (the service and
 * the terminal chat, or two services) serialise their read-modify-write updates as instances on
 * one Redis do.
 *
 * Written on sqlite3 directly: the operations of every turn (get, set, delete, addIfAbsent, the
 * lease's take, extend and release) run statements prepared once per connection, where
 * @keyv/sqlite compiled its SQL again on every call (and read a row before deleting it). A lease
 * is taken together with a read of the locked key, and released together with its last write, in
 * one statement each.
 *
 * There is no expiry column: an expired row is ignored when read and deleted by `sweepExpired`.
 *
 * The file is watched: when it was removed or replaced under the running process (writes would go
 * to a deleted file and be lost at the next start), or an operation failed in a way only a new
 * connection can mend (read-only, I/O error, cannot open), the next operation opens the file again,
 * at most once a second. A folder that cannot be created is retried the same way.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import sqlite3 from 'sqlite3';
import type { Backend } from './backend.ts';
import type { LeaseOps } from './lock.ts';

/** sqlite3 error codes after which the connection is opened again. */
const REOPEN_CODES = new Set(['SQLITE_READONLY', 'SQLITE_IOERR', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_FULL']);
/** How often the file's identity is checked, and the least time between two openings. */
const CHECK_MS = 1000;
/** The table @keyv/sqlite creates and reads. */
const TABLE = 'keyv';

/** `expires` of a keyv entry, or NULL when the value is not JSON. */
const EXPIRES = (column: string) => `(CASE WHEN json_valid(${column}) THEN json_extract(${column}, '$.expires') END)`;

/** The statements of the hot path, prepared once per connection. */
const STATEMENTS = {
  get: `SELECT value FROM ${TABLE} WHERE key = ?`,
  set: `INSERT INTO ${TABLE} (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
  delete: `DELETE FROM ${TABLE} WHERE key = ?`,
  // Stored unless a live entry is there (no expiry, or one not yet past).
  addIfAbsent: `INSERT INTO ${TABLE} (key, value) VALUES (?, ?)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE ${EXPIRES(`${TABLE}.value`)} < ?`,
  take: `INSERT INTO keyv_locks (key, token, expires) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires = excluded.expires WHERE keyv_locks.expires <= ?`,
  // The same, returning (when taken) the value under a key: a turn's lock and its session in one statement.
  takeAndRead: `INSERT INTO keyv_locks (key, token, expires) VALUES (?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET token = excluded.token, expires = excluded.expires WHERE keyv_locks.expires <= ?
    RETURNING (SELECT value FROM ${TABLE} WHERE key = ?) AS value`,
  // A write and the release in one statement (the trigger made in connect()).
  writeAndRelease: 'INSERT INTO keyv_write_release (key, value, lock_key, token) VALUES (?, ?, ?, ?)',
  extend: 'UPDATE keyv_locks SET expires = ? WHERE key = ? AND token = ?',
  release: 'DELETE FROM keyv_locks WHERE key = ? AND token = ?',
  ping: 'SELECT 1',
} as const;

type Prepared = Record<keyof typeof STATEMENTS, sqlite3.Statement>;

interface Connection {
  /** Set once the folder exists (before that, no operation reaches it: each awaits `opened`). */
  db?: sqlite3.Database;
  /** Set once `opened` resolved. */
  prepared?: Prepared;
  /** Resolves once the folder exists, the pragmas are set, the tables are there and the statements prepared; rejects with why not. */
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
    if (!current.prepared) await current.opened;
  }

  /** The current connection's statements (every operation runs after `ready()`). */
  const prepared = (): Prepared => {
    if (!current.prepared) throw new Error('the database is not open');
    return current.prepared;
  };
  /** The current connection (opened: every operation runs after `ready()`). */
  const db = (): sqlite3.Database => {
    if (!current.db) throw new Error('the database is not open');
    return current.db;
  };

  const leases: LeaseOps = {
    take: async (lockKey, token, ttlMs) => {
      const now = Date.now();
      return (await run(prepared().take, [lockKey, token, now + ttlMs, now])) === 1;
    },
    extend: async (lockKey, token, ttlMs) => (await run(prepared().extend, [Date.now() + ttlMs, lockKey, token])) === 1,
    release: async (lockKey, token) => {
      await run(prepared().release, [lockKey, token]);
    },
    takeAndRead: async (lockKey, token, ttlMs, readKey) => {
      const now = Date.now();
      const row = await first<{ value: string | null }>(prepared().takeAndRead, [lockKey, token, now + ttlMs, now, readKey]);
      return row ? { taken: true, raw: row.value ?? undefined } : { taken: false };
    },
    writeAndRelease: async (lockKey, token, write) => {
      await run(prepared().writeAndRelease, [write.key, write.raw, lockKey, token]);
    },
  };

  return {
    get: async (fullKey) => (await first<{ value: string | null }>(prepared().get, [fullKey]))?.value ?? undefined,
    set: async (fullKey, raw) => {
      await run(prepared().set, [fullKey, raw]);
    },
    delete: async (fullKey) => (await run(prepared().delete, [fullKey])) > 0,
    ready,
    leases,
    failed: (error: unknown) => {
      const code = (error as { code?: unknown } | undefined)?.code;
      if (typeof code === 'string' && REOPEN_CODES.has(code)) suspect = true;
    },
    // The rarely run operations compile their SQL each time.
    deletePrefix: async (fullPrefix) => {
      // substr, not LIKE: keys may contain "_" and "%".
      const rows = await query(db(), `DELETE FROM ${TABLE} WHERE substr(key, 1, length(?)) = ? RETURNING key`, [fullPrefix, fullPrefix]);
      return rows.length;
    },
    sweepExpired: async (fullPrefix, now) => {
      const rows = await query(db(),
        `DELETE FROM ${TABLE} WHERE substr(key, 1, length(?)) = ? AND ${EXPIRES('value')} < ? RETURNING key`,
        [fullPrefix, fullPrefix, now]);
      await query(db(), 'DELETE FROM keyv_locks WHERE expires < ?', [now]);
      return rows.length;
    },
    addIfAbsent: async (fullKey, raw, _ttlMs, now) => (await run(prepared().addIfAbsent, [fullKey, raw, now])) === 1,
    keysWithPrefix: async (fullPrefix) => {
      const rows = await query(db(), `SELECT key FROM ${TABLE} WHERE substr(key, 1, length(?)) = ?`, [fullPrefix, fullPrefix]);
      return rows.map((r) => (r as { key: string }).key);
    },
    rename: async (from, to) => {
      await query(db(), `UPDATE OR REPLACE ${TABLE} SET key = ? WHERE key = ?`, [to, from]);
    },
    ping: async () => {
      await first(prepared().ping, []);
    },
    close: () => disconnect(current),
  };
}

/** Opens a connection to `path`: the folder first (sqlite cannot create it), then the pragmas, the tables and the statements. */
function connect(path: string): Connection {
  const connection = {} as Connection;
  connection.opened = (async () => {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      throw new Error(`cannot create the folder of ${path}: ${error instanceof Error ? error.message : String(error)}`);
    }
    const db = await new Promise<sqlite3.Database>((resolveDb, reject) => {
      const opened: sqlite3.Database = new sqlite3.Database(path, (error) => (error ? reject(error) : resolveDb(opened)));
    });
    connection.db = db;
    // busyTimeout: another process (the terminal chat beside the server) may hold the write lock.
    db.configure('busyTimeout', 5000);
    // Write-ahead logging with synchronous=NORMAL: a write no longer waits for a full sync of the
    // file (each turn writes a few rows), readers never wait for the writer, and nothing is lost
    // when the process dies (only the last moments may be, on a power cut).
    await query(db, 'PRAGMA journal_mode=WAL');
    await query(db, 'PRAGMA synchronous=NORMAL');
    // The table as @keyv/sqlite creates it (keySize 255).
    await query(db, `CREATE TABLE IF NOT EXISTS ${TABLE}(key VARCHAR(255) PRIMARY KEY, value TEXT )`);
    await query(db, 'CREATE TABLE IF NOT EXISTS keyv_locks (key TEXT PRIMARY KEY, token TEXT NOT NULL, expires INTEGER NOT NULL)');
    // A write and a lease's release as one statement: an insert into this view runs both in its
    // trigger, in one transaction. TEMP: this connection's alone, nothing is added to the file.
    await query(db, 'CREATE TEMP VIEW IF NOT EXISTS keyv_write_release (key, value, lock_key, token) AS SELECT NULL, NULL, NULL, NULL');
    await query(db, `CREATE TEMP TRIGGER IF NOT EXISTS keyv_write_release_insert INSTEAD OF INSERT ON keyv_write_release BEGIN
      INSERT INTO ${TABLE} (key, value) VALUES (NEW.key, NEW.value) ON CONFLICT (key) DO UPDATE SET value = excluded.value;
      DELETE FROM keyv_locks WHERE key = NEW.lock_key AND token = NEW.token;
    END`);
    const entries = await Promise.all(Object.entries(STATEMENTS).map(([name, sql]) => new Promise<[string, sqlite3.Statement]>((resolveStatement, reject) => {
      const statement: sqlite3.Statement = db.prepare(sql, (error: Error | null) => (error ? reject(error) : resolveStatement([name, statement])));
    })));
    connection.identity = await identityOf(path);
    connection.prepared = Object.fromEntries(entries) as Prepared;
  })();
  connection.opened.catch(() => {}); // surfaces on each operation, never as an unhandled rejection
  return connection;
}

/**
 * Runs a prepared write (stepped to its end: its implicit transaction commits); resolves with the
 * rows it changed.
 */
function run(statement: sqlite3.Statement, params: unknown[]): Promise<number> {
  return new Promise((resolveRun, reject) => {
    statement.run(params, function (this: sqlite3.RunResult, error: Error | null) {
      if (error) reject(error);
      else resolveRun(this.changes);
    });
  });
}

/**
 * The first row of a prepared query. `all`, not `get`: sqlite3's `get` leaves the statement
 * unfinished, which would hold the connection's read transaction open until its next use.
 */
function first<T>(statement: sqlite3.Statement, params: unknown[]): Promise<T | undefined> {
  return new Promise((resolveRow, reject) => {
    statement.all(params, (error: Error | null, rows: T[]) => {
      if (error) reject(error);
      else resolveRow(rows[0]);
    });
  });
}

/** Compiles and runs one statement; its rows. */
function query(db: sqlite3.Database, sql: string, params: unknown[] = []): Promise<unknown[]> {
  return new Promise((resolveRows, reject) => {
    db.all(sql, params, (error: Error | null, rows: unknown[]) => (error ? reject(error) : resolveRows(rows)));
  });
}

/** Closes a connection if it was ever made (its statements first: sqlite refuses to close with them open). */
async function disconnect(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) return;
  await connection.opened.catch(() => {});
  await Promise.all(Object.values(connection.prepared ?? {}).map((s) => new Promise<void>((done) => { s.finalize(() => done()); })));
  await new Promise<void>((done) => { db.close(() => done()); }); // an error here leaves nothing to do
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

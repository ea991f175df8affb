/**
 * sqlite://path — keyv over @keyv/sqlite (one table `keyv(key, value)`).
 *
 * @keyv/sqlite has no expiry column: keyv writes `{"value":…,"expires":ms}` into `value` and
 * deletes an expired row only when it is read. `sweepExpired` deletes them with SQL instead.
 */
import { mkdir } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Keyv } from 'keyv';
import { KeyvSqlite } from '@keyv/sqlite';
import type { Backend } from './backend.ts';

/** Opens (lazily) the sqlite file at `file`, relative to the working directory unless absolute. */
export async function openSqliteBackend(file: string): Promise<Backend> {
  const path = resolve(file);
  // Create the folder now; if that fails, report it on use (sqlite's own error would not say why).
  const folderError = await mkdir(dirname(path), { recursive: true }).then(
    () => undefined,
    (error: unknown) => new Error(`cannot create the folder of ${path}: ${error instanceof Error ? error.message : String(error)}`),
  );
  // busyTimeout: another process (the terminal chat beside the server) may hold the write lock.
  const adapter = new KeyvSqlite({ uri: `sqlite://${path}`, busyTimeout: 5000 });
  // The adapter connects in its constructor; chain on it now so a failed open is a handled
  // rejection (surfacing on each operation) rather than an unhandled one that ends the process.
  adapter.query('SELECT 1').catch(() => {});
  // Write-ahead logging with synchronous=NORMAL: a write no longer waits for a full sync of the file
  // (each turn writes a few rows), readers never wait for the writer, and nothing is lost when the
  // process dies (only the last moments may be, on a power cut). Done before any operation (ready()).
  const tuned = adapter.query('PRAGMA journal_mode=WAL').then(() => adapter.query('PRAGMA synchronous=NORMAL')).then(() => undefined, () => undefined);
  const table = adapter.opts.table ?? 'keyv';
  const keyv = new Keyv(adapter, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });

  return {
    keyv,
    ready: async () => {
      if (folderError) throw folderError;
      await tuned;
    },
    deletePrefix: async (fullPrefix) => {
      // substr, not LIKE: keys may contain "_" and "%".
      const rows: unknown[] = await adapter.query(
        `DELETE FROM ${table} WHERE substr(key, 1, length(?)) = ? RETURNING key`, fullPrefix, fullPrefix);
      return rows.length;
    },
    sweepExpired: async (fullPrefix, now) => {
      const rows: unknown[] = await adapter.query(
        `DELETE FROM ${table}
          WHERE substr(key, 1, length(?)) = ?
            AND (CASE WHEN json_valid(value) THEN json_extract(value, '$.expires') END) < ?
          RETURNING key`,
        fullPrefix, fullPrefix, now);
      return rows.length;
    },
    ping: async () => {
      await adapter.query('SELECT 1');
    },
    close: async () => {
      await adapter.disconnect().catch(() => {}); // rejects when it never opened
    },
  };
}

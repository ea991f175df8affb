/** memory:// — keyv over an in-process Map, for tests and throw-away runs. */
import { Keyv } from 'keyv';
import type { Backend } from './backend.ts';

/** A Map-backed backend; keyv keeps serialised `{"value":…,"expires":…}` strings in it. */
export function openMemoryBackend(): Backend {
  const map = new Map<string, unknown>();
  const keyv = new Keyv(map, { namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  return {
    keyv,
    ready: async () => {},
    deletePrefix: async (fullPrefix) => {
      let count = 0;
      for (const key of [...map.keys()]) {
        if (key.startsWith(fullPrefix) && map.delete(key)) count += 1;
      }
      return count;
    },
    sweepExpired: async (fullPrefix, now) => {
      let count = 0;
      for (const [key, raw] of [...map.entries()]) {
        if (key.startsWith(fullPrefix) && expiresOf(raw) < now && map.delete(key)) count += 1;
      }
      return count;
    },
    addIfAbsent: async (fullKey, raw, _ttlMs, now) => {
      if (map.has(fullKey) && expiresOf(map.get(fullKey)) >= now) return false;
      map.set(fullKey, raw);
      return true;
    },
    ping: async () => {},
    close: async () => { map.clear(); },
  };
}

/** The `expires` keyv stored with an entry, or Infinity when it never expires. */
function expiresOf(raw: unknown): number {
  try {
    const expires: unknown = typeof raw === 'string' ? (JSON.parse(raw) as { expires?: unknown }).expires : undefined;
    return typeof expires === 'number' ? expires : Infinity;
  } catch {
    return Infinity;
  }
}

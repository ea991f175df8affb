/** memory:// — raw entries in an in-process Map, for tests and throw-away runs. */
import type { Backend } from './backend.ts';
import { deserializeEntry } from './entry.ts';

/** A Map-backed backend holding the serialised `{"value":…,"expires":…}` strings. */
export function openMemoryBackend(): Backend {
  const map = new Map<string, string>();
  return {
    get: async (fullKey) => map.get(fullKey),
    set: async (fullKey, raw) => { map.set(fullKey, raw); },
    delete: async (fullKey) => map.delete(fullKey),
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
      const there = map.get(fullKey);
      if (there !== undefined && expiresOf(there) >= now) return false;
      map.set(fullKey, raw);
      return true;
    },
    ping: async () => {},
    close: async () => { map.clear(); },
  };
}

/** The `expires` of a stored entry, or Infinity when it never expires. */
function expiresOf(raw: string): number {
  try {
    const expires = deserializeEntry(raw)?.expires;
    return typeof expires === 'number' ? expires : Infinity;
  } catch {
    return Infinity;
  }
}

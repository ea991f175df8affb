/**
 * A stored entry as keyv writes it: `{"value":…,"expires":ms}` serialised by @keyv/serialize (no
 * `expires` without a TTL). Kept byte for byte, so SQLite files and Redis databases written by the
 * keyv-based store (and read by it, after a roll-back) stay readable both ways.
 *
 * @keyv/serialize differs from JSON only for strings starting with ":" (written with one more ":")
 * and Buffers (":base64:…"). Both show in the JSON text as a string value that starts with ":",
 * that is `":` right after `:`, `,` or `[`; text without that pattern goes through the native JSON
 * functions, which are several times faster. (The pattern can also follow a key ending in one of
 * those characters: such text merely takes the slow path.)
 */
import { defaultDeserialize, defaultSerialize } from '@keyv/serialize';

/** Where a string value starting with ":" may begin. */
const COLON_STRING = /[:,[]":/;

export interface Entry { value: unknown; expires?: number }

/** The raw text of `value` expiring at `expires` (absent: never). */
export function serializeEntry(value: unknown, expires: number | undefined): string {
  const entry: Entry = expires === undefined ? { value } : { value, expires };
  const fast = JSON.stringify(entry);
  // A Buffer's toJSON shape: @keyv/serialize writes it as ":base64:…" instead.
  return COLON_STRING.test(fast) || fast.includes('"type":"Buffer"') ? (defaultSerialize(entry) as string) : fast;
}

/** The entry of raw text (undefined for null, or text that is not an entry). */
export function deserializeEntry(raw: string): Entry | undefined {
  const data: unknown = COLON_STRING.test(raw) ? defaultDeserialize(raw) : JSON.parse(raw);
  return typeof data === 'object' && data !== null ? (data as Entry) : undefined;
}

/** keyv's rule: an entry is expired once now is past its `expires`. */
export function isExpired(entry: Entry, now: number): boolean {
  return typeof entry.expires === 'number' && now > entry.expires;
}

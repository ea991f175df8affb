/**
 * A disk cache of validated data loads (knowledge/, flows/): a start reads one JSON file instead
 * of parsing YAML and running the schemas. An entry is keyed by a hash of everything the load
 * reads (the files' contents, and the key of a load it depends on) and of the code version (the
 * build's id, or a hash of src/ and package-lock.json when run from source), so it is never stale:
 * a changed file or a changed loader is a different key. An entry is written only after the load
 * succeeded, i.e. from a value that passed every check; a load that throws writes nothing.
 *
 * The folder is `node_modules/.cache/zhicheng/` or ZHICHENG_CACHE_DIR (`off` disables the cache).
 * A folder that cannot be written, an entry that cannot be read or decoded, or a value the codec
 * cannot represent (a function, a class instance) only means the load runs uncached.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectPath } from './paths.ts';

/** Set by the build (scripts/build.mjs): a hash of the bundle's code. Undefined when run from source. */
declare const __ZHICHENG_BUILD_ID__: string | undefined;

/** The format of an entry; part of every key. */
const FORMAT = 'zhicheng-data-cache/1';
/** Entries kept per kind; older ones are removed when a new one is written. */
const KEEP_PER_KIND = 12;

type Counts = { hits: number; misses: number; writes: number; writeFailures: number; readFailures: number };
const zero = (): Counts => ({ hits: 0, misses: 0, writes: 0, writeFailures: 0, readFailures: 0 });

/** What the cache did in this process, in all and by kind (for tests and the start-up bench). */
export const dataCacheStats: Counts & { byKind: Record<string, Counts> } = { ...zero(), byKind: {} };

function count(kind: string, what: keyof Counts): void {
  dataCacheStats[what]++;
  (dataCacheStats.byKind[kind] ??= zero())[what]++;
}

/** The cache folder, or null when caching is off (ZHICHENG_CACHE_DIR=off). Read at each load. */
export function dataCacheDir(): string | null {
  const configured = process.env.ZHICHENG_CACHE_DIR;
  if (configured === 'off') return null;
  return configured ? path.resolve(configured) : projectPath('node_modules', '.cache', 'zhicheng');
}

let codeVersionMemo: string | undefined;

/**
 * The version of the code that loads and checks the data: the build's id in a bundle; run from
 * source, a hash of every file under src/ and of package-lock.json (the schemas' library versions).
 */
export function codeVersion(): string {
  if (codeVersionMemo !== undefined) return codeVersionMemo;
  if (typeof __ZHICHENG_BUILD_ID__ === 'string') return (codeVersionMemo = `build:${__ZHICHENG_BUILD_ID__}`);
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.isFile()) h.update(path.relative(projectPath(), file)).update('\0').update(readFileSync(file)).update('\0');
    }
  };
  walk(projectPath('src'));
  try {
    h.update(readFileSync(projectPath('package-lock.json')));
  } catch {
    h.update('no package-lock.json');
  }
  return (codeVersionMemo = `source:${h.digest('hex').slice(0, 32)}`);
}

/** The cache key of a value that `cachedLoad` returned (loaded or cached), for loads that depend on it. */
const keyOfValue = new WeakMap<object, string>();

export function dataCacheKeyOf(value: object): string | undefined {
  return keyOfValue.get(value);
}

/**
 * `load()`'s value, from the cache when an entry for `kind` and `inputs` exists; otherwise runs
 * `load()` and, when it returns, stores the value. `inputs` must be everything the load reads
 * (file names and contents, the keys of values it depends on); the code version is added here.
 * `encode` and `decode` turn the value into data the codec can hold and back (default: itself).
 */
export function cachedLoad<T extends object, S = T>(
  kind: string, inputs: readonly string[], load: () => T,
  codec: { encode(value: T): S; decode(stored: S): T } = { encode: (v) => v as unknown as S, decode: (s) => s as unknown as T },
): T {
  const dir = dataCacheDir();
  if (!dir) return load();
  const h = createHash('sha256').update(FORMAT).update('\0').update(codeVersion()).update('\0').update(kind);
  for (const input of inputs) h.update('\0').update(String(input.length)).update(':').update(input);
  const key = h.digest('hex');
  const file = path.join(dir, `${kind}-${key.slice(0, 40)}.json`);

  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    // no entry yet
  }
  if (text !== undefined) {
    try {
      const entry = JSON.parse(text) as { format: string; key: string; value: unknown };
      if (entry.format === FORMAT && entry.key === key) {
        const value = codec.decode(decodeGraph(entry.value) as S);
        count(kind, 'hits');
        keyOfValue.set(value, key);
        return value;
      }
    } catch {
      // A damaged entry is loaded again and overwritten.
    }
    count(kind, 'readFailures');
  }

  count(kind, 'misses');
  const value = load();
  keyOfValue.set(value, key);
  try {
    const body = JSON.stringify({ format: FORMAT, key, value: encodeGraph(codec.encode(value)) });
    mkdirSync(dir, { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, body);
    renameSync(tmp, file);
    count(kind, 'writes');
    prune(dir, kind, file);
  } catch {
    // Read-only folder, full disk, a value the codec cannot hold: this start runs uncached.
    count(kind, 'writeFailures');
  }
  return value;
}

/** Keeps the newest entries of a kind (office changes and test fixtures make new ones). */
function prune(dir: string, kind: string, keep: string): void {
  const prefix = `${kind}-`;
  const entries = readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^[0-9a-f]{40}\.json$/.test(name.slice(prefix.length)))
    .map((name) => path.join(dir, name));
  if (entries.length <= KEEP_PER_KIND) return;
  const dated = entries.filter((f) => f !== keep).map((f) => {
    try {
      return { f, t: statSync(f).mtimeMs };
    } catch {
      return { f, t: 0 };
    }
  }).sort((a, b) => b.t - a.t);
  for (const { f } of dated.slice(KEEP_PER_KIND - 1)) {
    try {
      unlinkSync(f);
    } catch {
      // removed by another process
    }
  }
}

/** A value the codec cannot represent; the load is then not cached. */
export class UncacheableError extends Error {
  override name = 'UncacheableError';
}

/*
 * The codec: JSON where every non-primitive is a tagged array, so Maps, Sets, RegExps, Dates,
 * undefined, non-finite numbers and shared references (an entry both in `faq` and `faqById`)
 * come back as they were. Containers are numbered in the order they are first met; a later
 * meeting is ["r", n]. Functions, symbols, bigints and class instances throw UncacheableError.
 *   ["a", ...items]  ["o", {key: value}]  ["O", {…}] (null prototype)  ["m", [k, v, k, v…]]
 *   ["s", [...]]  ["x", source, flags]  ["d", time]  ["u"]  ["n", "NaN"|"Infinity"|"-Infinity"|"-0"]
 */

/** The value as JSON-able data (see the codec above). */
export function encodeGraph(value: unknown): unknown {
  const ids = new Map<object, number>();
  const enc = (v: unknown): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0) ? v : ['n', Object.is(v, -0) ? '-0' : String(v)];
    if (v === undefined) return ['u'];
    if (typeof v !== 'object') throw new UncacheableError(`a ${typeof v} cannot be cached`);
    const seen = ids.get(v);
    if (seen !== undefined) return ['r', seen];
    ids.set(v, ids.size);
    if (Array.isArray(v)) {
      const out: unknown[] = ['a'];
      for (let i = 0; i < v.length; i++) out.push(enc(v[i]));
      return out;
    }
    if (v instanceof Map) {
      const flat: unknown[] = [];
      for (const [k, x] of v) flat.push(enc(k), enc(x));
      return ['m', flat];
    }
    if (v instanceof Set) return ['s', [...v].map(enc)];
    if (v instanceof RegExp) return ['x', v.source, v.flags];
    if (v instanceof Date) return ['d', v.getTime()];
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new UncacheableError(`an instance of ${(v as object).constructor?.name ?? 'a class'} cannot be cached`);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) {
      const x = enc((v as Record<string, unknown>)[k]);
      if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
      else out[k] = x;
    }
    return [proto === null ? 'O' : 'o', out];
  };
  return enc(value);
}

/** The value `encodeGraph` encoded. */
export function decodeGraph(data: unknown): unknown {
  const byId: unknown[] = [];
  const dec = (d: unknown): unknown => {
    if (!Array.isArray(d)) return d;
    switch (d[0]) {
      case 'a': {
        const out: unknown[] = [];
        byId.push(out);
        for (let i = 1; i < d.length; i++) out.push(dec(d[i]));
        return out;
      }
      case 'o': case 'O': {
        const out: Record<string, unknown> = d[0] === 'O' ? Object.create(null) as Record<string, unknown> : {};
        byId.push(out);
        const src = d[1] as Record<string, unknown>;
        for (const k of Object.keys(src)) {
          const x = dec(src[k]);
          if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
          else out[k] = x;
        }
        return out;
      }
      case 'm': {
        const out = new Map<unknown, unknown>();
        byId.push(out);
        const flat = d[1] as unknown[];
        for (let i = 0; i < flat.length; i += 2) {
          const k = dec(flat[i]);
          out.set(k, dec(flat[i + 1]));
        }
        return out;
      }
      case 's': {
        const out = new Set<unknown>();
        byId.push(out);
        for (const x of d[1] as unknown[]) out.add(dec(x));
        return out;
      }
      case 'x': {
        const out = new RegExp(d[1] as string, d[2] as string);
        byId.push(out);
        return out;
      }
      case 'd': {
        const out = new Date(d[1] as number);
        byId.push(out);
        return out;
      }
      case 'r': return byId[d[1] as number];
      case 'u': return undefined;
      case 'n': return d[1] === '-0' ? -0 : Number(d[1]);
      default: throw new Error(`data cache: unknown tag ${String(d[0])}`);
    }
  };
  return dec(data);
}

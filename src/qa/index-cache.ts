/**
 * Built search indexes kept on disk, in node_modules/.cache/zhicheng/ of the project (or
 * ZHICHENG_CACHE_DIR; `off` turns caching off), beside the data loads' entries: building
 * segments every FAQ phrasing, answer and clause with jieba, which costs far more at start than
 * reading the result back. An entry's key is a hash of what the index is built from: the
 * knowledge it reads, the segmenter's fingerprint (the dictionary chosen and every word added
 * to it) and the code (the build's id, or the sources of src/qa and src/text; and the versions
 * of the packages that segment, convert and spell). Any change gives another key, so an entry
 * is never stale; the newest few are kept. A cache that cannot be read or written is passed
 * over: the index is built as without one.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataCacheDir } from '../core/data-cache.ts';
import { projectPath } from '../core/paths.ts';

export interface IndexCacheOptions {
  /** Where entries are kept; default ZHICHENG_CACHE_DIR (`off`: no cache), else node_modules/.cache/zhicheng/ of the project. */
  dir?: string;
}

/** Entries kept per kind; older ones are deleted when a new one is written. */
const KEEP = 8;

/** The packages whose versions change what an index holds. */
const PACKAGES = ['nodejieba', 'opencc-js', 'pinyin-pro', 'fuse.js'];

const here = path.dirname(fileURLToPath(import.meta.url));

/** Set by the build (scripts/build.mjs): a hash of the bundle's code. Undefined when run from source. */
declare const __ZHICHENG_BUILD_ID__: string | undefined;

let version: string | null | undefined;

/**
 * The code's version: the build's id in a bundle, else a hash of src/qa's and src/text's
 * sources; with the versions of the packages (some stay outside the bundle). Null when it cannot
 * be told (no cache then).
 */
export function codeVersion(): string | null {
  if (version !== undefined) return version;
  try {
    const h = createHash('sha256');
    if (typeof __ZHICHENG_BUILD_ID__ === 'string') h.update(`build:${__ZHICHENG_BUILD_ID__}\0`);
    else {
      const root = path.resolve(here, '..');
      for (const folder of ['qa', 'text']) {
        const dir = path.join(root, folder);
        const files = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort();
        if (!files.length) return (version = null);
        for (const f of files) h.update(f).update('\0').update(readFileSync(path.join(dir, f))).update('\0');
      }
    }
    for (const name of PACKAGES) {
      const manifest = projectPath('node_modules', name, 'package.json');
      h.update(`${name}@${existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version : '?'}\0`);
    }
    return (version = h.digest('hex'));
  } catch {
    return (version = null);
  }
}

/** A hash of texts (each kept apart from the next). */
export function hashOf(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

export interface Cached<T> {
  value: T;
  /** Whether the value was read from the cache. */
  hit: boolean;
  /** Replaces the entry with a fuller value (written after the current turn, never failing). */
  update(value: T): void;
}

/**
 * The value kept under `kind` and `key`, else `build()`'s, which is then kept. `key` must hash
 * everything the value depends on.
 */
export function cached<T>(kind: string, key: string, build: () => T, options: IndexCacheOptions = {}): Cached<T> {
  const dir = options.dir ?? dataCacheDir();
  if (dir === null) return { value: build(), hit: false, update: () => undefined };
  const file = path.join(dir, `${kind}-${key.slice(0, 40)}.json`);
  const read = readEntry<T>(file, key);
  const value = read ?? build();
  if (read === undefined) writeEntry(dir, kind, file, key, value);
  return {
    value,
    hit: read !== undefined,
    update(fuller) {
      setImmediate(() => writeEntry(dir, kind, file, key, fuller)).unref();
    },
  };
}

function readEntry<T>(file: string, key: string): T | undefined {
  try {
    if (!existsSync(file)) return undefined;
    const entry = JSON.parse(readFileSync(file, 'utf8')) as { key?: unknown; value?: T };
    return entry.key === key ? entry.value : undefined;
  } catch {
    return undefined; // unreadable or half written: built again
  }
}

/** Writes the entry whole or not at all (a temporary file renamed), then deletes all but the newest entries. */
function writeEntry(dir: string, kind: string, file: string, key: string, value: unknown): void {
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(temporary, JSON.stringify({ key, value }));
    renameSync(temporary, file);
    prune(dir, kind);
  } catch {
    try { unlinkSync(temporary); } catch { /* never written */ }
  }
}

function prune(dir: string, kind: string): void {
  const entries = readdirSync(dir)
    .filter((f) => f.startsWith(`${kind}-`) && /^[0-9a-f]{40}\.json$/.test(f.slice(kind.length + 1)))
    .map((f) => ({ f, at: statSync(path.join(dir, f)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { f } of entries.slice(KEEP)) unlinkSync(path.join(dir, f));
}

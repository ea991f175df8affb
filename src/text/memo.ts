/**
 * Bounded memory for pure functions of a string: a turn normalises and segments the same few
 * texts many times (the reading, the search, the typo repair). The memory holds at most
 * `entries` results and `chars` characters of keys; past either it starts afresh, so a stream
 * of new texts never grows it.
 */

export interface MemoLimits {
  /** Most results kept. */
  entries: number;
  /** Most characters of keys kept (a 2,000-character message counts 2,000). */
  chars: number;
}

export interface Memo<T> {
  (s: string): T;
  /** How many results and key characters are kept now (for tests of the bounds). */
  readonly size: { entries: number; chars: number };
  clear(): void;
}

/** `fn` with its results remembered, within `limits`. */
export function memoize<T>(fn: (s: string) => T, limits: MemoLimits): Memo<T> {
  const cache = new Map<string, T>();
  let chars = 0;
  const memo = ((s: string): T => {
    const known = cache.get(s);
    if (known !== undefined || cache.has(s)) return known as T;
    const value = fn(s);
    if (s.length > limits.chars) return value;
    if (cache.size >= limits.entries || chars + s.length > limits.chars) {
      cache.clear();
      chars = 0;
    }
    cache.set(s, value);
    chars += s.length;
    return value;
  }) as Memo<T>;
  Object.defineProperty(memo, 'size', { get: () => ({ entries: cache.size, chars }) });
  memo.clear = () => {
    cache.clear();
    chars = 0;
  };
  return memo;
}

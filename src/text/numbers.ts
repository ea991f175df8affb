/** Numbers stated in a text, for the loader's "every number comes from the notice" checks. */
import { normalize } from './normalize.ts';

/**
 * The set of numbers a text states, as canonical strings ("05" → "5", "0.80" → "0.8").
 * Chinese quantities count too ("五个工作日" → "5"). An ISO date adds its parts ("2023-09-08" → 2023, 9, 8).
 */
export function numbersIn(text: string): Set<string> {
  const out = new Set<string>();
  for (const m of normalize(text).matchAll(/\d+(?:\.\d+)?/g)) out.add(canonicalNumber(m[0]));
  return out;
}

export function canonicalNumber(n: string): string {
  const v = Number(n);
  return Number.isFinite(v) ? String(v) : n;
}

/** Every number found in a JSON-like value: numbers themselves, and the numbers inside strings. */
export function numbersInValue(value: unknown): Set<string> {
  const out = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'number') out.add(canonicalNumber(String(v)));
    else if (typeof v === 'string') for (const n of numbersIn(v)) out.add(n);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out;
}

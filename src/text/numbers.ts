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

/** A count written in Chinese numerals as the notice writes small quantities (5 → 五, 12 → 十二, 20 → 二十), 0–99. */
export function chineseCount(n: number): string {
  const digits = '零一二三四五六七八九';
  if (!Number.isInteger(n) || n < 0 || n > 99) throw new Error(`chineseCount: ${n} is not a whole number from 0 to 99`);
  if (n < 10) return digits[n]!;
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens > 1 ? digits[tens] : ''}十${ones ? digits[ones] : ''}`;
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

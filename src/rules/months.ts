/**
 * Months and calendar days as the notice counts them. A month `YYYY-MM` means its first day;
 * periods are counted in whole months up to the cut-off (三(四)) and floored to full years.
 */

/** The calendar day of an instant in a time zone (src/core/zone.ts, where the knowledge loader can use it too). */
export { dateInZone, dayInZone, isTimeZone } from '../core/zone.ts';

/** A month as a single index: year × 12 + (month − 1), so differences are month counts. */
export type MonthIndex = number;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a `YYYY-MM` month string. */
export function isMonth(text: string): boolean {
  return MONTH.test(text);
}

/** True for a real calendar date `YYYY-MM-DD` (2023-02-30 is not one). */
export function isIsoDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** `YYYY-MM` or `YYYY-MM-DD` → the index of its month. Throws on anything else (a bug: inputs are validated first). */
export function monthIndex(text: string): MonthIndex {
  const m = /^(\d{4})-(\d{2})/.exec(text);
  if (!m) throw new Error(`not a month: ${text}`);
  return Number(m[1]) * 12 + Number(m[2]) - 1;
}

/** The index back to `YYYY-MM`. */
export function formatMonth(index: MonthIndex): string {
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/**
 * Whole months from the start month through the cut-off month, both included (RULES.md
 * "Full years"): `(C.year − S.year) × 12 + (C.month − S.month) + 1`. Negative when the period
 * starts after the cut-off.
 */
export function monthsThrough(start: MonthIndex, cutoff: MonthIndex): number {
  return cutoff - start + 1;
}

/** Full years of a period at the cut-off, never below 0: work since 2019-01 is 5 at 2023-12, since 2019-02 is 4. */
export function fullYears(start: MonthIndex, cutoff: MonthIndex): number {
  return Math.max(0, Math.floor(monthsThrough(start, cutoff) / 12));
}

/**
 * The month at whose end a period started in `start` completes `years` full years: the first
 * cut-off month at which `fullYears` reaches `years` (2020-07 + 5 years → 2025-06).
 */
export function monthYearsMet(start: MonthIndex, years: number): MonthIndex {
  return start + years * 12 - 1;
}

/** Days from date `from` to date `to` (both `YYYY-MM-DD`), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

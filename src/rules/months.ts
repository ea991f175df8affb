/**
 * Months and calendar days as the notice counts them. A month `YYYY-MM` means its first day;
 * periods are counted in whole months up to the cut-off (三(四)) and floored to full years.
 */

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

/** Calendar date `YYYY-MM-DD` of an instant in a time zone (the bot's "today"). */
export function dateInZone(instant: Date, timeZone: string): string {
  const { year, month, day } = dayInZone(instant, timeZone);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Zones whose offset has been one and the same since `since` (ms): China has kept UTC+8 without
 * daylight saving since 1991. Their days are worked out without Intl, whose first formatter with a
 * time zone loads ICU's zone data: 8 to 20 ms of every start.
 */
const FIXED_ZONES: Readonly<Record<string, { offsetMs: number; since: number }>> = {
  'Asia/Shanghai': { offsetMs: 8 * 3_600_000, since: Date.UTC(1992, 0, 1) },
};

/** Year, month and day of an instant in a time zone. */
export function dayInZone(instant: Date, timeZone: string): { year: number; month: number; day: number } {
  const fixed = Object.hasOwn(FIXED_ZONES, timeZone) ? FIXED_ZONES[timeZone]! : undefined;
  if (fixed && instant.getTime() >= fixed.since) {
    const local = new Date(instant.getTime() + fixed.offsetMs);
    return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
  }
  const parts = dayFormat(timeZone).formatToParts(instant);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? '');
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** One formatter per time zone (building an Intl.DateTimeFormat costs about 0.1 ms, more than what it formats). */
const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The formatter of a calendar day (`en-CA`: year, month, day in digits) in `timeZone`, kept per zone. */
function dayFormat(timeZone: string): Intl.DateTimeFormat {
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  return format;
}

/** Days from date `from` to date `to` (both `YYYY-MM-DD`), negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** True when `timeZone` is a zone Intl knows. */
export function isTimeZone(timeZone: string): boolean {
  if (Object.hasOwn(FIXED_ZONES, timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

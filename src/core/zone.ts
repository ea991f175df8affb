/**
 * The calendar day of an instant in a time zone: the bot's "today" (rules, reminders, the office
 * log) and the day that decides which edition is in force (the knowledge loader).
 */

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

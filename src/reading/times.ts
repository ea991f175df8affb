/**
 * Months, dates and spans of years in a normalised message: "2019年7月", "19年7月", "2019.7",
 * "2014年" (a year, month unknown), "去年3月", "今年5月", "9月27日", "2023-09-08", "July 2018",
 * and "干了快11年", "十几年", "两年多". Relative expressions count from the bot's clock; dates
 * without a year take the season's year. Positions are kept, so facts can be tied to their words.
 */
import { dayInZone } from '../rules/months.ts';

export interface Today { year: number; month: number; day: number }

/** A month, or a whole year when the month was not said (`month` null). */
export interface MonthMention { year: number; month: number | null; at: number; end: number }
export interface DateMention { date: string; at: number; end: number }
/** A span of years: `years` as said; `approx` "almost" (快11年), "more" (11年多, 十几年) or "exact". */
export interface SpanMention { years: number; approx: 'almost' | 'more' | 'exact'; at: number; end: number }

export interface Times { months: MonthMention[]; dates: DateMention[]; spans: SpanMention[] }

const pad = (n: number): string => String(n).padStart(2, '0');

let lastDay: { time: number; timeZone: string; today: Today } | undefined;

/** The calendar day of an instant in a time zone, as rules/months.ts `dateInZone` gives it, remembered for the turn's instant. */
export function todayIn(instant: Date, timeZone: string): Today {
  // A turn reads several texts at one instant.
  if (lastDay && lastDay.time === instant.getTime() && lastDay.timeZone === timeZone) return { ...lastDay.today };
  const today = dayInZone(instant, timeZone);
  lastDay = { time: instant.getTime(), timeZone, today };
  return { ...today };
}

const EN_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const EN_MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const enMonth = (s: string): number => EN_MONTHS.indexOf(s.slice(0, 3)) + 1;

function realDate(y: number, m: number, d: number): string | null {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/** "18" → 2018 when not after this year's last two digits, else 1918. */
function fullYear(y: string, nowYear: number): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  return n <= nowYear % 100 ? 2000 + n : 1900 + n;
}

/** Years said digit by digit ("二〇一八年") and 十-numerals before 几/多 ("十几年") as digits. */
export function digitYears(s: string): string {
  return s.replace(/[〇零一二三四五六七八九]{4}(?=\s*年)|[〇零一二三四五六七八九]{2}(?=\s*年\s*[\d〇零一二三四五六七八九十]{1,3}\s*月)/g, (m) =>
    [...m].map((c) => '〇零一二三四五六七八九'.indexOf(c)).map((i) => (i <= 1 ? 0 : i - 1)).join(''));
}

/** Every time expression in `text` (normalised), without overlaps: dates, then months, then spans. */
export function findTimes(text: string, today: Today, seasonYear: number): Times {
  const taken: boolean[] = [];
  const free = (at: number, end: number) => { for (let i = at; i < end; i++) if (taken[i]) return false; return true; };
  const take = (at: number, end: number) => { for (let i = at; i < end; i++) taken[i] = true; };
  const scan = (re: RegExp, on: (m: RegExpExecArray) => boolean) => {
    for (const m of text.matchAll(re)) {
      const at = m.index!;
      const end = at + m[0].length;
      if (free(at, end) && on(m as RegExpExecArray)) take(at, end);
    }
  };
  const dates: DateMention[] = [];
  const months: MonthMention[] = [];
  const spans: SpanMention[] = [];
  const addDate = (y: number, m: number, d: number, at: number, end: number): boolean => {
    const date = realDate(y, m, d);
    if (date) dates.push({ date, at, end });
    return date !== null;
  };

  // Year ranges ("2021—2023年", "21到23年") name a period, not an event: taken, not reported.
  scan(/(?<!\d)(?:\d{4}|\d{2})\s*(?:年)?\s*[-—–~到至]\s*(?:\d{4}|\d{2})\s*年(?:度)?/g, () => true);
  scan(/(?<!\d)\d{4}\s*年度/g, () => true);

  // Dates.
  scan(/(?<!\d)(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?/g, (m) => addDate(Number(m[1]), Number(m[2]), Number(m[3]), m.index!, m.index! + m[0].length));
  scan(/(?<![\d.])(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?![\d.])/g, (m) => addDate(Number(m[1]), Number(m[2]), Number(m[3]), m.index!, m.index! + m[0].length));
  scan(/(今年|去年|明年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g, (m) => {
    const y = today.year + (m[1] === '去年' ? -1 : m[1] === '明年' ? 1 : 0);
    return addDate(y, Number(m[2]), Number(m[3]), m.index!, m.index! + m[0].length);
  });
  scan(/(?<![\d年.])(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]/g, (m) => addDate(seasonYear, Number(m[1]), Number(m[2]), m.index!, m.index! + m[0].length));
  scan(new RegExp(`${EN_MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s*(\\d{4}))?(?![\\d])`, 'g'), (m) =>
    addDate(m[3] ? Number(m[3]) : seasonYear, enMonth(m[1]!), Number(m[2]), m.index!, m.index! + m[0].length));
  scan(new RegExp(`(?<!\\d)(\\d{1,2})(?:st|nd|rd|th)?\\s+${EN_MONTH}(?:,?\\s*(\\d{4}))?`, 'g'), (m) =>
    addDate(m[3] ? Number(m[3]) : seasonYear, enMonth(m[2]!), Number(m[1]), m.index!, m.index! + m[0].length));

  // Months.
  const addMonth = (year: number, month: number | null, at: number, end: number): boolean => {
    if (month !== null && (month < 1 || month > 12)) return false;
    if (year < 1950 || year > today.year + 1) return false;
    months.push({ year, month, at, end });
    return true;
  };
  scan(/(?<!\d)(\d{4}|\d{2})\s*年\s*(\d{1,2})\s*(?:月份|月)/g, (m) => addMonth(fullYear(m[1]!, today.year), Number(m[2]), m.index!, m.index! + m[0].length));
  scan(/(?<![\d.])(\d{4})[./-](\d{1,2})(?![\d./-])/g, (m) => addMonth(Number(m[1]), Number(m[2]), m.index!, m.index! + m[0].length));
  scan(/(今年|去年|前年|明年)\s*(\d{1,2})\s*(?:月份|月)/g, (m) => {
    const y = today.year + ({ 今年: 0, 去年: -1, 前年: -2, 明年: 1 } as Record<string, number>)[m[1]!]!;
    return addMonth(y, Number(m[2]), m.index!, m.index! + m[0].length);
  });
  scan(/(上个月|这个月|本月|下个月)/g, (m) => {
    const shift = m[1] === '上个月' ? -1 : m[1] === '下个月' ? 1 : 0;
    const i = today.year * 12 + today.month - 1 + shift;
    return addMonth(Math.floor(i / 12), (i % 12) + 1, m.index!, m.index! + m[0].length);
  });
  scan(new RegExp(`${EN_MONTH}\\s*(?:of\\s+)?(\\d{4})`, 'g'), (m) => addMonth(Number(m[2]), enMonth(m[1]!), m.index!, m.index! + m[0].length));
  // A year alone ("2014年毕业", "05年进厂", "in 2018"), and 去年/前年 alone.
  scan(/(?<!\d)(\d{2})\s*年(?=\s*(?:进|毕业|入职|参加|开始|来|到|就|起|拿|评|取得|考|转|跳槽))/g, (m) => addMonth(fullYear(m[1]!, today.year), null, m.index!, m.index! + m[0].length));
  scan(/(?<!\d)(\d{4})\s*年(?:初|底|末)?(?!\s*\d)/g, (m) => addMonth(Number(m[1]), null, m.index!, m.index! + m[0].length));
  scan(/(?<![a-z\d])(?:in|since|from)\s+(\d{4})(?!\d)/g, (m) => addMonth(Number(m[1]), null, m.index!, m.index! + m[0].length));
  scan(/(去年|前年)(?!\s*\d)/g, (m) => addMonth(today.year - (m[1] === '去年' ? 1 : 2), null, m.index!, m.index! + m[0].length));

  // Spans of years ("快11年", "12年", "十几年", "两年多", "4 years"); "近5年" is the notice's window, not a span.
  scan(/(快|将近|差不多|近)?\s*(\d+(?:\.\d+)?)\s*(?:个)?\s*(?:整)?\s*年\s*(多|半)?(?!\s*\d|度|月)/g, (m) => {
    if (m[1] === '近' || Number(m[2]) >= 100) return false;
    const years = Number(m[2]) + (m[3] === '半' ? 0.5 : 0);
    spans.push({ years, approx: m[1] ? 'almost' : m[3] === '多' ? 'more' : 'exact', at: m.index!, end: m.index! + m[0].length });
    return true;
  });
  scan(/(?:([二三四五六七八九])?十)[几多]\s*年/g, (m) => {
    const tens = m[1] ? '二三四五六七八九'.indexOf(m[1]) + 2 : 1;
    spans.push({ years: tens * 10, approx: 'more', at: m.index!, end: m.index! + m[0].length });
    return true;
  });
  scan(/(?<![\d.])(\d+(?:\.\d+)?)\s*\+?\s*years?/g, (m) => {
    spans.push({ years: Number(m[1]), approx: 'exact', at: m.index!, end: m.index! + m[0].length });
    return true;
  });

  return { months: months.sort((a, b) => a.at - b.at), dates: dates.sort((a, b) => a.at - b.at), spans: spans.sort((a, b) => a.at - b.at) };
}

/** A month mention as the range of months it may mean (a year alone: January to December). */
export function monthRange(m: Pick<MonthMention, 'year' | 'month'>): { from: string; to: string } {
  return m.month === null ? { from: `${m.year}-01`, to: `${m.year}-12` } : { from: `${m.year}-${pad(m.month)}`, to: `${m.year}-${pad(m.month)}` };
}

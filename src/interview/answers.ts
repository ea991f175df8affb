/**
 * Reading one typed interview answer. Each parser returns the value, or a short Simplified
 * Chinese hint that names the expected form with an example. Nothing is ever guessed: an answer
 * that cannot be read is an error, never a default. Pure: no I/O, the clock comes from `now`.
 *
 * `raw` is either typed text or a JSON value from the scriptable protocol (`{"value": …}`);
 * both pass through the same checks.
 */
import { dateInZone as localDate } from '../rules/months.ts';
import { chineseNumeralValue, normalize } from '../text/normalize.ts';

export type AnswerKind = 'choice' | 'boolean' | 'month' | 'number' | 'hours' | 'date' | 'text';
/** One choice; `words` are the ways people say it ("本科", "学士"…). */
export interface ChoiceOption { value: string; label: string; words: string[] }
export type ParseResult<T> = { ok: true; value: T } | { ok: false; hint: string };
/** Continuing-education hours (三(三)). */
export interface Hours { professional: number; public: number; other: number }

export interface AnswerOptions {
  /** Choices, for kind `choice`. */
  options?: ChoiceOption[];
  /** The bot's clock (default: the real clock); months and dates may not be later. */
  now?: Date;
  /** Time zone of the bot's calendar (default Asia/Shanghai). */
  timeZone?: string;
  /** Range for kind `number` (min is never below 0). */
  min?: number;
  max?: number;
  /** Kind `number`: integers only (default true); false accepts "3.5年", "三年半". */
  integer?: boolean;
  /** Kind `month`: "没有"/"无"/null reads as `null` ("since when, or none"). */
  nullable?: boolean;
}

/** Longest input read; longer text is refused at once, so nothing slow runs on it. */
const MAX_INPUT = 300;
const MAX_TEXT = 200;

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (hint: string): { ok: false; hint: string } => ({ ok: false, hint });

/**
 * Normalised text: Simplified, half-width, lower case, Chinese numerals as digits. Years said
 * digit by digit ("二〇一八年") and numerals before extra measure words or at the end ("两件",
 * "十二") are converted here, on top of what `normalize()` does. Null when not a usable string.
 */
function prepare(raw: unknown): string | null {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'string' || raw.length > MAX_INPUT) return null;
  const digitWise = raw.replace(/[〇零一二三四五六七八九]{4}(?=\s*年)|[〇零一二三四五六七八九]{2}(?=\s*年\s*[\d〇零一二三四五六七八九十]{1,3}\s*月)/g, (m) =>
    [...m].map((c) => '〇零一二三四五六七八九'.indexOf(c)).map((i) => (i <= 1 ? 0 : i - 1)).join(''));
  return normalize(digitWise).replace(/(?<!第)[零〇一二两三四五六七八九十百千]+(?=件|篇|本|条|套|种|名|位|号|课时|左右|$|[\s,.;!?:、)])/g, (m) => {
    const v = chineseNumeralValue(m);
    return Number.isNaN(v) ? m : String(v);
  });
}

const UNSURE = /不知道|不清楚|不确定|不记得|忘了|不懂|\?|don'?t know|not sure/;
/** A question back ("是不是？", "什么意思") is not a yes or a no. */
const QUESTION = /是不是|有没有|对不对|算不算|什么|吗/;
const NONE = /没有|没|无|否|不是|未|^(?:null|none|no|n|0)$/;

// ---------------------------------------------------------------- choice

/**
 * One of `options`: by exact value, label or word; else by the longest word contained in the
 * text (a tie between options is ambiguous); else by its 1-based number. A negation right before
 * the matched word ("不是本科", "没读过本科") fails rather than picking that option.
 */
export function parseChoice(raw: unknown, options: ChoiceOption[]): ParseResult<string> {
  const list = options.map((o, i) => `${i + 1}. ${o.label}`).join('；');
  const hint = fail(options.length ? `请从下列选项中选一项（可回复序号）：${list}。例如：回复“1”或“${options[0]!.label}”。` : '此题没有可选项。');
  const s = prepare(raw);
  if (!s || !options.length) return hint;
  const terms = options.map((o) => [o.label, ...o.words].map((w) => normalize(w)).filter((w) => w.length > 0));
  const exact = options.filter((o, i) => normalize(o.value) === s || terms[i]!.includes(s));
  if (exact.length === 1) return ok(exact[0]!.value);
  if (exact.length > 1) return hint;
  if (/^\d+$/.test(s)) {
    const n = Number(s);
    return n >= 1 && n <= options.length ? ok(options[n - 1]!.value) : hint;
  }
  let best: { len: number; at: number; options: Set<number> } = { len: 0, at: -1, options: new Set() };
  terms.forEach((words, i) => {
    for (const w of words) {
      const at = s.indexOf(w);
      if (at < 0 || w.length < best.len) continue;
      if (w.length > best.len) best = { len: w.length, at, options: new Set() };
      best.options.add(i);
    }
  });
  if (best.options.size !== 1) return hint;
  const before = s.slice(0, best.at);
  if (/(?:不是|不算|不属于|没有|没|并非|(?:^|[\s,.;是])非|(?:^|[\s,.;])无)(?:读过?|上过?|念过?|拿到?|取得|获得|是|属于|在)?$/.test(before)) return hint;
  return ok(options[[...best.options][0]!]!.value);
}

// ---------------------------------------------------------------- boolean

const TRUE_WORDS = new Set(['是', '是的', '对', '对的', '有', '有的', '嗯', '好', '好的', '合格', '通过', '符合', '具备', 'yes', 'y', 'ok', 'okay', 'true', '1', '✓', '✔', '√']);
const FALSE_WORDS = new Set(['否', '不', '不是', '没有', '无', '没', '不合格', '未通过', '不符合', 'no', 'n', 'false', '0', '×', '✗', '✘', 'x']);

/** Yes or no. A negation wins over a yes-word ("不是" → false); "不知道" is not an answer. */
export function parseBoolean(raw: unknown): ParseResult<boolean> {
  const hint = fail('请回答“是”或“否”，例如：是。');
  if (typeof raw === 'boolean') return ok(raw);
  const s = typeof raw === 'string' && raw.length <= MAX_INPUT ? normalize(raw) : typeof raw === 'number' ? String(raw) : null;
  if (!s) return hint;
  const bare = s.replace(/[\s,.;!~。！…]+|[啊呀吧呢哈嘛啦了哦]+$/g, '');
  if (TRUE_WORDS.has(bare)) return ok(true);
  if (FALSE_WORDS.has(bare)) return ok(false);
  if (UNSURE.test(s) || QUESTION.test(s)) return hint;
  const t = s.replace(/没问题|没错|不错/g, '是');
  if (/不|没|无|否|未|非|×|✗|✘|\b(?:no|not)\b/.test(t)) return ok(false);
  if (/是|对|有|嗯|好|合格|通过|符合|具备|✓|✔|√|\b(?:yes|true)\b/.test(t)) return ok(true);
  return hint;
}

// ---------------------------------------------------------------- month and date

/** Current year, month and day on the bot's calendar. */
function today(opts: AnswerOptions): [number, number, number] {
  const [y, m, d] = localDate(opts.now ?? new Date(), opts.timeZone ?? 'Asia/Shanghai').split('-').map(Number);
  return [y!, m!, d!];
}

/** "18" → 2018 when not after this year's last two digits, else 1918. */
function fullYear(y: string, nowYear: number): number {
  if (y.length === 4) return Number(y);
  const n = Number(y);
  return n <= nowYear % 100 ? 2000 + n : 1900 + n;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const uniq = (xs: string[]): string[] => [...new Set(xs)];

/**
 * A month `YYYY-MM` ("2018年7月", "2018.7", "18年7月", "二〇一八年七月"), not before 1950 and
 * not after the current month. With `nullable`, "没有"/"无"/null read as `null`.
 */
export function parseMonth(raw: unknown, opts: AnswerOptions = {}): ParseResult<string | null> {
  const example = '例如：2018年7月 或 2018-07';
  const hint = fail(opts.nullable ? `请填写年月，${example}；如果没有，请回复“没有”。` : `请按“年月”填写，${example}。`);
  if (raw === null) return opts.nullable ? ok(null) : hint;
  if (typeof raw !== 'string') return hint; // a JSON number like 2018.1 is ambiguous (1 or 10?)
  const s = prepare(raw);
  if (!s) return hint;
  const [ny, nm] = today(opts);
  const found: string[] = [];
  for (const m of s.matchAll(/(?<!\d)(\d{4}|\d{2})\s*(年|[-./])\s*(\d{1,2})(?!\d)/g)) {
    if (m[1]!.length === 2 && m[2] !== '年') continue;
    const month = Number(m[3]);
    if (month < 1 || month > 12) return fail(`月份应在1到12之间，${example}。`);
    found.push(`${fullYear(m[1]!, ny)}-${pad(month)}`);
  }
  const months = uniq(found);
  if (months.length > 1) return fail(`请只填写一个年月，${example}。`);
  if (months.length === 0) {
    if (/(?<!\d)(?:\d{4}|\d{2}年)(?!\d)/.test(s)) return fail('请把月份也写上，例如：2018年7月。');
    if (!/\d/.test(s) && !UNSURE.test(s) && NONE.test(s)) return opts.nullable ? ok(null) : hint;
    return hint;
  }
  const [y, m] = months[0]!.split('-').map(Number) as [number, number];
  if (y < 1950) return fail(`年份不能早于1950年，${example}。`);
  if (y * 12 + m > ny * 12 + nm) return fail(`这个时间不能晚于本月（${ny}年${nm}月），${example}。`);
  return ok(months[0]!);
}

/** A calendar date `YYYY-MM-DD` ("2022年7月1日", "2022.7.1"), real, from 1950 up to today. */
export function parseDate(raw: unknown, opts: AnswerOptions = {}): ParseResult<string> {
  const example = '例如：2022年7月1日 或 2022-07-01';
  const hint = fail(`请按“年月日”填写，${example}。`);
  if (typeof raw !== 'string') return hint;
  const s = prepare(raw);
  if (!s) return hint;
  const [ny, nm, nd] = today(opts);
  const found: string[] = [];
  for (const m of s.matchAll(/(?<!\d)(\d{4}|\d{2})\s*(年|[-./])\s*(\d{1,2})\s*(?:月|[-./])\s*(\d{1,2})(?!\d)/g)) {
    if (m[1]!.length === 2 && m[2] !== '年') continue;
    const [y, mo, d] = [fullYear(m[1]!, ny), Number(m[3]), Number(m[4])];
    const t = new Date(Date.UTC(y, mo - 1, d));
    if (mo < 1 || mo > 12 || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) {
      return fail(`没有这一天（${y}年${mo}月${d}日），请检查月和日，${example}。`);
    }
    found.push(`${y}-${pad(mo)}-${pad(d)}`);
  }
  const dates = uniq(found);
  if (dates.length > 1) return fail(`请只填写一个日期，${example}。`);
  if (dates.length === 0) {
    return /(?<!\d)(?:\d{4}|\d{2}年)/.test(s) ? fail(`请写到具体哪一天，${example}。`) : hint;
  }
  const date = dates[0]!;
  if (date < '1950-01-01') return fail(`年份不能早于1950年，${example}。`);
  if (date > `${ny}-${pad(nm)}-${pad(nd)}`) return fail(`这个日期不能晚于今天（${ny}年${nm}月${nd}日），${example}。`);
  return ok(date);
}

// ---------------------------------------------------------------- number

/**
 * A count ("3", "三项", "两件", "没有" → 0), an integer ≥ 0 within `min`…`max`. With
 * `integer: false`, decimals and halves ("3.5年", "三年半", "半年") are read too.
 */
export function parseCount(raw: unknown, opts: AnswerOptions = {}): ParseResult<number> {
  const integer = opts.integer ?? true;
  const min = Math.max(0, opts.min ?? 0);
  const max = opts.max;
  const range = max !== undefined ? `${min}到${max}之间的` : min > 0 ? `不小于${min}的` : '不小于0的';
  const hint = fail(`请填写一个${range}${integer ? '整数' : '数字'}，例如：${integer ? '3' : '3 或 3.5'}。`);
  let value: number;
  if (typeof raw === 'number') value = raw;
  else {
    const s = prepare(raw);
    // "三四个", "两三年" are estimates, not a count (and normalize() would read "三四" as 4).
    if (!s || UNSURE.test(s) || /[一二两三四五六七八九][一二两三四五六七八九]/.test(String(raw))) return hint;
    const nums = [...s.matchAll(/(-|负)?\s*(\d+(?:\.\d+)?)/g)];
    if (nums.length > 1) return hint;
    if (nums.length === 0) {
      if (!integer && /^半(?:个)?年?$/.test(s)) value = 0.5;
      else if (/没有|没|无|^(?:none|no)$/.test(s)) value = 0;
      else return hint;
    } else {
      const m = nums[0]!;
      if (m[1]) return fail(`不能是负数。${hint.hint}`);
      const half = /^\s*(?:个|年)?半/.test(s.slice(m.index! + m[0].length));
      value = Number(m[2]) + (half ? 0.5 : 0);
    }
  }
  if (!Number.isFinite(value)) return hint;
  if (value < 0) return fail(`不能是负数。${hint.hint}`);
  if (integer && !Number.isInteger(value)) return hint;
  if (value < min || (max !== undefined && value > max)) return hint;
  return ok(value);
}

// ---------------------------------------------------------------- hours

const HOURS_KEYS = ['professional', 'public', 'other'] as const;
const HOURS_LABEL = /(专业|公需|公共|其他|其它|其余)(?:课程|课|科目)?(?:学时|课时)?\s*(?:[:=]|是|为|有|共|计|学了|完成了?)*\s*(\d+(?:\.\d+)?)/g;

/**
 * Continuing-education hours split three ways. Text names the kinds ("专业课200，公需课60，
 * 其他20") or gives three bare numbers in that order ("200/60/20"); an unnamed `other` is 0, an
 * unnamed professional or public total is an error, and a single total asks for the split.
 */
export function parseHours(raw: unknown): ParseResult<Hours> {
  const hint = fail('请分别填写专业课、公需课和其他学时，例如：专业课200，公需课60，其他10。');
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    const good = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (Object.keys(o).some((k) => !(HOURS_KEYS as readonly string[]).includes(k))) return hint;
    if (!good(o.professional) || !good(o.public) || (o.other !== undefined && !good(o.other))) return hint;
    return ok({ professional: o.professional, public: o.public, other: (o.other as number | undefined) ?? 0 });
  }
  const total = fail('请把学时按类别分开填写，例如：专业课200，公需课60，其他10。');
  if (typeof raw === 'number') return total;
  const s0 = prepare(raw);
  if (!s0) return hint;
  // Years ("2021-2023年", "2021年") name the period, not hours.
  const s = s0.replace(/(?<!\d)(?:19|20)\d{2}\s*(?:[-~至到—]\s*(?:19|20)\d{2}\s*)?年/g, ' ');
  if (/(?<!\d\s*)-\s*\d/.test(s)) return fail(`学时不能是负数。${hint.hint}`);
  const numbers = [...s.matchAll(/\d+(?:\.\d+)?/g)].map((m) => Number(m[0]));
  const labelled = [...s.matchAll(HOURS_LABEL)];
  if (labelled.length) {
    if (labelled.length !== numbers.length) return hint;
    const got: Partial<Record<(typeof HOURS_KEYS)[number], number>> = {};
    for (const m of labelled) {
      const key = m[1] === '专业' ? 'professional' : m[1] === '公需' || m[1] === '公共' ? 'public' : 'other';
      if (got[key] !== undefined && got[key] !== Number(m[2])) return hint;
      got[key] = Number(m[2]);
    }
    if (got.professional === undefined || got.public === undefined) return hint;
    return ok({ professional: got.professional, public: got.public, other: got.other ?? 0 });
  }
  const parts = s.replace(/学时|课时|小时/g, ' ').trim().split(/[\s/,、;|+-]+/).filter(Boolean);
  if (parts.length === 3 && parts.every((p) => /^\d+(?:\.\d+)?$/.test(p))) {
    const [professional, pub, other] = parts.map(Number) as [number, number, number];
    return ok({ professional, public: pub, other });
  }
  if (numbers.length === 1) return total;
  return hint;
}

// ---------------------------------------------------------------- text and dispatch

/** Free text: trimmed, with at least one letter or digit, at most 200 characters (kept as typed). */
export function parseText(raw: unknown): ParseResult<string> {
  const hint = fail(`请用一两句话简单说明（不超过${MAX_TEXT}字），例如：负责车间工艺改进。`);
  if (typeof raw !== 'string') return hint;
  const t = raw.trim();
  // Must say something: at least one letter or digit, not only emoji or punctuation.
  return /[\p{L}\p{N}]/u.test(t) && [...t].length <= MAX_TEXT ? ok(t) : hint;
}

/** Reads an answer of the given kind; see the per-kind parsers for the accepted forms. */
export function parseAnswer(kind: AnswerKind, raw: unknown, opts: AnswerOptions = {}): ParseResult<unknown> {
  switch (kind) {
    case 'choice': return parseChoice(raw, opts.options ?? []);
    case 'boolean': return parseBoolean(raw);
    case 'month': return parseMonth(raw, opts);
    case 'number': return parseCount(raw, opts);
    case 'hours': return parseHours(raw);
    case 'date': return parseDate(raw, opts);
    case 'text': return parseText(raw);
  }
}

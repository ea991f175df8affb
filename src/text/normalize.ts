/**
 * Text normalisation shared by the knowledge loader and retrieval: whatever a person types and
 * whatever the notice says pass through the same function, so they meet in the same form.
 */
import { Converter } from 'opencc-js/t2cn';
import { memoize } from './memo.ts';

const toSimplifiedChars = Converter({ from: 'twp', to: 'cn' });

/** Full-width ASCII (Ａ１？) and the ideographic space to their half-width forms. */
export function toHalfWidth(s: string): string {
  return s
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ');
}

const DIGIT: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/**
 * Value of a Chinese numeral up to 9999 ("十二" → 12, "二十" → 20, "一百零五" → 105), or one
 * written digit by digit ("二〇一八" → 2018); NaN if not one. Two bare digits ("三四") are an
 * estimate, not a number: NaN.
 */
export function chineseNumeralValue(s: string): number {
  if (!/^[零〇一二两三四五六七八九十百千]+$/.test(s)) return NaN;
  if (!/[十百千]/.test(s)) {
    if (s.length === 1) return DIGIT[s]!;
    if (s.length === 2 && !/[零〇]/.test(s)) return NaN;
    return Number([...s].map((ch) => DIGIT[ch]).join(''));
  }
  let total = 0;
  let digit = 0;
  for (const ch of s) {
    if (ch in DIGIT) digit = DIGIT[ch]!;
    else {
      const unit = ch === '十' ? 10 : ch === '百' ? 100 : 1000;
      total += (digit === 0 && unit === 10 && total === 0 ? 1 : digit) * unit;
      digit = 0;
    }
  }
  return total + digit;
}

/**
 * Measure words after which a Chinese numeral is a quantity ("五个工作日", "一式三份", "近三年"),
 * so "三年" and "3年" compare equal. Numerals elsewhere ("一线", "二代身份证") are left alone.
 */
const NUMERAL_BEFORE_MEASURE = /([零〇一二两三四五六七八九十百千]+)(?=(个|项|份|年|月|日|天|人|次|类|周|学时|小时|字|张|篇|岁|倍|级))/g;

export function chineseNumeralsToDigits(s: string): string {
  return s.replace(NUMERAL_BEFORE_MEASURE, (m) => {
    const v = chineseNumeralValue(m);
    return Number.isNaN(v) ? m : String(v);
  });
}

/** A turn normalises its text and its words 5–10 times: the latest results are kept (pure, bounded). */
const NORMALIZED = { entries: 4096, chars: 256 * 1024 };

/**
 * The canonical form used for search and for fact checks: Simplified characters, half-width
 * ASCII, lower case, Chinese quantities as digits, whitespace collapsed.
 */
export const normalize: (text: string) => string = memoize((text) => {
  const simplified = toSimplifiedChars(toHalfWidth(text.normalize('NFKC')));
  return chineseNumeralsToDigits(simplified).toLowerCase().replace(/\s+/g, ' ').trim();
}, NORMALIZED);

/** Traditional → Simplified only, for showing a person's words back to them. */
export function toSimplified(text: string): string {
  return toSimplifiedChars(text);
}

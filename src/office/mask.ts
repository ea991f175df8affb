/**
 * Masks the personal data in a question a user typed, before the office's log stores it: mobile
 * and landline numbers, ID-card and passport numbers, e-mail addresses, a name the writer gives,
 * and any other number of 7 or more digits. Each becomes a placeholder in place; everything else
 * is kept as typed. Full-width digits and signs count as their ASCII forms, numbers spelt in
 * Chinese numerals as digits, and . / _ ， · or a zero-width space inside a number as a separator.
 * Inside a URL only e-mail addresses, ID-card and mobile numbers and numbers of 13 digits or more are masked, so
 * a pasted link stays readable.
 * Idempotent, and never throws.
 */
import { toHalfWidth } from '../text/normalize.ts';

/** ~100 common surnames, and the Traditional forms of those that differ: a name after 我是, 本人 or a bare 姓名 begins with one. */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈' +
  '姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤' +
  '張劉陳楊黃趙吳孫馬羅鄭謝許韓馮鄧蔣葉蘇呂盧鍾譚陸賈韋鄒閻龍賀顧龔萬錢嚴湯蕭';

/** Words that begin with a surname but are no name (我是高工，…). */
const NOT_NAMES = new Set(['高工', '高中', '高级', '高職', '高职', '程序员', '程序員']);

const EMAIL = /[\w.+-]{1,64}@[a-z\d-]+(?:\.[a-z\d-]+)+/gi;
/** 18 digits (the last may be X), grouped 6-8-4 or 6-4-4-4 or not at all; or an old 15-digit one. */
const ID_CARD = /(?<!\d)\d{6}[ -]?(?:\d{4}[ -]?\d{4}[ -]?\d{3}[\dX]|\d{6}[ -]?\d{3})(?!\d)/gi;
const PASSPORT = /(?<![a-z\d])[a-z]{1,2}\d{7,8}(?![a-z\d])/gi;
/** A mobile's 3-4-4 shape is distinctive enough to allow commas between its groups too (138，1234，5678). */
const MOBILE = /(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d[ ,-]?\d{4}[ ,-]?\d{4}(?!\d)/g;
/** With an area code and maybe an extension: 0575-82123456, 0575 8212 3456, (0575)82123456-801.
 *  Looser shapes than a mobile's, so a landline must be a whole run of digit groups (not 6222 0212 3456 …). */
const LANDLINE = /(?<!\d[ -]?)(?:\(0\d{2,3}\)|0\d{2,3})[ -]?[2-9]\d{2,3}[ -]?\d{4}(?:-\d{1,4})?(?![ -]?\d)/g;
/** Without one: 82123456, 8212-3456 (and so also 20230908). */
const LOCAL_NUMBER = /(?<!\d[ -]?)[2-9]\d{2,3}[ -]?\d{4}(?![ -]?\d)/g;
/** Digit groups joined by single spaces or dashes. */
const DIGIT_RUN = /(?<!\d)\d+(?:[ -]\d+)*/g;
/** A run that is years and dates: 2019-2023, 2023-09-08, 2020 2021 2022. */
const DATE_LIKE = /^(?:19|20)\d\d(?:[ -](?:(?:19|20)\d\d|\d{1,2}))+$/;
/** Two or three Han characters after 我叫, 我的名字是/叫, 姓名：. */
const GIVEN_NAME = /(?<=(?:我叫|我的名字[是叫]|姓名[:：])\s{0,2})\p{Script=Han}{2,3}/gu;
/** After 我是, 本人, 姓名(是|为) — which often precede no name (本人承诺, 姓名栏): a surname and one or two Han
 *  characters, then punctuation, a space or the end. */
const INTRODUCED_NAME = new RegExp(
  `(?<=(?:我是|本人|姓名[是为]?)\\s{0,2})[${SURNAMES}]\\p{Script=Han}{1,2}(?=[\\s\\p{P}\\p{S}]|$)`,
  'gu',
);
/** A URL, including any placeholders this module put in it. */
const URL = /(https?:\/\/(?:[!-~]|〔(?:手机号|证件号|邮箱)〕)+)/i;

type Rule = { re: RegExp; mask: string; keep?: (match: string) => boolean };

const dateLike = (s: string) => DATE_LIKE.test(s);

/** Outside URLs, in this order: each rule sees the text the ones before it left. */
const RULES: Rule[] = [
  { re: EMAIL, mask: '〔邮箱〕' },
  { re: ID_CARD, mask: '〔证件号〕' },
  { re: PASSPORT, mask: '〔证件号〕' },
  { re: MOBILE, mask: '〔手机号〕' },
  { re: LANDLINE, mask: '〔电话〕' },
  { re: LOCAL_NUMBER, mask: '〔电话〕', keep: dateLike },
  { re: DIGIT_RUN, mask: '〔号码〕', keep: (s) => s.replace(/\D/g, '').length < 7 || dateLike(s) },
  { re: GIVEN_NAME, mask: '〔姓名〕' },
  { re: INTRODUCED_NAME, mask: '〔姓名〕', keep: (s) => NOT_NAMES.has(s) },
];
/** Inside a URL, only a long unbroken number is one (a card number); dates and ids in paths are not. */
const LONG_NUMBER = /(?<!\d)\d{13,}(?!\d)/g;
const URL_RULES: Rule[] = [...RULES.filter((r) => [EMAIL, ID_CARD, MOBILE].includes(r.re)), { re: LONG_NUMBER, mask: '〔号码〕' }];

const CHINESE_DIGITS = '〇一二三四五六七八九';
/** Seven or more Chinese numerals in a row: a number spelt out (一三八一二三四五六七八). */
const SPELT_NUMBER = /[〇零一二三四五六七八九]{7,}/g;
/** Between two digits, other marks people put in numbers (138.1234.5678, 138/1234/5678, a zero-width space). */
const DIGIT_SEPARATOR = /(?<=\d)[.\/_·\u200B-\u200D\u2060\uFEFF](?=\d)/g;

/**
 * The text as the rules read it, of the same length (so indices match): half-width, numbers spelt
 * in Chinese numerals as digits, and separators inside numbers as "-".
 */
function shadow(text: string): string {
  return toHalfWidth(text)
    .replace(SPELT_NUMBER, (run) => [...run].map((c) => String(Math.max(0, CHINESE_DIGITS.indexOf(c)))).join(''))
    .replace(DIGIT_SEPARATOR, '-');
}

/** Replaces the matches of a rule, found in the text's shadow (same length, same indices). */
function apply(text: string, { re, mask, keep }: Rule): string {
  let out = '';
  let last = 0;
  for (const m of shadow(text).matchAll(re)) {
    if (keep?.(m[0])) continue;
    out += text.slice(last, m.index) + mask;
    last = m.index + m[0].length;
  }
  return out + text.slice(last);
}

/** The text with personal data replaced by 〔手机号〕, 〔电话〕, 〔证件号〕, 〔邮箱〕, 〔姓名〕 or 〔号码〕. */
export function maskPersonal(text: string): string {
  return text
    .split(URL)
    .map((part, i) => (i % 2 ? URL_RULES : RULES).reduce(apply, part))
    .join('');
}

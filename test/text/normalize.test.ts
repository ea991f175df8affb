import { describe, expect, it } from 'vitest';
import { chineseNumeralValue, normalize, toHalfWidth } from '../../src/text/normalize.ts';
import { numbersIn, numbersInValue } from '../../src/text/numbers.ts';

describe('normalize', () => {
  it('folds Traditional characters and vocabulary to Simplified', () => {
    expect(normalize('繼續教育的公需課')).toBe('继续教育的公需课');
    expect(normalize('軟體著作權')).toBe('软件著作权');
  });
  it('turns full-width ASCII and the ideographic space into half-width', () => {
    expect(toHalfWidth('２７０学时　ＪＰＧ？')).toBe('270学时 JPG?');
    expect(normalize('２７０学时　ＪＰＧ')).toBe('270学时 jpg');
  });
  it('writes Chinese quantities as digits, and only quantities', () => {
    expect(normalize('一式三份，五个工作日，近三年，满十年，两项')).toBe('一式3份,5个工作日,近3年,满10年,2项');
    expect(normalize('一线岗位，二代身份证')).toBe('一线岗位,二代身份证');
  });
  it('reads Chinese numerals', () => {
    expect(chineseNumeralValue('十二')).toBe(12);
    expect(chineseNumeralValue('二十')).toBe(20);
    expect(chineseNumeralValue('一百零五')).toBe(105);
    expect(chineseNumeralValue('abc')).toBeNaN();
    expect(chineseNumeralValue('二〇一八')).toBe(2018);
    expect(chineseNumeralValue('三四')).toBeNaN(); // an estimate
    expect(normalize('二〇一八年七月')).toBe('2018年7月');
  });
});

describe('numbersIn', () => {
  it('finds digits, decimals, Chinese quantities and date parts', () => {
    expect([...numbersIn('2023年9月8日前，宽高比0.80，一式三份')].sort()).toEqual(['0.8', '2023', '3', '8', '9'].sort());
    expect([...numbersInValue({ d: '2023-09-08', n: 270, list: ['JPG'] })].sort()).toEqual(['2023', '270', '8', '9'].sort());
  });
});

import { describe, expect, it } from 'vitest';
import { daysBetween, dateInZone, formatMonth, fullYears, isIsoDate, isMonth, monthIndex, monthYearsMet } from '../../src/rules/months.ts';

const cutoff = monthIndex('2023-12-31');

describe('full years to the cut-off (RULES.md "Full years")', () => {
  it.each([
    ['2019-01', 5], ['2019-02', 4], ['2018-12', 5], ['2014-01', 10], ['2014-02', 9],
    ['2023-12', 0], ['2023-01', 1], ['2024-03', 0], ['1990-06', 33],
  ])('since %s → %i', (since, years) => {
    expect(fullYears(monthIndex(since), cutoff)).toBe(years);
  });

  it('metOn is the month at whose end the years are complete', () => {
    expect(formatMonth(monthYearsMet(monthIndex('2019-01'), 5))).toBe('2023-12');
    expect(formatMonth(monthYearsMet(monthIndex('2020-07'), 5))).toBe('2025-06');
    expect(formatMonth(monthYearsMet(monthIndex('2021-01'), 3))).toBe('2023-12');
  });
});

describe('month and date forms', () => {
  it.each(['2018-07', '2000-12', '1999-01'])('%s is a month', (m) => expect(isMonth(m)).toBe(true));
  it.each(['2018-13', '2018-00', '2018-7', '2018/07', '201807', '2018-07-01'])('%s is not a month', (m) => expect(isMonth(m)).toBe(false));
  it.each([['2024-02-29', true], ['2023-02-29', false], ['2023-06-31', false], ['2023-06-30', true], ['2023-6-30', false]] as const)(
    '%s valid date: %s', (d, valid) => expect(isIsoDate(d)).toBe(valid));

  it('today is taken in the bot time zone', () => {
    expect(dateInZone(new Date('2023-09-07T17:00:00Z'), 'Asia/Shanghai')).toBe('2023-09-08');
    expect(dateInZone(new Date('2023-09-07T17:00:00Z'), 'UTC')).toBe('2023-09-07');
    expect(daysBetween('2023-08-01', '2023-09-08')).toBe(38);
    expect(daysBetween('2023-09-10', '2023-09-08')).toBe(-2);
  });
});

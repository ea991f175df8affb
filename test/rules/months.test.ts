import fc from 'fast-check';
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

  it('works out Asia/Shanghai days without Intl, as Intl gives them, from 1992 on', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
    fc.assert(fc.property(fc.date({ min: new Date('1992-01-01T00:00:00Z'), max: new Date('2100-12-31T23:59:59Z'), noInvalidDate: true }), (instant) => {
      expect(dateInZone(instant, 'Asia/Shanghai')).toBe(intl.format(instant));
    }), { numRuns: 2000 });
    // Around midnight in Shanghai: 15:59:59.999 UTC is still the day before.
    expect(dateInZone(new Date('2026-12-31T15:59:59.999Z'), 'Asia/Shanghai')).toBe('2026-12-31');
    expect(dateInZone(new Date('2026-12-31T16:00:00Z'), 'Asia/Shanghai')).toBe('2027-01-01');
    // Before 1992 (China kept daylight saving time until 1991) Intl decides.
    expect(dateInZone(new Date('1990-07-01T15:30:00Z'), 'Asia/Shanghai')).toBe('1990-07-02');
  });
});

import { describe, expect, it } from 'vitest';
import { todayIn } from '../../src/reading/times.ts';
import { dateInZone } from '../../src/rules/months.ts';

/** The reading's day (formatter kept per zone, the last instant remembered) is rules/months.ts's dateInZone. */
describe('todayIn', () => {
  it('gives the calendar day dateInZone gives, in any zone, asked again or not', () => {
    const zones = ['Asia/Shanghai', 'UTC', 'America/Los_Angeles', 'Pacific/Kiritimati'];
    for (let t = Date.UTC(2023, 0, 1); t < Date.UTC(2024, 0, 1); t += 7 * 3600_000 + 17 * 60_000) {
      for (const zone of zones) {
        const instant = new Date(t);
        const [year, month, day] = dateInZone(instant, zone).split('-').map(Number);
        expect(todayIn(instant, zone)).toEqual({ year, month, day });
        expect(todayIn(instant, zone)).toEqual({ year, month, day });
      }
    }
  });

  it('hands out a fresh object each time (a reading may keep it)', () => {
    const instant = new Date('2023-08-01T09:00:00+08:00');
    const a = todayIn(instant, 'Asia/Shanghai');
    a.day = 99;
    expect(todayIn(instant, 'Asia/Shanghai').day).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config.ts';

describe('reminder settings', () => {
  it('default to a 200-push LINE quota and a 30 s run interval', () => {
    const c = parseConfig({});
    expect(c.LINE_PUSH_QUOTA).toBe(200);
    expect(c.REMINDER_INTERVAL_SECONDS).toBe(30);
    expect(parseConfig({ LINE_PUSH_QUOTA: '500' }).LINE_PUSH_QUOTA).toBe(500);
  });

  it('stop the start with one line naming a wrong value', () => {
    expect(() => parseConfig({ LINE_PUSH_QUOTA: 'lots' })).toThrow(ConfigError);
    expect(() => parseConfig({ LINE_PUSH_QUOTA: '0' })).toThrow(/LINE_PUSH_QUOTA/);
    expect(() => parseConfig({ REMINDER_INTERVAL_SECONDS: '-1' })).toThrow(/REMINDER_INTERVAL_SECONDS/);
  });
});

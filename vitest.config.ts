import { defineConfig } from 'vitest/config';

/**
 * Three tiers: `fast` runs in-process (the engine, the rules, the channels against fake platform
 * servers on loopback, Redis); `e2e` spawns the real commands and drives the web page in Chromium,
 * one file at a time; `faults` breaks things on purpose (processes killed, stores made unwritable,
 * platforms failing, SIGTERM under load), one file at a time, each case bounded in time.
 * `npm test` runs all three; `npm run test:fast` the first.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'fast', include: ['test/**/*.test.ts'], exclude: ['test/e2e/**', 'test/faults/**'] } },
      { extends: true, test: { name: 'e2e', include: ['test/e2e/**/*.test.ts'] } },
      { extends: true, test: { name: 'faults', include: ['test/faults/**/*.test.ts'] } },
    ],
  },
});

/**
 * One reminder run in a process of its own, for test/faults/reminders.test.ts:
 *   tsx reminders-run.ts <store url> <now> http <push url> <lease ms> <retry ms>
 *       pushes to plain users' chats by POST <push url> {chat, key}: 200 = sent, anything else = retry
 *   tsx reminders-run.ts <store url> <now> line <LINE API origin> <lease ms> <retry ms>
 *       the real LINE channel (adapters/line) against that API, for users line:<id>
 * Prints "running", then the run's report as JSON once it ends (with GO_FILE set, it waits for that
 * file to exist before it runs). Retries wait <retry ms> (then
 * double), so a test can kill the process during a wait.
 */
import { existsSync } from 'node:fs';
import pino from 'pino';
import { createBot } from '../../src/bot/index.ts';
import { createLine } from '../../adapters/line/index.ts';
import { register } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';

const [storeUrl, now, mode, target, leaseMs, retryMs] = process.argv.slice(2) as [string, string, 'http' | 'line', string, string, string];
const bot = await createBot({
  storeUrl,
  now: new Date(now),
  reminderRetry: { attempts: 4, baseDelayMs: Number(retryMs) },
  reminderDelivery: { leaseMs: Number(leaseMs), sendTimeoutMs: Math.min(1000, Number(leaseMs) / 2) },
  log: (line) => console.error(line),
});
if (mode === 'http') {
  bot.registerChannel({
    name: 'terminal',
    prefix: '',
    push: async (chat, _text, key) => {
      const res = await fetch(`${target}/push`, { method: 'POST', body: JSON.stringify({ chat, key }) });
      return res.status === 200 ? 'sent' : 'retry';
    },
  });
} else {
  register(bot, createLine(createKit(bot, pino({ level: 'silent' })), { channelSecret: 'fault-secret', channelAccessToken: 'fault-token', apiBaseUrl: target }));
}
console.log('running');
// With GO_FILE set, the run starts once that file exists (two processes starting at one moment).
const go = process.env.GO_FILE;
while (go && !existsSync(go)) await new Promise((r) => setTimeout(r, 5));
const report = await bot.runDue();
console.log(JSON.stringify(report));
await bot.close();

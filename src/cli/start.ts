/**
 * `npm start`: the bot service. One HTTP server (web chat, /api/chat, /healthz, webhooks) plus
 * every channel of adapters/registry.ts whose credentials are set; with none set it still runs,
 * serving the web chat.
 *
 * SIGTERM/SIGINT: stop taking connections and updates, answer what is in flight (with
 * `Connection: close`), abort a reminder run in progress and wait for it to end, stop the
 * channels; all within SHUTDOWN_TIMEOUT_SECONDS, after which what is left is given up. Then flush
 * the office log and close the store (bounded on their own, CLOSE_MS) and exit 0.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createBot } from '../bot/index.ts';
import { ConfigError, parseConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createApp, within } from '../../adapters/http.ts';
import { CHANNELS, createChannels } from '../../adapters/registry.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { createAdmin } from '../../adapters/admin/index.ts';

const log = createLogger();
let config: ReturnType<typeof parseConfig>;
try {
  const { values } = parseArgs({ options: { now: { type: 'string' }, store: { type: 'string' } }, strict: true });
  config = parseConfig(process.env, values);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `start: ${(err as Error).message}`);
  process.exit(2);
}

// No top-level await: the build bundles the commands as CommonJS (see scripts/build.mjs).
async function main(): Promise<void> {
  const bot = await createBot({
    now: config.BOT_NOW, timeZone: config.TZ_BOT, dictionary: config.BOT_DICT, storeUrl: config.STORE_URL, logRetentionDays: config.LOG_RETENTION_DAYS,
    log: (line) => log.warn({ part: 'bot' }, line),
  });
  const channels = createChannels(createKit(bot, log), config);
  const admin = config.ADMIN_TOKEN
    ? createAdmin(bot, { token: config.ADMIN_TOKEN, log, evalFiles: config.ADMIN_EVAL_FILES?.split(',').map((f) => f.trim()).filter(Boolean) })
    : [];
  const app = createApp(bot, channels, log, admin);
  const server = await app.listen(config.PORT);
  const port = (server.address() as AddressInfo).port;
  for (const c of channels) await c.start?.();

  log.info(`职称申报助手 is running: web chat at http://localhost:${port}/ , health at /healthz, store ${config.STORE_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
  for (const spec of CHANNELS) log.info(spec.describe(config));
  log.info(config.ADMIN_TOKEN ? `office console: on (GET /admin; the log is kept ${config.LOG_RETENTION_DAYS} days)` : 'office console: off (set ADMIN_TOKEN, at least 16 characters, to open /admin)');

  // The office log past its retention is deleted at start and every hour.
  const sweepLog = (): void => {
    bot.office.sweep(bot.clock.now())
      .then((n) => { if (n) log.info({ part: 'office', removed: n }, 'office log records past their retention deleted'); })
      .catch((err: unknown) => log.error({ part: 'office', err: (err as Error).name }, 'office log sweep failed'));
  };
  const sweepTimer = setInterval(sweepLog, 3600 * 1000);
  sweepTimer.unref();
  sweepLog();

  // Deadline reminders: what falls due is claimed and sent every REMINDER_INTERVAL_SECONDS. The
  // shutdown aborts a run in progress (its retry waits and pushes); what it left is sent by the next.
  const reminderLog = log.child({ part: 'reminders' });
  const stopReminders = new AbortController();
  let reminding: Promise<unknown> | undefined;
  const runReminders = (): void => {
    if (reminding) return;
    reminding = bot.runDue(undefined, stopReminders.signal)
      .then((r) => { if (r.sent || r.failed) reminderLog.info(r, 'reminders sent'); })
      .catch((err: unknown) => reminderLog.error({ err: (err as Error).message }, 'reminder run failed'))
      .finally(() => { reminding = undefined; });
  };
  const reminderTimer = setInterval(runReminders, config.REMINDER_INTERVAL_SECONDS * 1000);
  reminderTimer.unref();
  runReminders();

  /** Flushing the office log and closing the store, after the rest has stopped or been given up. */
  const CLOSE_MS = 2000;
  let stopping = false;
  async function shutdown(signal: string): Promise<void> {
    if (stopping) return;
    stopping = true;
    const started = Date.now();
    const timeoutMs = config.SHUTDOWN_TIMEOUT_SECONDS * 1000;
    log.info({ signal, timeoutSeconds: config.SHUTDOWN_TIMEOUT_SECONDS }, 'shutting down: finishing requests in flight');
    clearInterval(reminderTimer);
    clearInterval(sweepTimer);
    stopReminders.abort();
    const [served, reminded] = await Promise.all([app.close(timeoutMs), within(reminding ?? Promise.resolve(), timeoutMs)]);
    if (!reminded) reminderLog.warn({ timeoutSeconds: config.SHUTDOWN_TIMEOUT_SECONDS }, 'shutdown: gave up waiting for the reminder run in progress');
    const closed = await within(bot.close(), CLOSE_MS);
    if (!closed) log.warn({ ms: CLOSE_MS }, 'shutdown: gave up flushing the office log and closing the store');
    log.info({ ms: Date.now() - started, complete: served && reminded && closed }, 'stopped');
    process.exit(0);
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();

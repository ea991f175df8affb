/**
 * `npm start`: the bot service. One HTTP server (web chat, /api/chat, /healthz, webhooks) plus
 * every channel whose credentials are set; with none set it still runs, serving the web chat.
 * SIGTERM/SIGINT: stop taking updates, finish those in flight, close the store, exit 0.
 */
import { createBot } from '../bot.ts';
import { ConfigError, parseConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createApp } from '../../adapters/http.ts';
import { createTelegram } from '../../adapters/telegram.ts';
import { createLine } from '../../adapters/line.ts';
import type { Channel } from '../../adapters/channel.ts';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const log = createLogger();
let config: ReturnType<typeof parseConfig>;
try {
  const { values } = parseArgs({ options: { now: { type: 'string' }, store: { type: 'string' } }, strict: true });
  config = parseConfig(process.env, values);
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `start: ${(err as Error).message}`);
  process.exit(2);
}

const bot = await createBot({ now: config.BOT_NOW, timeZone: config.TZ_BOT, dictionary: config.BOT_DICT, storeUrl: config.STORE_URL, log: (line) => log.warn({ part: 'reminders' }, line) });
const channels: Channel[] = [];
if (config.TELEGRAM_BOT_TOKEN) {
  channels.push(createTelegram(bot, { token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, webhookSecret: config.TELEGRAM_WEBHOOK_SECRET, log: log.child({ channel: 'telegram' }) }));
}
if (config.LINE_CHANNEL_SECRET && config.LINE_CHANNEL_ACCESS_TOKEN) {
  channels.push(createLine(bot, { channelSecret: config.LINE_CHANNEL_SECRET, channelAccessToken: config.LINE_CHANNEL_ACCESS_TOKEN, apiBaseUrl: config.LINE_API_BASE_URL, dataApiBaseUrl: config.LINE_DATA_API_BASE_URL, pushQuota: config.LINE_PUSH_QUOTA, log: log.child({ channel: 'line' }) }));
}
const app = createApp(bot, channels, log);
const server = await app.listen(config.PORT);
const port = (server.address() as AddressInfo).port;
for (const c of channels) await c.start?.();

log.info(`职称申报助手 is running: web chat at http://localhost:${port}/ , health at /healthz, store ${config.STORE_URL.replace(/\/\/[^@/]*@/, '//***@')}`);
log.info(config.TELEGRAM_BOT_TOKEN
  ? `Telegram: on (${config.TELEGRAM_WEBHOOK_SECRET ? 'webhook at POST /webhooks/telegram' : 'long polling'})`
  : 'Telegram: off (set TELEGRAM_BOT_TOKEN to turn it on; add TELEGRAM_WEBHOOK_SECRET for webhook mode)');
log.info(config.LINE_CHANNEL_SECRET
  ? 'LINE: on (webhook at POST /webhooks/line)'
  : 'LINE: off (set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN to turn it on)');

// Deadline reminders: what falls due is claimed and sent every REMINDER_INTERVAL_SECONDS.
const reminderLog = log.child({ part: 'reminders' });
let reminding: Promise<unknown> | undefined;
const runReminders = (): void => {
  if (reminding) return;
  reminding = bot.runDue()
    .then((r) => { if (r.sent || r.failed) reminderLog.info(r, 'reminders sent'); })
    .catch((err: unknown) => reminderLog.error({ err: (err as Error).message }, 'reminder run failed'))
    .finally(() => { reminding = undefined; });
};
const reminderTimer = setInterval(runReminders, config.REMINDER_INTERVAL_SECONDS * 1000);
reminderTimer.unref();
runReminders();

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down: finishing requests in flight');
  clearInterval(reminderTimer);
  await reminding;
  await app.close();
  await bot.close();
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

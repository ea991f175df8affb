/**
 * `npm run report -- [--since YYYY-MM-DD] [--store URL] [--now ISO]`: the office's figures and the
 * unanswered questions, from the log in the store of STORE_URL (the console's figures, as text).
 */
import { parseArgs } from 'node:util';
import { createBot } from '../bot/index.ts';
import { ConfigError, parseConfig } from '../config.ts';
import { formatReport } from '../office/report.ts';
import { buildReport } from '../office/stats.ts';
import { dateInZone } from '../rules/months.ts';

let values: { since?: string; store?: string; now?: string };
let config: ReturnType<typeof parseConfig>;
try {
  ({ values } = parseArgs({ options: { since: { type: 'string' }, store: { type: 'string' }, now: { type: 'string' } }, strict: true }));
  if (values.since !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.since)) throw new ConfigError(`report: --since: expected YYYY-MM-DD, got "${values.since}"`);
  config = parseConfig(process.env, { now: values.now, store: values.store });
} catch (err) {
  console.error(err instanceof ConfigError ? err.message : `report: ${(err as Error).message}`);
  process.exit(2);
}
const bot = await createBot({ now: config.BOT_NOW, timeZone: config.TZ_BOT, dictionary: config.BOT_DICT, storeUrl: config.STORE_URL, log: (l) => console.error(l) });
try {
  const records = await bot.office.read({ since: values.since });
  const report = buildReport(records, { knowledge: bot.knowledge, index: bot.index, today: dateInZone(bot.clock.now(), bot.timeZone) });
  console.log(formatReport(report, values.since));
} finally {
  await bot.close();
}

/**
 * `npm run chat`: the bot in the terminal, interactive on a TTY; with `--jsonl` (or when stdin
 * is not a TTY) the scriptable protocol of INTERFACES.md. `--edition YEAR` serves that edition
 * whatever the clock (default: the one in force, knowledge/editions.yaml).
 */
import { createBot } from '../bot/index.ts';
import { UnknownEditionError } from '../knowledge/load.ts';
import { ConfigError, parseCliFlags, parseConfig } from '../config.ts';
import { createLogger } from '../log.ts';
import { createKit } from '../../adapters/shared/kit.ts';
import { runInteractive, runJsonl } from '../../adapters/terminal/index.ts';

// No top-level await: the build bundles the commands as CommonJS (see scripts/build.mjs).
async function main(): Promise<void> {
  let flags: ReturnType<typeof parseCliFlags>;
  let config: ReturnType<typeof parseConfig>;
  try {
    flags = parseCliFlags(process.argv.slice(2));
    config = parseConfig(process.env, flags);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `chat: ${(err as Error).message}`);
    process.exit(2);
  }
  let bot: Awaited<ReturnType<typeof createBot>>;
  try {
    bot = await createBot({ now: config.BOT_NOW, timeZone: config.TZ_BOT, dictionary: config.BOT_DICT, storeUrl: config.STORE_URL, edition: flags.edition });
  } catch (err) {
    // --edition naming no edition of knowledge/editions.yaml: a wrong flag, said in one line.
    if (flags.edition !== undefined && err instanceof UnknownEditionError) {
      console.error(`chat: ${err.flagLine}`);
      process.exit(2);
    }
    throw err;
  }
  const kit = createKit(bot, createLogger());
  const user = flags.user ?? 'terminal';
  if (flags.jsonl || !process.stdin.isTTY) {
    await runJsonl(kit, user, process.stdin, process.stdout);
    await bot.close();
  } else runInteractive(kit, user);
}

void main();

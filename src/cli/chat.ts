/**
 * `npm run chat`: the bot in the terminal. Interactive on a TTY (buttons as numbered lines; type
 * the number to press one). With `--jsonl`, the scriptable protocol of INTERFACES.md: one JSON
 * line out for every line in, nothing else on stdout.
 */
import { createInterface } from 'node:readline';
import { createBot, type Bot } from '../bot.ts';
import { ConfigError, parseCliFlags, parseConfig } from '../config.ts';
import { parseProtocolLine, type ProtocolOutput } from '../channels/jsonl.ts';
import type { Button, StepResult } from '../dialogue/types.ts';

function main(): void {
  let flags: ReturnType<typeof parseCliFlags>;
  let config: ReturnType<typeof parseConfig>;
  try {
    flags = parseCliFlags(process.argv.slice(2));
    config = parseConfig(process.env, flags);
  } catch (err) {
    console.error(err instanceof ConfigError ? err.message : `chat: ${(err as Error).message}`);
    process.exit(2);
  }
  const bot = createBot({ now: config.BOT_NOW, timeZone: config.TZ_BOT, dictionary: config.BOT_DICT });
  const user = flags.user ?? 'terminal';
  if (flags.jsonl || !process.stdin.isTTY) runJsonl(bot, user);
  else runInteractive(bot, user);
}

function runJsonl(bot: Bot, firstUser: string): void {
  let user = firstUser;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  rl.on('line', (line) => {
    const parsed = parseProtocolLine(line);
    let out: ProtocolOutput;
    if (parsed.kind === 'error') {
      out = { ...emptyOutput(), replies: [{ text: parsed.message, buttons: [], citations: [] }] };
    } else {
      if (parsed.user !== undefined) user = parsed.user;
      if (parsed.now) bot.clock.advanceTo(parsed.now);
      out = parsed.input ? toOutput(bot.handle(user, parsed.input)) : emptyOutput();
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  });
}

function toOutput(r: StepResult): ProtocolOutput {
  return { replies: r.replies, ask: r.ask, fallback: r.fallback, assessment: r.assessment, pushed: [] };
}

function emptyOutput(): ProtocolOutput {
  return { replies: [], ask: null, fallback: false, assessment: null, pushed: [] };
}

function runInteractive(bot: Bot, user: string): void {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '你> ' });
  let buttons: Button[] = [];
  const show = (r: StepResult): void => {
    for (const reply of r.replies) {
      console.log(`\n助手> ${reply.text}`);
      reply.buttons.forEach((b, i) => console.log(`  [${i + 1}] ${b.label}`));
      buttons = reply.buttons.length ? reply.buttons : buttons;
    }
    console.log('');
  };
  show(bot.handle(user, { kind: 'text', text: '你好' }));
  rl.prompt();
  rl.on('line', (line) => {
    const n = Number(line.trim());
    const pressed = Number.isInteger(n) && n >= 1 && n <= buttons.length ? buttons[n - 1] : undefined;
    show(bot.handle(user, pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: line }));
    rl.prompt();
  });
  rl.on('close', () => console.log('再见！'));
}

main();

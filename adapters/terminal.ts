/**
 * The terminal channel: the scriptable JSONL protocol of INTERFACES.md and the interactive
 * chat (buttons as numbered lines; typing the number presses the button).
 */
import { createInterface } from 'node:readline';
import type { Bot } from '../src/bot.ts';
import type { Button, Input, StepResult } from '../src/dialogue/types.ts';
import { emptyOutput, parseProtocolLine, toProtocolOutput, type ProtocolOutput } from './jsonl-protocol.ts';

/** One JSON line out for every line in, in order; nothing else on stdout. */
export async function runJsonl(bot: Bot, firstUser: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  let user = firstUser;
  // Reminders pushed to terminal users since the last output line (INTERFACES.md `pushed`).
  let pushed: ProtocolOutput['pushed'] = [];
  bot.registerSender('terminal', async (chat, text) => { pushed.push({ user: chat, text }); });
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  // One line at a time, in order: the next line is read only after this one's output is written.
  for await (const line of rl) {
    const parsed = parseProtocolLine(line);
    let out: ProtocolOutput;
    if (parsed.kind === 'error') {
      out = { ...emptyOutput(), replies: [{ text: parsed.message, buttons: [], citations: [] }] };
    } else {
      if (parsed.user !== undefined) user = parsed.user;
      if (parsed.now) {
        bot.clock.advanceTo(parsed.now);
        await bot.runDue().catch((err: unknown) => console.error(`chat: reminders: ${(err as Error).message}`));
      }
      out = parsed.input ? await turn(bot, user, parsed.input) : emptyOutput();
    }
    out.pushed = pushed;
    pushed = [];
    output.write(`${JSON.stringify(out)}\n`);
  }
}

/** One turn; a store failure becomes a reply saying so, never a crash or a silent loss. */
async function turn(bot: Bot, user: string, input: Input): Promise<ProtocolOutput> {
  try {
    return toProtocolOutput(await bot.handle(user, input));
  } catch (err) {
    console.error(`chat: ${(err as Error).message}`);
    return { ...emptyOutput(), replies: [{ text: STORE_DOWN, buttons: [], citations: [] }] };
  }
}

const STORE_DOWN = '抱歉，暂时无法读取或保存对话记录，请稍后再试。你刚才的输入没有生效。';


/** A person at a terminal: replies printed with numbered buttons. */
export function runInteractive(bot: Bot, user: string): void {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '你> ' });
  let buttons: Button[] = [];
  // Reminders to terminal users (all of them live on this terminal), checked every 30 s.
  bot.registerSender('terminal', async (chat, text) => {
    console.log(`\n助手（提醒${chat === user ? '' : ` ${chat}`}）> ${text}\n`);
  });
  const timer = setInterval(() => void bot.runDue().catch((err: unknown) => console.error(`chat: reminders: ${(err as Error).message}`)), 30_000);
  timer.unref();
  const show = (r: StepResult): void => {
    for (const reply of r.replies) {
      console.log(`\n助手> ${reply.text}`);
      reply.buttons.forEach((b, i) => console.log(`  [${i + 1}] ${b.label}`));
      if (reply.buttons.length) buttons = reply.buttons;
    }
    console.log('');
  };
  const send = async (input: Input) => {
    try {
      show(await bot.handle(user, input));
    } catch (err) {
      console.log(`\n助手> ${STORE_DOWN}（${(err as Error).message}）`);
    }
  };
  void (async () => {
    await send({ kind: 'text', text: '你好' });
    rl.prompt();
    for await (const line of rl) {
      const n = Number(line.trim());
      const pressed = line.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= buttons.length ? buttons[n - 1] : undefined;
      await send(pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: line });
      rl.prompt();
    }
    console.log('\n再见！');
    clearInterval(timer);
    await bot.close();
  })();
}

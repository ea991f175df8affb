/**
 * The terminal channel: the scriptable JSONL protocol of INTERFACES.md and the interactive
 * chat (buttons as numbered lines; typing the number presses the button). Terminal users' ids
 * carry no prefix; reminders to them are listed in the next output line's `pushed` (JSONL) or
 * printed as they fall due (interactive).
 */
import { createInterface } from 'node:readline';
import type { Bot } from '../../src/bot/index.ts';
import { formatAction } from '../../src/core/actions.ts';
import type { Button, Input } from '../../src/core/types.ts';
import { say } from '../../src/dialogue/flow.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { emptyOutput, parseProtocolLine, toProtocolOutput, type ProtocolOutput } from './protocol.ts';

/** One JSON line out for every line in, in order; nothing else on stdout. */
export async function runJsonl(kit: ChannelKit, firstUser: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  const { bot } = kit;
  let user = firstUser;
  // Reminders pushed to terminal users since the last output line (INTERFACES.md `pushed`).
  let pushed: ProtocolOutput['pushed'] = [];
  bot.registerChannel({ name: 'terminal', prefix: '', push: async (chat, text) => { pushed.push({ user: chat, text }); return 'sent'; } });
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
  // One line at a time, in order: the next line is read only after this one's output is written.
  for await (const line of rl) {
    const parsed = parseProtocolLine(line, bot.flow);
    let out: ProtocolOutput;
    if (parsed.kind === 'error') {
      out = { ...emptyOutput(), replies: [{ text: parsed.message, buttons: [], citations: [] }] };
    } else {
      if (parsed.user !== undefined) user = parsed.user;
      if (parsed.now) {
        bot.clock.advanceTo(parsed.now);
        await runDue(bot);
      }
      out = parsed.input ? await turn(kit, user, parsed.input) : emptyOutput();
    }
    out.pushed = pushed;
    pushed = [];
    output.write(`${JSON.stringify(out)}\n`);
  }
}

/** One turn; a failure becomes the apology (never a crash, never a silent loss). */
async function turn(kit: ChannelKit, user: string, input: Input): Promise<ProtocolOutput> {
  const out = await kit.turn(user, input);
  return out.result ? toProtocolOutput(out.result) : { ...emptyOutput(), replies: out.replies };
}

function runDue(bot: Bot): Promise<unknown> {
  return bot.runDue().catch((err: unknown) => console.error(`chat: reminders: ${(err as Error).message}`));
}

/** A person at a terminal: replies printed with numbered buttons. */
export function runInteractive(kit: ChannelKit, user: string): void {
  const { bot } = kit;
  const t = bot.flow.texts;
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: t.terminalPrompt });
  let buttons: Button[] = [];
  // Reminders to terminal users (all of them live on this terminal), checked every 30 s.
  bot.registerChannel({
    name: 'terminal',
    prefix: '',
    push: async (chat, text) => {
      console.log(`\n${say(bot.flow, 'terminalReminder', { user: chat === user ? '' : ` ${chat}` })}${text}\n`);
      return 'sent';
    },
  });
  const timer = setInterval(() => void runDue(bot), 30_000);
  timer.unref();
  const send = async (input: Input) => {
    const { replies } = await kit.turn(user, input);
    for (const reply of replies) {
      console.log(`\n${t.terminalBot}${reply.text}`);
      reply.buttons.forEach((b, i) => console.log(`  [${i + 1}] ${b.label}`));
      if (reply.buttons.length) buttons = reply.buttons;
    }
    console.log('');
  };
  void (async () => {
    await send({ kind: 'action', action: formatAction({ kind: 'start' }) });
    rl.prompt();
    for await (const line of rl) {
      const n = Number(line.trim());
      const pressed = line.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= buttons.length ? buttons[n - 1] : undefined;
      await send(pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: line });
      rl.prompt();
    }
    console.log(`\n${t.terminalBye}`);
    clearInterval(timer);
    await bot.close();
  })();
}

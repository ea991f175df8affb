/**
 * The terminal channel: the scriptable JSONL protocol of INTERFACES.md and the interactive
 * chat (buttons as numbered lines; typing the number presses the button).
 */
import { createInterface } from 'node:readline';
import type { Bot } from '../src/bot.ts';
import type { Button, StepResult } from '../src/dialogue/types.ts';
import { parseProtocolLine, type ProtocolOutput } from './jsonl-protocol.ts';

/** One JSON line out for every line in, in order; nothing else on stdout. */
export function runJsonl(bot: Bot, firstUser: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<void> {
  let user = firstUser;
  const rl = createInterface({ input, crlfDelay: Infinity, terminal: false });
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
    output.write(`${JSON.stringify(out)}\n`);
  });
  return new Promise((resolve) => rl.on('close', resolve));
}

function toOutput(r: StepResult): ProtocolOutput {
  return { replies: r.replies, ask: r.ask, fallback: r.fallback, assessment: r.assessment, pushed: [] };
}

function emptyOutput(): ProtocolOutput {
  return { replies: [], ask: null, fallback: false, assessment: null, pushed: [] };
}

/** A person at a terminal: replies printed with numbered buttons. */
export function runInteractive(bot: Bot, user: string): void {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: '你> ' });
  let buttons: Button[] = [];
  const show = (r: StepResult): void => {
    for (const reply of r.replies) {
      console.log(`\n助手> ${reply.text}`);
      reply.buttons.forEach((b, i) => console.log(`  [${i + 1}] ${b.label}`));
      if (reply.buttons.length) buttons = reply.buttons;
    }
    console.log('');
  };
  show(bot.handle(user, { kind: 'text', text: '你好' }));
  rl.prompt();
  rl.on('line', (line) => {
    const n = Number(line.trim());
    const pressed = line.trim() !== '' && Number.isInteger(n) && n >= 1 && n <= buttons.length ? buttons[n - 1] : undefined;
    show(bot.handle(user, pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: line }));
    rl.prompt();
  });
  rl.on('close', () => console.log('\n再见！'));
}

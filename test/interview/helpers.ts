/** Drives the dialogue engine in memory for interview tests: step by step, session carried over. */
import { step, newSession, type Env } from '../../src/dialogue/step.ts';
import type { Input, Session, StepResult } from '../../src/dialogue/types.ts';
import type { Bot } from '../../src/bot.ts';

export const AUG = '2023-08-01T09:00:00+08:00';

export function envOf(bot: Bot, iso = AUG): Env {
  return { now: new Date(iso), timeZone: 'Asia/Shanghai', knowledge: bot.knowledge, flow: bot.flow, interview: bot.interview, hr: bot.hr, index: bot.index };
}

/** A conversation: `send` steps the engine and keeps the session, like a channel would. */
export function conversation(bot: Bot, iso = AUG) {
  let session: Session = { ...newSession(envOf(bot, iso)), greeted: true };
  const env = envOf(bot, iso);
  const results: StepResult[] = [];
  const send = (input: Input | string): StepResult => {
    const r = step(JSON.parse(JSON.stringify(session)) as Session, typeof input === 'string' ? { kind: 'text', text: input } : input, env);
    session = r.session;
    results.push(r);
    return r;
  };
  return {
    send,
    action: (action: string) => send({ kind: 'action', action }),
    value: (value: unknown) => send({ kind: 'value', value }),
    get session() { return session; },
    results,
  };
}

export const text = (r: StepResult): string => r.replies.map((x) => x.text).join('\n');

/**
 * The test kit: one bot per test file, the step's environment at a fixed clock, and a
 * conversation driver that steps the engine in memory like a channel would (the session
 * round-trips through JSON between turns). Interview tests answer by field, not by position:
 * `answerFields` answers whatever the check asks from a map of RULES.md fields, so a reordered
 * or added question does not silently shift the answers.
 */
import pino from 'pino';
import { expect } from 'vitest';
import { createBot, type Bot, type BotOptions } from '../src/bot/index.ts';
import type { Env } from '../src/dialogue/env.ts';
import { newSession, step } from '../src/dialogue/step.ts';
import type { Input, Session, StepResult } from '../src/dialogue/types.ts';
import { createKit, type ChannelKit } from '../adapters/shared/kit.ts';

/**
 * The edition whose own facts (numbers, dates, texts of knowledge/2023/) the single-edition tests
 * assert: they name it (loadKnowledge(root, EDITION_2023), testBot({ edition: EDITION_2023 })) rather
 * than take the edition in force now, so that they keep testing 2023 once a later edition is in
 * knowledge/. A test of edition-neutral behaviour derives its expectations from the edition it loads.
 */
export const EDITION_2023 = '2023';

/** In the 2023 season: 38 days before the personal deadline. */
export const AUG = '2023-08-01T09:00:00+08:00';

/** A bot on the memory store (jieba loads once per test worker whatever the number of bots). */
export function testBot(options: BotOptions = {}): Promise<Bot> {
  return createBot({ storeUrl: 'memory://', ...options });
}

/** The step's environment of `bot` with the clock at `iso` (the edition in force then). */
export function envAt(bot: Bot, iso = AUG): Env {
  return bot.env(new Date(iso));
}

/** A session that has seen the welcome. */
export function greeted(bot: Bot): Session {
  return { ...newSession(bot.env()), greeted: true };
}

export const quietLog = () => pino({ level: 'silent' });

/** The channel kit of a bot, with a silent log unless one is given. */
export function kitOf(bot: Bot, log = quietLog()): ChannelKit {
  return createKit(bot, log);
}

export type Conversation = ReturnType<typeof conversation>;

/** A conversation: `send` steps the engine and keeps the session, like a channel would. */
export function conversation(bot: Bot, iso = AUG) {
  let session: unknown = greeted(bot);
  const env = envAt(bot, iso);
  const results: StepResult[] = [];
  const send = (input: Input | string): StepResult => {
    const r = step(JSON.parse(JSON.stringify(session)), typeof input === 'string' ? { kind: 'text', text: input } : input, env);
    session = r.session;
    results.push(r);
    return r;
  };
  return {
    send,
    action: (action: string) => send({ kind: 'action', action }),
    value: (value: unknown) => send({ kind: 'value', value }),
    get session() { return session as Session; },
    get last() { return results.at(-1); },
    results,
  };
}

/**
 * Answers every question the check asks with the value of its field in `answers` (by RULES.md
 * field path), until it asks nothing more; a question whose field is not in the map fails the test.
 * A field mapped to `undefined` stops there, with that question pending. Returns the last result
 * (the review, the verdict after a change, or the pending question).
 */
export function answerFields(c: Conversation, answers: Readonly<Record<string, unknown>>): StepResult {
  let r = c.last!;
  for (let guard = 0; r.ask; guard++) {
    expect(guard, 'the check keeps asking').toBeLessThan(40);
    const field = r.ask.field;
    expect(Object.hasOwn(answers, field), `asked ${field}, which the test did not expect: ${text(r)}`).toBe(true);
    if (answers[field] === undefined) return r;
    r = c.value(answers[field]);
  }
  return r;
}

/** The fields asked so far in a conversation, in order. */
export function fieldsAsked(c: Conversation): string[] {
  return c.results.filter((r) => r.ask).map((r) => r.ask!.field);
}

/** All the reply texts of a result, joined. */
export const text = (r: StepResult): string => r.replies.map((x) => x.text).join('\n');

/** The scriptable chat protocol of INTERFACES.md: reading one input line, the output object of a turn. */
import { z } from 'zod';
import type { Ask, Input, Reply } from '../../src/core/types.ts';
import { say, type ChatFlow } from '../../src/dialogue/flow.ts';
import type { StepResult } from '../../src/dialogue/types.ts';

export interface ProtocolOutput {
  replies: Reply[];
  ask: Ask | null;
  fallback: boolean;
  assessment: unknown;
  pushed: { user: string; text: string }[];
}

/** The output object of one turn (the JSONL line, and the web API's answer). */
export function toProtocolOutput(r: StepResult): ProtocolOutput {
  return { replies: r.replies, ask: r.ask, fallback: r.fallback, assessment: r.assessment, pushed: [] };
}

export function emptyOutput(): ProtocolOutput {
  return { replies: [], ask: null, fallback: false, assessment: null, pushed: [] };
}

export type ProtocolLine =
  | { kind: 'ok'; input?: Input; user?: string; now?: Date }
  | { kind: 'error'; message: string };

const lineSchema = z.strictObject({
  text: z.string().optional(),
  action: z.string().min(1).optional(),
  value: z.unknown().optional(),
  user: z.string().min(1).max(200).optional(),
  now: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 instant').optional(),
});

/** Parses one line: plain text, or a JSON object (a line starting with "{"). */
export function parseProtocolLine(line: string, flow: ChatFlow): ProtocolLine {
  const form = flow.texts.protocolForm;
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { kind: 'ok', input: { kind: 'text', text: line } };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return { kind: 'error', message: say(flow, 'protocolBadJson', { form }) };
  }
  const parsed = lineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const message = issue.code === 'unrecognized_keys'
      ? say(flow, 'protocolUnknownField', { fields: issue.keys.join('、'), form })
      : say(flow, 'protocolBadField', { field: issue.path.join('.') || flow.texts.protocolWholeLine, form });
    return { kind: 'error', message };
  }
  const { text, action, value, user, now } = parsed.data;
  const given = [text !== undefined, action !== undefined, 'value' in parsed.data].filter(Boolean).length;
  if (given > 1) return { kind: 'error', message: say(flow, 'protocolOneInput', { form }) };
  const input: Input | undefined =
    text !== undefined ? { kind: 'text', text }
      : action !== undefined ? { kind: 'action', action }
        : 'value' in parsed.data ? { kind: 'value', value }
          : undefined;
  return { kind: 'ok', input, user, now: now ? new Date(now) : undefined };
}

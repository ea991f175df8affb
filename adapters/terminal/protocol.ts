/** The scriptable chat protocol of INTERFACES.md: reading one input line, the output object of a turn. */
import { z } from 'zod';
import type { Ask, Input, Reply } from '../../src/core/types.ts';
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

const FORM = '每行是一句话，或一个 JSON 对象：{"text": "…"}、{"action": "…"}、{"value": …}，可加 "user"；{"now": "2023-08-01T09:00:00+08:00"} 拨动时钟。';

const lineSchema = z.strictObject({
  text: z.string().optional(),
  action: z.string().min(1).optional(),
  value: z.unknown().optional(),
  user: z.string().min(1).max(200).optional(),
  now: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO-8601 instant').optional(),
});

/** Parses one line: plain text, or a JSON object (a line starting with "{"). */
export function parseProtocolLine(line: string): ProtocolLine {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return { kind: 'ok', input: { kind: 'text', text: line } };
  let data: unknown;
  try {
    data = JSON.parse(trimmed);
  } catch {
    return { kind: 'error', message: `这一行以 { 开头，但不是有效的 JSON。${FORM}` };
  }
  const parsed = lineSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const what = issue.code === 'unrecognized_keys' ? `不认识的字段 ${issue.keys.join('、')}` : `字段 ${issue.path.join('.') || '(整行)'} 有误`;
    return { kind: 'error', message: `${what}。${FORM}` };
  }
  const { text, action, value, user, now } = parsed.data;
  const given = [text !== undefined, action !== undefined, 'value' in parsed.data].filter(Boolean).length;
  if (given > 1) return { kind: 'error', message: `text、action、value 每行只能有一个。${FORM}` };
  const input: Input | undefined =
    text !== undefined ? { kind: 'text', text }
      : action !== undefined ? { kind: 'action', action }
        : 'value' in parsed.data ? { kind: 'value', value }
          : undefined;
  return { kind: 'ok', input, user, now: now ? new Date(now) : undefined };
}

/**
 * A person's conversation state. It round-trips through JSON and carries the version of the flows
 * it was written under (a hash of their content). `restoreSession` reads whatever the store gave
 * back: a session of this version as it is; one of another version, or of the first release's
 * shape, migrated by field (answers kept, the check resumes at the first question still
 * unanswered); anything unreadable as a new session. It never throws.
 */
import { z } from 'zod';
import type { InterviewMode, InterviewState } from '../interview/engine.ts';
import { nextStep } from '../interview/engine.ts';
import type { InterviewFlow } from '../interview/flow.ts';
import type { SubscriptionRole } from '../reminders/schedule.ts';
import { emptyContext, type Context } from './context.ts';
import type { Env } from './env.ts';

/**
 * What the next message is read against: nothing in particular, the pending question of the
 * eligibility check, its review, or the confirmation of 删除我的数据 (which returns to `then`).
 */
export type Mode =
  | { kind: 'idle' }
  | InterviewMode
  | { kind: 'confirming-forget'; then: Exclude<Mode, { kind: 'confirming-forget' }> };

export interface Subscription {
  role: SubscriptionRole;
  /** ISO instant of the subscription. */
  since: string;
  /** The edition subscribed to: a subscription to another edition's season is over. */
  edition: string;
}

export interface Session {
  /** The flows' version this session was written under. */
  version: string;
  /** Whether the welcome has been shown. */
  greeted: boolean;
  mode: Mode;
  /** The eligibility check's answers and verdict, while it runs and after (to change an answer). */
  interview: InterviewState | null;
  /** The deadline reminders subscribed to (the store holds the runner's copy). */
  subscription: Subscription | null;
  /** What the conversation remembers: the facts told, the last topic. */
  context: Context;
  /** The latest answers that 👍/👎 can still be given on, and the one a comment is awaited for after 👎. */
  feedback: FeedbackState;
}

/** An answer that can be rated: its message's id, the entry it came from, the vote given. */
export interface RatedAnswer { qid: string; entry: string | null; vote?: 'up' | 'down' }
export interface FeedbackState { recent: RatedAnswer[]; awaiting: string | null }

export function emptyFeedback(): FeedbackState {
  return { recent: [], awaiting: null };
}

/** The version a session must carry to be used as it is: a hash of every flow file. */
export function flowsVersion(env: Pick<Env, 'flow' | 'interview' | 'hr'>): string {
  return `${env.flow.version}.${env.interview.version}.${env.hr.version}`;
}

export function newSession(env: Pick<Env, 'flow' | 'interview' | 'hr'>): Session {
  return { version: flowsVersion(env), greeted: false, mode: { kind: 'idle' }, interview: null, subscription: null, context: emptyContext(), feedback: emptyFeedback() };
}

/** The subscription if it is to the season being served; null when there is none or its season is over. */
export function activeSubscription(session: Session, env: Pick<Env, 'knowledge'>): Subscription | null {
  const sub = session.subscription;
  return sub && sub.edition === env.knowledge.edition ? sub : null;
}

// ── reading a stored session ──

const answersSchema = z.record(z.string(), z.unknown());
const verdictSchema = z.object({ eligible: z.boolean(), routes: z.array(z.string()), blockers: z.array(z.string()), checklist: z.array(z.string()) });
const interviewSchema = z.object({
  answers: answersSchema,
  history: z.array(z.string()),
  skipped: z.array(z.string()),
  lastVerdict: verdictSchema.nullable(),
});
const baseMode = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('idle') }),
  z.object({ kind: z.literal('asking'), step: z.string(), editing: z.enum(['review', 'verdict']).nullable() }),
  z.object({ kind: z.literal('reviewing') }),
]);
const modeSchema = z.union([baseMode, z.object({ kind: z.literal('confirming-forget'), then: baseMode })]);
const subscriptionSchema = z.object({ role: z.enum(['applicant', 'hr', 'next-edition']), since: z.string(), edition: z.string() });
const contextSchema = z.object({
  facts: z.record(z.string(), z.unknown()),
  topic: z.object({ query: z.string(), entry: z.string().nullable(), clauses: z.array(z.string()), focus: z.array(z.string()), facts: z.record(z.string(), z.unknown()).optional() }).nullable(),
});
const sessionSchema = z.object({
  version: z.string(),
  greeted: z.boolean(),
  mode: modeSchema,
  interview: interviewSchema.nullable(),
  subscription: subscriptionSchema.nullable(),
  // Sessions written before the conversation remembered anything have none.
  context: contextSchema.default(() => ({ facts: {}, topic: null })),
  // Sessions written before answers could be rated have none.
  feedback: z.object({
    recent: z.array(z.object({ qid: z.string(), entry: z.string().nullable(), vote: z.enum(['up', 'down']).optional() })),
    awaiting: z.string().nullable(),
  }).default(() => emptyFeedback()),
});

/** The first release's shape (flows versioned by hand, the interview's position inside it). */
const legacySchema = z.object({
  flowVersion: z.string(),
  greeted: z.boolean(),
  confirmingForget: z.boolean().optional(),
  interview: z.object({
    answers: answersSchema,
    history: z.array(z.string()),
    skipped: z.array(z.string()),
    stage: z.enum(['asking', 'review', 'verdict']),
    pending: z.string().nullable(),
    editing: z.enum(['review', 'verdict']).nullable(),
    lastVerdict: verdictSchema.nullable(),
  }).nullable(),
  subscription: z.object({ role: z.enum(['applicant', 'hr', 'next-edition']), since: z.string() }).nullable().optional(),
});

/** The session to use for a stored value (undefined: a new person). */
export function restoreSession(stored: unknown, env: Env): Session {
  if (stored === undefined || stored === null) return newSession(env);
  const current = sessionSchema.safeParse(stored);
  if (current.success) {
    const s = current.data as Session;
    return s.version === flowsVersion(env) ? s : migrate(s, env);
  }
  const legacy = legacySchema.safeParse(stored);
  if (legacy.success) return migrate(fromLegacy(legacy.data, env), env);
  return newSession(env);
}

function fromLegacy(old: z.infer<typeof legacySchema>, env: Env): Session {
  const i = old.interview;
  const mode: Mode = i?.stage === 'asking' && i.pending ? { kind: 'asking', step: i.pending, editing: i.editing }
    : i?.stage === 'review' ? { kind: 'reviewing' }
      : { kind: 'idle' };
  return {
    version: old.flowVersion,
    greeted: old.greeted,
    mode,
    interview: i ? { answers: i.answers, history: i.history, skipped: i.skipped, lastVerdict: i.lastVerdict } : null,
    subscription: old.subscription ? { ...old.subscription, edition: env.knowledge.edition } : null,
    context: emptyContext(),
    feedback: emptyFeedback(),
  };
}

/**
 * A session written under other flows, made valid for these: answers kept for every field some
 * step still asks; the history and skips kept for steps that still exist; a question pending on a
 * step that no longer exists (or is answered) becomes the first question still unanswered.
 */
function migrate(old: Session, env: Env): Session {
  const flow = env.interview;
  const interview = old.interview ? migrateInterview(old.interview, flow) : null;
  const migrateMode = (m: Exclude<Mode, { kind: 'confirming-forget' }>): Exclude<Mode, { kind: 'confirming-forget' }> => {
    if (!interview) return { kind: 'idle' };
    if (m.kind === 'reviewing') return m;
    if (m.kind !== 'asking') return m;
    const step = flow.stepById.get(m.step);
    if (step && !(step.field in interview.answers)) return m;
    const next = nextStep(interview, { flow, knowledge: env.knowledge, now: env.now, timeZone: env.timeZone });
    return next ? { kind: 'asking', step: next.id, editing: m.editing } : { kind: 'reviewing' };
  };
  const mode: Mode = old.mode.kind === 'confirming-forget' ? { kind: 'idle' } : migrateMode(old.mode);
  return { ...old, version: flowsVersion(env), mode, interview };
}

function migrateInterview(old: InterviewState, flow: InterviewFlow): InterviewState {
  const fields = new Set(flow.steps.map((s) => s.field));
  const kept = (field: string) => fields.has(field) || (field === 'honour' && [...fields].some((f) => f.startsWith('honour.')));
  const answers = Object.fromEntries(Object.entries(old.answers).filter(([field]) => kept(field)));
  const exists = (id: string) => flow.stepById.has(id);
  const history = old.history.filter(exists);
  // Answers whose step was renamed: their field's first step joins the history, so the review shows them.
  for (const field of Object.keys(answers)) {
    const step = flow.steps.find((s) => s.field === field);
    if (step && !history.some((id) => flow.stepById.get(id)!.field === field)) history.push(step.id);
  }
  return { answers, history, skipped: old.skipped.filter(exists), lastVerdict: old.lastVerdict };
}

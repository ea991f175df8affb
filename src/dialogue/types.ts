/** The dialogue engine's vocabulary: what comes in, what goes out. Channel-neutral. */
import type { InterviewState } from '../interview/engine.ts';
import type { Assessment } from '../rules/index.ts';
import type { PhotoFacts } from '../photo/check.ts';
import type { SubscriptionRole } from '../reminders/schedule.ts';

/** What a person did: typed text, pressed a button, or answered the pending question. */
export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'action'; action: string }
  | { kind: 'value'; value: unknown }
  /** A photo was sent: its facts, for the notice's photo rules. */
  | { kind: 'photo'; facts: PhotoFacts };

export interface Button { label: string; action: string }
export interface Citation { id: string; title: string }
export interface Reply { text: string; buttons: Button[]; citations: Citation[] }

/** The question the engine waits on (set by the eligibility interview; null otherwise). */
export interface Ask {
  field: string;
  kind: 'choice' | 'boolean' | 'month' | 'number' | 'hours' | 'text';
  options?: string[];
}

/** A user's conversation state; round-trips through JSON, carries the flow version it belongs to. */
export interface Session {
  /** The chat flow's and the interview flow's versions, "chat.interview". */
  flowVersion: string;
  /** Whether the welcome has been shown. */
  greeted: boolean;
  /** The eligibility interview, while one is under way or its verdict can still be changed. */
  interview: InterviewState | null;
  /** Set when "delete my data" waits for a confirmation. */
  confirmingForget: boolean;
  /** The deadline reminders this user subscribed to (the store holds the runner's copy). */
  subscription?: { role: SubscriptionRole; since: string } | null;
}

/** What the caller must do besides sending replies. */
export type Effect =
  | { kind: 'forget' }
  /** Subscribe to deadline reminders from `since` (ISO instant) on; replaces an earlier subscription. */
  | { kind: 'subscribe'; role: SubscriptionRole; since: string }
  | { kind: 'unsubscribe' };

/** What one step produced; the caller sends the replies and carries out the effects. */
export interface StepResult {
  session: Session;
  replies: Reply[];
  ask: Ask | null;
  /** True when a question was asked and the notice did not answer it. */
  fallback: boolean;
  /** Set on the turn the interview reaches its verdict. */
  assessment: Assessment | null;
  effects: Effect[];
}

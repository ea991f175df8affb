/** The dialogue engine's vocabulary: what comes in, what goes out. Channel-neutral. */

/** What a person did: typed text, pressed a button, or answered the pending question. */
export type Input =
  | { kind: 'text'; text: string }
  | { kind: 'action'; action: string }
  | { kind: 'value'; value: unknown };

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
  flowVersion: number;
  /** Whether the welcome has been shown. */
  greeted: boolean;
}

/** What one step produced; the caller sends the replies. */
export interface StepResult {
  session: Session;
  replies: Reply[];
  ask: Ask | null;
  /** True when a question was asked and the notice did not answer it. */
  fallback: boolean;
  assessment: null;
}

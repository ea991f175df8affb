/** What one dialogue step produces: the new session, the replies, and every effect as data. */
import type { Ask, Reply } from '../core/types.ts';
import type { SubscriptionRole } from '../reminders/schedule.ts';
import type { Assessment } from '../rules/index.ts';
import type { Session } from './session.ts';

export type { Ask, Button, Citation, Input, Reply } from '../core/types.ts';
export type { Mode, Session } from './session.ts';

/** What the caller must do besides sending the replies and saving the session. */
export type Effect =
  /** Delete everything stored about this person (删除我的数据). */
  | { kind: 'forget' }
  /** Subscribe to deadline reminders from `since` (ISO instant) on; replaces an earlier subscription. */
  | { kind: 'subscribe'; role: SubscriptionRole; since: string }
  | { kind: 'unsubscribe' }
  /** Keep the verdict's checklist, for the personal deadline reminders. */
  | { kind: 'remember-checklist'; items: string[] }
  /**
   * A question was asked: for the office's log of what the bot could (not) answer. `qid` names the
   * message (set by the step; every question of one message shares it), for its 👍/👎.
   */
  | { kind: 'log-question'; qid?: string; question: string; focus: string[]; answered: boolean; entry: string | null; score: number }
  /** The eligibility check began, or reached a verdict (eligible, or the blocker codes). */
  | { kind: 'log-check'; event: 'started' }
  | { kind: 'log-check'; event: 'verdict'; eligible: boolean; blockers: string[] }
  /** 👍/👎 on an answer (`qid`), with the entry it was answered from, and a comment when one was given. */
  | { kind: 'feedback'; qid: string; entry: string | null; vote: 'up' | 'down'; comment?: string };

export interface StepResult {
  session: Session;
  replies: Reply[];
  /** The question the eligibility check now waits on, if any. */
  ask: Ask | null;
  /** True when a question was asked and the notice did not answer it. */
  fallback: boolean;
  /** Set on the turn the eligibility check reaches its verdict. */
  assessment: Assessment | null;
  effects: Effect[];
}

/**
 * Every key the project stores, in one place. What belongs to a person lives under their prefix,
 * so 删除我的数据 removes it with one `deletePrefix`.
 */

/** The key prefix of everything stored about a user (deleted whole by "删除我的数据"). */
export function userPrefix(user: string): string {
  return `user:${user}:`;
}

export const keys = {
  /** The dialogue session. */
  session: (user: string) => `${userPrefix(user)}session`,
  /** The runner's copy of the user's reminder subscription. */
  subscription: (user: string) => `${userPrefix(user)}subscription`,
  /** The checklist items of the user's last verdict, for personal reminders. */
  checklist: (user: string) => `${userPrefix(user)}checklist`,
  /** The claim of one reminder of one subscription (sent at most once). */
  claim: (user: string, subscription: string, reminder: string) => `${userPrefix(user)}reminder:${subscription}:${reminder}`,
  /** Messages waiting for a channel that cannot push (the web chat's outbox). */
  outbox: (user: string) => `${userPrefix(user)}outbox`,
  /** The recent conversation, for a page that is reloaded (the web chat shows it again). */
  transcript: (user: string) => `${userPrefix(user)}transcript`,
  /** The buttons last shown to the user as numbered lines (a typed number presses one). */
  numbered: (user: string) => `${userPrefix(user)}numbered`,
  /** The list of users with a subscription (the store cannot list keys). */
  subscribers: 'reminders:subscribers',
  /** A platform delivery already handled (redelivery dedupe shared by instances). */
  delivery: (channel: string, id: string) => `delivery:${channel}:${id}`,
  /** Pushes counted against a channel's monthly quota. */
  pushCount: (channel: string, month: string) => `${channel}:pushes:${month}`,
} as const;

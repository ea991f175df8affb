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
  /** The days the office's log holds a record of this user on (so 删除我的数据 finds them). */
  officeUserDays: (user: string) => `${userPrefix(user)}office-days`,
  /** The salt of the office log's user hashes (generated once, shared by instances). */
  officeSalt: 'office:salt',
  /** The days the office's log has records for. */
  officeDays: 'office:log:days',
  /** One day of the office's log: its lock, its record count, its chunks. */
  officeLogDay: (day: string) => `office:log:${day}`,
  officeLogDayPrefix: (day: string) => `office:log:${day}:`,
  officeLogCount: (day: string) => `office:log:${day}:count`,
  officeLogChunk: (day: string, n: number) => `office:log:${day}:${n}`,
  /** The knowledge changes made in the office console, and their version (a counter). */
  officeChanges: 'office:kb:changes',
  officeChangesVersion: 'office:kb:version',
  /** A console login (by a hash of its cookie). */
  adminSession: (id: string) => `office:admin:session:${id}`,
  /** What a login's last change did, shown once on its next page. */
  adminFlash: (id: string) => `office:admin:flash:${id}`,
  /** The secret web chat ids are signed with (generated once, shared by instances). */
  webIdSecret: 'web:id-secret',
  /** Failed console logins of one client, for the rate limit. */
  adminFailures: (client: string) => `office:admin:failures:${client}`,
  /** A platform's access token (WeChat, WeCom), shared by instances until it expires. */
  platformToken: (channel: string, account: string) => `${channel}:token:${account}`,
  /** Pushes counted against a channel's monthly quota. */
  pushCount: (channel: string, month: string) => `${channel}:pushes:${month}`,
} as const;

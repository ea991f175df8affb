/**
 * Every key the project stores, in one place. What belongs to a person lives under their prefix,
 * so 删除我的数据 removes it with one `deletePrefix`.
 */

/**
 * The key prefix of everything stored about a user (deleted whole by "删除我的数据"). The id is
 * escaped ("%" → "%25", ":" → "%3A") so that it holds no ":": no user's prefix can then be the
 * start of another's (web user "pfx" deleting their data must not delete "pfx:other"'s).
 */
export function userPrefix(user: string): string {
  return `user:${escapeId(user)}:`;
}

/** A user id with "%" and ":" escaped. */
export function escapeId(user: string): string {
  return user.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
}

/** Version 2 escapes user ids in keys; version 1 (no marker) wrote them as they are. */
export const KEYS_VERSION = 2;

/** What follows the user id in a user's keys (the kinds of `keys` below that take a user). */
const USER_KEY_KINDS = /^(session|subscription|checklist|outbox|transcript|numbered|office-days|reminder:.+)$/;

/**
 * A version-1 user key (`user:tg:123:session`) rewritten as version 2 (`user:tg%3A123:session`), or
 * undefined when `key` is not a user key or needs no change. The id is read up to the first ":"
 * followed by one of the kinds above. Ids without ":" are left as they are (the same in both
 * layouts unless they hold a "%", which only a terminal `--user` could): so an upgrade cut short and
 * run again never escapes an id twice.
 */
export function upgradeUserKey(key: string): string | undefined {
  if (!key.startsWith('user:')) return undefined;
  const rest = key.slice('user:'.length);
  const first = rest.indexOf(':');
  if (first <= 0 || USER_KEY_KINDS.test(rest.slice(first + 1))) return undefined;
  for (let at = rest.indexOf(':', first + 1); at > 0; at = rest.indexOf(':', at + 1)) {
    const kind = rest.slice(at + 1);
    if (USER_KEY_KINDS.test(kind)) return `${userPrefix(rest.slice(0, at))}${kind}`;
  }
  return undefined;
}

/** A key as messages and logs may show it: the user id in it replaced by "…". */
export function keyForLogs(key: string): string {
  return key.replace(/(^|:)user:[^:]*:/, '$1user:…:');
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
  /** Which version of this key layout the store holds (see KEYS_VERSION). */
  keysVersion: 'store:keys-version',
  /** The health check's probe, one per instance. */
  healthProbe: (instance: string) => `store:probe:${instance}`,
  /** The secret log lines hash user ids with (generated once, shared by instances). */
  logSalt: 'log:salt',
  /** The secret web chat ids are signed with (generated once, shared by instances). */
  webIdSecret: 'web:id-secret',
  /** Failed console logins of one client, for the rate limit. */
  adminFailures: (client: string) => `office:admin:failures:${client}`,
  /** A platform's access token (WeChat, WeCom), shared by instances until it expires. */
  platformToken: (channel: string, account: string) => `${channel}:token:${account}`,
  /** Pushes counted against a channel's monthly quota. */
  pushCount: (channel: string, month: string) => `${channel}:pushes:${month}`,
} as const;

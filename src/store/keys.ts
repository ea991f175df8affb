/** Key names shared by the bot and the reminder runner. */

/** The key prefix of everything stored about a user (deleted whole by "删除我的数据"). */
export function userPrefix(user: string): string {
  return `user:${user}:`;
}

/**
 * The channel contract. A channel translates: a platform update → an engine input (parse),
 * replies → the platform's messages (render), and sends them; it pushes reminders and reports
 * `sent`, `not-allowed` or `retry`. Every channel is a spec in adapters/registry.ts, which the
 * HTTP service, the reminder runner (through the bot) and `npm start` read.
 */
import type { Push } from '../../src/bot/index.ts';
import type { Config } from '../../src/config.ts';
import type { HttpRoute } from './http.ts';
import type { ChannelKit } from './kit.ts';

export interface Channel {
  /** "telegram", "line", "web", … */
  name: string;
  /** The prefix of this channel's engine user ids ("tg" for tg:123). */
  prefix: string;
  /** The HTTP routes it serves (webhooks, the web chat's API). */
  routes: HttpRoute[];
  /** Pushes a reminder to one of its chats. */
  push?: Push;
  /** Starts receiving (long polling) and registers commands; resolves once running. */
  start?(): Promise<void>;
  /** Stops taking updates and waits for those in flight. */
  stop?(): Promise<void>;
}

export interface ChannelSpec {
  name: string;
  /** Whether the configuration turns it on. */
  enabled(config: Config): boolean;
  /** The start-up line: how it runs when on, how to turn it on when off (English, for the logs). */
  describe(config: Config): string;
  create(kit: ChannelKit, config: Config): Channel;
}

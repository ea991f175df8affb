/**
 * Every channel of the service, in one list: `npm start` creates those the configuration turns
 * on, the HTTP service mounts their routes, and each registers its pusher with the bot (the
 * reminder runner reaches users through it). Adding a channel = a folder with its spec, and a line here.
 */
import type { Bot } from '../src/bot/index.ts';
import type { Config } from '../src/config.ts';
import { lineSpec } from './line/index.ts';
import type { Channel, ChannelSpec } from './shared/contract.ts';
import type { ChannelKit } from './shared/kit.ts';
import { telegramSpec } from './telegram/index.ts';
import { webSpec } from './web/index.ts';
import { wechatSpec } from './wechat/index.ts';
import { wecomSpec } from './wecom/index.ts';

export const CHANNELS: readonly ChannelSpec[] = [webSpec, telegramSpec, lineSpec, wechatSpec, wecomSpec];

/** The channels the configuration turns on, created and registered with the bot for pushes. */
export function createChannels(kit: ChannelKit, config: Config, specs: readonly ChannelSpec[] = CHANNELS): Channel[] {
  return specs.filter((s) => s.enabled(config)).map((s) => register(kit.bot, s.create(kit, config)));
}

/** Registers a created channel's pusher with the bot; returns the channel. */
export function register(bot: Bot, channel: Channel): Channel {
  if (channel.push) bot.registerChannel({ name: channel.name, prefix: channel.prefix, push: channel.push });
  return channel;
}

/**
 * A WeChat or WeCom message as the engine's input (the two send the same XML fields): text (a
 * typed number presses a numbered button; a msgmenu click carries the button's action), voice by
 * the platform's recognition, an image fetched by MediaId, events (subscribe → the welcome, a menu
 * CLICK → its command). A reply of the channel's own for what it cannot read; null for events with
 * nothing to answer (unsubscribe, a link opened, entering the app).
 */
import type { Logger } from 'pino';
import { commandAction, formatAction, parseAction } from '../../src/core/actions.ts';
import type { Input, Reply } from '../../src/core/types.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { errInfo, type WxApi } from './api.ts';

/** Photos over this are not read (the notice wants under 1M anyway). */
export const MAX_IMAGE_MB = 5;

export async function toInput(f: Record<string, string>, user: string, ctx: { kit: ChannelKit; api: WxApi; log: Logger }): Promise<Input | Reply | null> {
  const { kit, api, log } = ctx;
  switch (f.MsgType) {
    case 'text': {
      if (f.bizmsgmenuid && parseAction(f.bizmsgmenuid)) return { kind: 'action', action: f.bizmsgmenuid };
      const pressed = await kit.pressedNumber(user, f.Content ?? '');
      return pressed ? { kind: 'action', action: pressed.action } : { kind: 'text', text: f.Content ?? '' };
    }
    case 'voice': return f.Recognition ? { kind: 'text', text: f.Recognition } : kit.say('channelUnsupported', {});
    case 'image': {
      if (!f.MediaId) return kit.say('channelImageFailed', {});
      try {
        const data = await api.download(`/cgi-bin/media/get?media_id=${encodeURIComponent(f.MediaId)}`, MAX_IMAGE_MB * 1024 * 1024);
        return data ? { kind: 'photo', data: new Uint8Array(data) } : kit.say('channelTooBig', { maxMB: MAX_IMAGE_MB , photoMaxMB: kit.bot.knowledge.params.photo.value.maxMB });
      } catch (err) {
        log.warn({ user: kit.logId(user), err: errInfo(err) }, 'image not fetched');
        return kit.say('channelImageFailed', {});
      }
    }
    case 'event': {
      const event = (f.Event ?? '').toLowerCase();
      if (event === 'subscribe') return { kind: 'action', action: formatAction({ kind: 'start' }) };
      if (event === 'click') {
        const key = f.EventKey ?? '';
        const action = commandAction(key) ?? parseAction(key);
        return action ? { kind: 'action', action: formatAction(action) } : null;
      }
      return null;
    }
    default: return kit.say('channelUnsupported', {});
  }
}

/**
 * The Telegram channel (grammY): updates become engine inputs, replies become plain-text messages
 * with inline keyboards. Webhook mode when a secret is set (POST /webhooks/telegram, served by the
 * HTTP service through `handle`), long polling with @grammyjs/runner otherwise.
 * The engine user of a chat is `tg:<chat.id>`.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { BotError, Bot as GrammyBot, GrammyError, HttpError, type Context } from 'grammy';
import type { BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update, UserFromGetMe } from 'grammy/types';
import type { Bot, Upload } from '../src/bot.ts';
import type { Button, Input, Reply } from '../src/dialogue/types.ts';
import { json, logId, splitText, type Channel, type Logger, type RawRequest, type RawResponse } from './channel.ts';

export interface TelegramOptions {
  token: string;
  /** Bot API origin; default https://api.telegram.org (tests point it at a fake server). */
  apiRoot?: string;
  /** Set = webhook mode, checked against X-Telegram-Bot-Api-Secret-Token; unset = long polling. */
  webhookSecret?: string;
  log: Logger;
  /** The bot's own getMe answer; a fixed default when not given, so no getMe call is made. */
  botInfo?: UserFromGetMe;
}

export const TELEGRAM_ROUTE = '/webhooks/telegram';
/** Telegram's limit on a message's text (UTF-16 code units after entity parsing). */
export const MAX_MESSAGE = 4096;
/** Telegram's limit on callback_data, in bytes. */
export const MAX_CALLBACK_DATA = 64;
/** A file larger than this is not downloaded (the Bot API's own getFile limit is 20 MB). */
const MAX_DOWNLOAD = 20 * 1024 * 1024;
/** Update ids remembered to recognise a webhook redelivery. */
const SEEN_UPDATES = 5000;
/** A webhook request is answered after this long even if the turn is still running (it goes on). */
const WEBHOOK_ANSWER_MS = 8000;

/** The menu of commands (setMyCommands) and what each means to the engine. */
export const COMMANDS: readonly (BotCommand & { input: Input })[] = [
  { command: 'start', description: '开始', input: { kind: 'text', text: '你好' } },
  { command: 'menu', description: '菜单', input: { kind: 'text', text: '菜单' } },
  { command: 'check', description: '检查我能否申报', input: { kind: 'action', action: 'interview:start' } },
  { command: 'faq', description: '常见问题', input: { kind: 'action', action: 'faq-topics' } },
  { command: 'deadlines', description: '截止时间', input: { kind: 'action', action: 'deadlines' } },
  { command: 'subscribe', description: '订阅截止提醒', input: { kind: 'action', action: 'remind' } },
  { command: 'reminders', description: '我的提醒', input: { kind: 'action', action: 'remind:list' } },
  { command: 'unsubscribe', description: '退订提醒', input: { kind: 'action', action: 'remind:cancel' } },
  { command: 'forget', description: '删除我的数据', input: { kind: 'text', text: '删除我的数据' } },
];

const TEXTS = {
  unsupported: '我目前能看懂文字消息和照片（可以帮你检查证件照是否符合要求）。请直接输入你的问题，或发送 /menu 打开菜单。',
  notImage: '这个文件不是图片。如果想检查证件照，请直接发送照片或 JPG 图片文件；其他问题请直接输入文字。',
  tooBig: '这个文件太大了，我没法读取。证件照要求小于1M，请压缩后再发。',
  sorry: '抱歉，刚才出了点问题，你的消息没有处理成功。请稍后再试，或发送 /menu 重新开始。',
  /** Telegram rejects an empty message; a reply that is only buttons gets this text. */
  choose: '请选择：',
} as const;

const DEFAULT_BOT_INFO: UserFromGetMe = {
  id: 1,
  is_bot: true,
  first_name: '职称申报助手',
  username: 'zhicheng_assistant_bot',
  can_join_groups: false,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/**
 * Button actions that do not fit in callback_data, kept in memory under short ids ("k:<n>").
 * Bounded: the oldest are forgotten first; a forgotten id reads as a stale button.
 */
export class CallbackKeys {
  private byId = new Map<string, string>();
  private byAction = new Map<string, string>();
  private next = 0;
  constructor(private readonly limit = 10_000) {}

  /** What goes into callback_data for this action. */
  encode(action: string): string {
    if (!action.startsWith('k:') && Buffer.byteLength(action, 'utf8') <= MAX_CALLBACK_DATA) return action;
    const known = this.byAction.get(action);
    if (known) return known;
    const id = `k:${(this.next++).toString(36)}`;
    this.byId.set(id, action);
    this.byAction.set(action, id);
    if (this.byId.size > this.limit) {
      const [oldId, oldAction] = this.byId.entries().next().value as [string, string];
      this.byId.delete(oldId);
      this.byAction.delete(oldAction);
    }
    return id;
  }

  /** The action a pressed button stands for; undefined for an id no longer (or never) known. */
  decode(data: string): string | undefined {
    return data.startsWith('k:') ? this.byId.get(data) : data;
  }
}

/** One Telegram message to send: plain text (no parse_mode), the keyboard only on a reply's last piece. */
export interface OutgoingMessage {
  text: string;
  reply_markup?: InlineKeyboardMarkup;
}

/** Renders one engine reply as Telegram messages: split to the size limit, buttons on the last piece. */
export function renderReply(reply: Reply, keys: CallbackKeys): OutgoingMessage[] {
  const keyboard = reply.buttons.length ? inlineKeyboard(reply.buttons, keys) : undefined;
  const text = reply.text.trim() === '' ? (keyboard ? TEXTS.choose : '') : reply.text;
  if (!text) return [];
  const pieces = splitText(text, MAX_MESSAGE).flatMap((p) => (p.length > MAX_MESSAGE ? splitText(p, MAX_MESSAGE / 2) : [p]));
  return pieces.map((piece, i) => (keyboard && i === pieces.length - 1 ? { text: piece, reply_markup: keyboard } : { text: piece }));
}

/** Buttons in rows: short labels share a row (up to 3), long ones get their own. */
export function inlineKeyboard(buttons: Button[], keys: CallbackKeys): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  let row: InlineKeyboardButton[] = [];
  let width = 0;
  for (const b of buttons) {
    const w = [...b.label].length;
    if (row.length && (row.length === 3 || width + w > 14)) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push({ text: b.label, callback_data: keys.encode(b.action) });
    width += w;
  }
  if (row.length) rows.push(row);
  return { inline_keyboard: rows };
}

/** Creates the Telegram channel for `bot`. */
export function createTelegram(bot: Bot, opts: TelegramOptions): Channel {
  const apiRoot = (opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const log = opts.log.child({ channel: 'telegram' });
  const tg = new GrammyBot(opts.token, { botInfo: opts.botInfo ?? DEFAULT_BOT_INFO, client: { apiRoot, timeoutSeconds: 60 } });
  // 429 (retry_after) and 5xx are retried a few times; network errors are not retried here
  // (auto-retry would retry those forever, whatever maxRetryAttempts says).
  tg.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60, rethrowHttpErrors: true }));
  // The runner runs silent (it would console.error whole error objects); failed getUpdates are logged here.
  tg.api.config.use(async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (method === 'getUpdates' && !res.ok) log.warn({ code: res.error_code, description: res.description }, 'getUpdates failed');
      return res;
    } catch (err) {
      if (method === 'getUpdates' && !signal?.aborted) log.warn({ err: errorInfo(err) }, 'getUpdates failed');
      throw err;
    }
  });
  const keys = new CallbackKeys();
  const inflight = new Set<Promise<unknown>>();
  const seen = new SeenIds(SEEN_UPDATES);
  let runner: RunnerHandle | undefined;
  let stopping = false;

  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    const done = () => inflight.delete(p);
    p.then(done, done);
    return p;
  };

  async function send(chatId: number, replies: Reply[]): Promise<void> {
    for (const reply of replies) {
      for (const m of renderReply(reply, keys)) {
        await tg.api.sendMessage(chatId, m.text, m.reply_markup ? { reply_markup: m.reply_markup } : {});
      }
    }
  }

  // Reminders: a plain message to the chat of the subscription (tg:<chat id>).
  bot.registerSender('telegram', async (chat, text) => {
    for (const m of renderReply({ text, buttons: [], citations: [] }, keys)) await tg.api.sendMessage(Number(chat), m.text);
  });

  /** One turn of one chat, never throwing: a failure is logged and the person gets an apology. */
  async function turn(chatId: number, what: string, input: () => Promise<Input | Upload | string>): Promise<void> {
    const user = `tg:${chatId}`;
    const started = Date.now();
    try {
      const got = await input();
      if (typeof got === 'string') {
        await send(chatId, [{ text: got, buttons: [], citations: [] }]);
      } else {
        const result = await bot.handle(user, got);
        await send(chatId, result.replies);
      }
      log.debug({ user: logId(user), kind: what, ms: Date.now() - started }, 'turn');
    } catch (err) {
      log.error({ user: logId(user), kind: what, err: errorInfo(err) }, 'turn failed');
      await tg.api.sendMessage(chatId, TEXTS.sorry).catch((e: unknown) => log.warn({ user: logId(user), err: errorInfo(e) }, 'apology not sent'));
    }
  }

  async function download(fileId: string, size: number | undefined): Promise<Upload | string> {
    if (size !== undefined && size > MAX_DOWNLOAD) return TEXTS.tooBig;
    const file = await tg.api.getFile(fileId);
    if (!file.file_path) throw new Error('getFile returned no file_path');
    if (file.file_size !== undefined && file.file_size > MAX_DOWNLOAD) return TEXTS.tooBig;
    const res = await fetch(`${apiRoot}/file/bot${opts.token}/${file.file_path}`, { signal: AbortSignal.timeout(30_000) });
    // The URL holds the token: say only the status.
    if (!res.ok) throw new Error(`file download failed: HTTP ${res.status}`);
    if (Number(res.headers.get('content-length') ?? 0) > MAX_DOWNLOAD) return TEXTS.tooBig;
    const data = new Uint8Array(await res.arrayBuffer());
    if (data.length > MAX_DOWNLOAD) return TEXTS.tooBig;
    return { kind: 'upload', data };
  }

  // Counts every update from arrival (queued behind its chat included), so stop() can wait.
  tg.use((_ctx, next) => track(next()));
  // One chat's updates in arrival order, in both modes.
  tg.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  tg.on('callback_query', async (ctx) => {
    const data = ctx.callbackQuery.data;
    // Answer first, so the button's spinner stops; an expired query must not stop the turn.
    await ctx.answerCallbackQuery().catch((e: unknown) => log.warn({ err: errorInfo(e) }, 'answerCallbackQuery failed'));
    const chatId = ctx.chat?.id;
    if (chatId === undefined || data === undefined) return;
    const action = keys.decode(data) ?? 'menu';
    await turn(chatId, 'action', async () => ({ kind: 'action', action }));
  });

  tg.on('message', async (ctx) => {
    const msg = ctx.message;
    const chatId = msg.chat.id;
    if (msg.text !== undefined) {
      const command = commandOf(msg.text, tg.botInfo.username, msg.chat.type === 'private');
      const input: Input = command ?? { kind: 'text', text: msg.text };
      await turn(chatId, command ? 'command' : 'text', async () => input);
    } else if (msg.photo?.length) {
      const largest = msg.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
      await turn(chatId, 'photo', () => download(largest.file_id, largest.file_size));
    } else if (msg.document) {
      const doc = msg.document;
      if (doc.mime_type?.startsWith('image/')) await turn(chatId, 'photo', () => download(doc.file_id, doc.file_size));
      else await turn(chatId, 'document', async () => TEXTS.notImage);
    } else {
      await turn(chatId, 'other', async () => TEXTS.unsupported);
    }
  });

  // Only reached by errors outside `turn` (it catches its own); the runner reports here.
  tg.catch((err) => log.error({ err: errorInfo(err.error) }, 'update failed'));

  async function registerCommands(): Promise<void> {
    try {
      await tg.api.setMyCommands(COMMANDS.map(({ command, description }) => ({ command, description })));
    } catch (err) {
      log.warn({ err: errorInfo(err) }, 'setMyCommands failed; commands still work, the menu is not shown');
    }
  }

  const channel: Channel = {
    name: 'telegram',
    async start() {
      stopping = false;
      if (opts.webhookSecret !== undefined) {
        await registerCommands();
        log.info({ mode: 'webhook', route: TELEGRAM_ROUTE }, 'telegram ready');
        return;
      }
      // getUpdates answers 409 while a webhook is set; deleteWebhook is how the Bot API switches
      // back to polling (bot.start() does the same; the runner does not). Pending updates are kept.
      try {
        await tg.api.deleteWebhook();
      } catch (err) {
        if (err instanceof GrammyError && err.error_code === 401) throw new Error('TELEGRAM_BOT_TOKEN: the Bot API rejected the token (401)');
        log.warn({ err: errorInfo(err) }, 'deleteWebhook failed; polling anyway');
      }
      await registerCommands();
      runner = run(tg, { runner: { fetch: { allowed_updates: ['message', 'callback_query'] }, silent: true } });
      // A runner that gives up (401, 409, hours of network errors) rejects its task: say so, never crash.
      runner.task()?.catch((err: unknown) => log.error({ err: errorInfo(err) }, 'telegram polling stopped'));
      log.info({ mode: 'polling' }, 'telegram ready');
    },
    async stop() {
      stopping = true;
      if (runner?.isRunning()) await runner.stop().catch(() => undefined);
      runner = undefined;
      while (inflight.size) await Promise.allSettled([...inflight]);
    },
  };

  if (opts.webhookSecret !== undefined) {
    const secret = opts.webhookSecret;
    channel.route = TELEGRAM_ROUTE;
    channel.handle = async (req: RawRequest): Promise<RawResponse> => {
      if (req.method !== 'POST') return json(405, { error: 'method not allowed' });
      if (!sameSecret(req.headers['x-telegram-bot-api-secret-token'], secret)) return json(401, { error: 'bad secret token' });
      let update: unknown;
      try {
        update = JSON.parse(req.body.toString('utf8'));
      } catch {
        return json(400, { error: 'body is not JSON' });
      }
      if (!isUpdate(update)) return json(400, { error: 'not a Telegram update' });
      if (stopping) return json(503, { error: 'shutting down' });
      if (!seen.add(update.update_id)) return json(200, { ok: true, duplicate: true });
      const work = track(tg.handleUpdate(update).catch((err: unknown) => {
        log.error({ update: update.update_id, err: errorInfo(err instanceof BotError ? err.error : err) }, 'update failed');
      }));
      // Telegram redelivers a webhook it waited on too long; past the limit answer now, work goes on.
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([work, new Promise((r) => { timer = setTimeout(r, WEBHOOK_ANSWER_MS); })]);
      clearTimeout(timer);
      return json(200, { ok: true });
    };
  }
  return channel;
}

/** The engine input of a command message, or null when the text is not one of our commands. */
function commandOf(text: string, username: string, privateChat: boolean): Input | null {
  const m = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s|$)/.exec(text);
  if (!m) return null;
  const [, name, to] = m;
  // In groups, "/start@otherbot" is for another bot; in a private chat everything is for us.
  if (to && !privateChat && to.toLowerCase() !== username.toLowerCase()) return null;
  return COMMANDS.find((c) => c.command === name!.toLowerCase())?.input ?? null;
}

function isUpdate(v: unknown): v is Update {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Number.isSafeInteger((v as { update_id?: unknown }).update_id);
}

function sameSecret(given: string | undefined, secret: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  let diff = a.length ^ b.length;
  for (let i = 0; i < b.length; i++) diff |= b[i]! ^ (a[i] ?? 0);
  return diff === 0;
}

/** The last `limit` update ids; `add` says whether the id is new. */
class SeenIds {
  private ids = new Set<number>();
  constructor(private readonly limit: number) {}
  add(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.limit) this.ids.delete(this.ids.values().next().value as number);
    return true;
  }
}

/**
 * What a log may say about an error. Never the error object itself: a GrammyError carries the
 * call's payload (the message text), an HttpError the request.
 */
function errorInfo(err: unknown): Record<string, unknown> {
  if (err instanceof GrammyError) return { type: 'GrammyError', method: err.method, code: err.error_code, description: err.description };
  if (err instanceof HttpError) return { type: 'HttpError', message: err.message };
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { type: typeof err };
}

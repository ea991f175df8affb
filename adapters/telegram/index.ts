/**
 * The Telegram channel (grammY): updates become engine inputs, replies become plain-text messages
 * with inline keyboards. Webhook mode when a secret is set (POST /webhooks/telegram through
 * grammY's own webhookCallback, which checks the secret), long polling with @grammyjs/runner
 * otherwise. The engine user of a chat is `tg:<chat.id>`. grammY is imported only here.
 */
import { autoRetry } from '@grammyjs/auto-retry';
import { run, sequentialize, type RunnerHandle } from '@grammyjs/runner';
import { Bot as GrammyBot, GrammyError, HttpError, webhookCallback, type Context } from 'grammy';
import type { Update, UserFromGetMe } from 'grammy/types';
import type { PushResult } from '../../src/bot/index.ts';
import { commandAction, COMMANDS, formatAction, type CommandName } from '../../src/core/actions.ts';
import { plain, type Input, type Reply } from '../../src/core/types.ts';
import type { ChannelSpec, Channel } from '../shared/contract.ts';
import { header, json, type RawRequest, type RawResponse } from '../shared/http.ts';
import type { ChannelKit } from '../shared/kit.ts';
import { CallbackKeys, renderReply } from './render.ts';
import { connectionErrorCode, retryNetworkErrors } from './retry.ts';
import { agentFor, call } from '../shared/keep-alive.ts';

export { CallbackKeys, inlineKeyboard, MAX_CALLBACK_DATA, MAX_MESSAGE, renderReply } from './render.ts';

export interface TelegramOptions {
  token: string;
  /** Bot API origin; default https://api.telegram.org (tests point it at a fake server). */
  apiRoot?: string;
  /** Set = webhook mode, checked against X-Telegram-Bot-Api-Secret-Token; unset = long polling. */
  webhookSecret?: string;
  /** The bot's own getMe answer; a fixed default when not given, so no getMe call is made. */
  botInfo?: UserFromGetMe;
}

export const TELEGRAM_ROUTE = '/webhooks/telegram';
/** A file larger than this is not downloaded (the Bot API's own getFile limit is 20 MB). */
const MAX_DOWNLOAD_MB = 20;
/** A webhook request is answered after this long even if the turn is still running (it goes on). */
const WEBHOOK_ANSWER_MS = 8000;

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

export const telegramSpec: ChannelSpec = {
  name: 'telegram',
  enabled: (c) => c.TELEGRAM_BOT_TOKEN !== undefined,
  describe: (c) => (c.TELEGRAM_BOT_TOKEN
    ? `Telegram: on (${c.TELEGRAM_WEBHOOK_SECRET ? `webhook at POST ${TELEGRAM_ROUTE}` : 'long polling'})`
    : 'Telegram: off (set TELEGRAM_BOT_TOKEN to turn it on; add TELEGRAM_WEBHOOK_SECRET for webhook mode)'),
  create: (kit, c) => createTelegram(kit, { token: c.TELEGRAM_BOT_TOKEN!, apiRoot: c.TELEGRAM_API_ROOT, webhookSecret: c.TELEGRAM_WEBHOOK_SECRET }),
};

/** Creates the Telegram channel. */
export function createTelegram(kit: ChannelKit, opts: TelegramOptions): Channel {
  const apiRoot = (opts.apiRoot ?? 'https://api.telegram.org').replace(/\/+$/, '');
  const log = kit.log.child({ channel: 'telegram' });
  const t = kit.flow.texts;
  // grammY keeps connections alive by itself; given the channels' shared agent, its idle
  // connections are closed as the others are (shared/keep-alive.ts).
  const tg = new GrammyBot(opts.token, { botInfo: opts.botInfo ?? DEFAULT_BOT_INFO, client: { apiRoot, timeoutSeconds: 60, baseFetchConfig: { agent: agentFor(apiRoot) } } });
  const botId = opts.token.split(':')[0]!;
  // A dropped or refused connection is retried a few times (retry.ts); installed first, so it runs
  // beneath auto-retry, which retries 429 (retry_after) and 5xx a few times. auto-retry rethrows
  // network errors (it would retry those forever, whatever maxRetryAttempts says).
  tg.api.config.use(retryNetworkErrors({
    onRetry: ({ method, retry, code }) => log.warn({ method, retry, code }, 'Telegram API unreachable; retrying'),
  }));
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
      for (const m of renderReply(reply, keys, t.choose)) {
        await tg.api.sendMessage(chatId, m.text, m.reply_markup ? { reply_markup: m.reply_markup } : {});
      }
    }
  }

  /**
   * One turn of one chat, never throwing: the replies, or the apology when the turn failed (the
   * engine's turn, or getting the photo it needs). A reply that cannot be sent is only logged: the
   * turn is saved, so an apology would be false, and throwing would make a webhook redeliver it.
   */
  async function turn(chatId: number, what: string, input: () => Promise<Input | Reply>): Promise<void> {
    const user = `tg:${chatId}`;
    const started = Date.now();
    let outcome: { replies: Reply[]; ok: boolean };
    try {
      const got = await input();
      outcome = 'kind' in got ? await kit.turn(user, got) : { replies: [got], ok: true };
    } catch (err) {
      log.error({ user: kit.logId(user), kind: what, err: errorInfo(err) }, 'update failed');
      outcome = { replies: [kit.say('channelSorry', {})], ok: false };
    }
    try {
      await send(chatId, outcome.replies);
      log.debug({ user: kit.logId(user), kind: what, ok: outcome.ok, ms: Date.now() - started }, 'turn');
    } catch (err) {
      log.error({ user: kit.logId(user), kind: what, ok: outcome.ok, err: errorInfo(err) }, outcome.ok ? 'reply not delivered' : 'apology not delivered');
    }
  }

  async function download(fileId: string, size: number | undefined): Promise<Input | Reply> {
    const tooBig = kit.say('channelTooBig', { maxMB: MAX_DOWNLOAD_MB , photoMaxMB: kit.bot.knowledge.params.photo.value.maxMB });
    const max = MAX_DOWNLOAD_MB * 1024 * 1024;
    if (size !== undefined && size > max) return tooBig;
    const file = await tg.api.getFile(fileId);
    if (!file.file_path) throw new Error('getFile returned no file_path');
    if (file.file_size !== undefined && file.file_size > max) return tooBig;
    const res = await call(`${apiRoot}/file/bot${opts.token}/${file.file_path}`, { timeoutMs: 30_000, maxBytes: max });
    // The URL holds the token: say only the status.
    if (res.status < 200 || res.status >= 300) throw new Error(`file download failed: HTTP ${res.status}`);
    if (!res.body) return tooBig;
    return { kind: 'photo', data: new Uint8Array(res.body) };
  }

  // Counts every update from arrival (queued behind its chat included), so stop() can wait.
  tg.use((_ctx, next) => track(next()));
  // A redelivered update (a webhook retried, a replay after a restart) is handled once, on any instance.
  tg.use(async (ctx, next) => {
    if (await kit.firstDelivery('telegram', `${botId}:${ctx.update.update_id}`)) await next();
    else log.info({ update: ctx.update.update_id }, 'update already handled');
  });
  // One chat's updates in arrival order, in both modes.
  tg.use(sequentialize((ctx: Context) => (ctx.chat ? String(ctx.chat.id) : undefined)));

  tg.on('callback_query', async (ctx) => {
    const data = ctx.callbackQuery.data;
    // Answer first, so the button's spinner stops; an expired query must not stop the turn.
    await ctx.answerCallbackQuery().catch((e: unknown) => log.warn({ err: errorInfo(e) }, 'answerCallbackQuery failed'));
    const chatId = ctx.chat?.id;
    if (chatId === undefined || data === undefined) return;
    // A forgotten long-action id reads as a stale button (the engine says so).
    const action = keys.decode(data) ?? 'stale';
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
      else await turn(chatId, 'document', async () => kit.say('channelNotImage', {}));
    } else {
      await turn(chatId, 'other', async () => kit.say('channelUnsupported', {}));
    }
  });

  // Only reached by errors outside `turn` (it catches its own); the runner reports here.
  tg.catch((err) => log.error({ err: errorInfo(err.error) }, 'update failed'));

  async function registerCommands(): Promise<void> {
    try {
      const names = Object.keys(COMMANDS) as CommandName[];
      await tg.api.setMyCommands(names.map((command) => ({ command, description: kit.flow.commands[command] })));
    } catch (err) {
      log.warn({ err: errorInfo(err) }, 'setMyCommands failed; commands still work, the menu is not shown');
    }
  }

  const routes = [];
  if (opts.webhookSecret !== undefined) {
    const callback = webhookCallback(tg, rawAdapter, { secretToken: opts.webhookSecret, onTimeout: 'return', timeoutMilliseconds: WEBHOOK_ANSWER_MS });
    routes.push({
      method: 'POST' as const,
      path: TELEGRAM_ROUTE,
      async handle(req: RawRequest): Promise<RawResponse> {
        if (stopping) return json(503, { error: 'shutting down' });
        if (!isUpdate(parseJson(req.body))) {
          // The secret is checked first, as grammY would, so an unsigned probe learns nothing.
          if (header(req, 'x-telegram-bot-api-secret-token') !== opts.webhookSecret) return json(401, { error: 'bad secret token' });
          return json(400, { error: 'not a Telegram update' });
        }
        return new Promise<RawResponse>((resolve) => {
          callback(req, resolve).catch((err: unknown) => {
            log.error({ err: errorInfo(err) }, 'webhook update failed');
            resolve(json(200, { ok: true }));
          });
        });
      },
    });
  }

  return {
    name: 'telegram',
    prefix: 'tg',
    routes,
    // The runner's signal ends a try, the retries of a dropped connection included.
    async push(chat, text, _key, signal): Promise<PushResult> {
      try {
        for (const m of renderReply(plain(text), keys, t.choose)) await tg.api.sendMessage(Number(chat), m.text, {}, grammySignal(signal));
        return 'sent';
      } catch (err) {
        // 403: the person blocked the bot; 400: the chat is gone. Neither gets better by retrying.
        if (err instanceof GrammyError && (err.error_code === 403 || err.error_code === 400)) return 'not-allowed';
        log.warn({ err: errorInfo(err) }, 'push failed');
        return 'retry';
      }
    },
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
}

/** grammY's webhook handler over the service's raw request: the response comes back through `done`. */
function rawAdapter(req: RawRequest, done: (res: RawResponse) => void) {
  return {
    update: JSON.parse(req.body.toString('utf8')) as Update,
    header: header(req, 'x-telegram-bot-api-secret-token'),
    end: () => done(json(200, { ok: true })),
    respond: (body: string) => done({ status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body }),
    unauthorized: () => done(json(401, { error: 'bad secret token' })),
    handlerReturn: undefined as Promise<void> | undefined,
  };
}

/**
 * A standard AbortSignal as grammY's API methods take it: they are typed with the abort-controller
 * package's signal, but only listen for 'abort' and read `aborted`, which a standard one does too.
 */
function grammySignal(signal: AbortSignal | undefined): Parameters<GrammyBot['api']['sendMessage']>[3] {
  return signal as unknown as Parameters<GrammyBot['api']['sendMessage']>[3];
}

/** The engine input of a command message, or null when the text is not one of our commands. */
function commandOf(text: string, username: string, privateChat: boolean): Input | null {
  const m = /^\/([A-Za-z0-9_]+)(?:@([A-Za-z0-9_]+))?(?:\s|$)/.exec(text);
  if (!m) return null;
  const [, name, to] = m;
  // In groups, "/start@otherbot" is for another bot; in a private chat everything is for us.
  if (to && !privateChat && to.toLowerCase() !== username.toLowerCase()) return null;
  const action = commandAction(name!);
  return action ? { kind: 'action', action: formatAction(action) } : null;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

function isUpdate(v: unknown): v is Update {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Number.isSafeInteger((v as { update_id?: unknown }).update_id);
}

/**
 * What a log may say about an error. Never the error object itself: a GrammyError carries the
 * call's payload (the message text), an HttpError the request.
 */
function errorInfo(err: unknown): Record<string, unknown> {
  if (err instanceof GrammyError) return { type: 'GrammyError', method: err.method, code: err.error_code, description: err.description };
  if (err instanceof HttpError) return { type: 'HttpError', message: err.message, code: connectionErrorCode(err) };
  if (err instanceof Error) return { type: err.name, message: err.message };
  return { type: typeof err };
}

/**
 * The servers the load bench measures, each in a process of its own so that the load generator
 * does not share its CPU. `tsx bench/servers.ts <kind> [api origin] [store url]` prints its port on
 * stdout, then serves until killed. The kinds:
 *
 *   fake-api        the platforms' side: takes LINE's reply calls and the Bot API's sendMessage, counts
 *                   them (GET /counts), answers at once
 *   bare            node:http: reads the body, parses the JSON, answers 200 (the floor of any webhook)
 *   json-bare       node:http answering a JSON body with a JSON body (the reference of POST /api/chat)
 *   line-minimal    a minimal LINE bot: the SDK's signature check, then the same reply call this
 *                   service makes, through a keep-alive http.request (the reference of the LINE path)
 *   grammy-minimal  a minimal grammY webhook bot: webhookCallback and one ctx.reply (the reference of
 *                   the Telegram path)
 *   service-line, service-telegram, service-web
 *                   this service (createBot + the channel + createApp, as `npm start` runs it) on the
 *                   given store
 */
import { createServer, request, Agent, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';

export const LINE_SECRET = 'bench-secret';
export const TELEGRAM_TOKEN = '123456:BENCH-token';
export const TELEGRAM_SECRET = 'bench-telegram-secret';

const [kind, api = '', storeUrl = 'memory://'] = process.argv.slice(2);
const silent = pino({ level: 'silent' });
const NOW = new Date('2023-08-01T09:00:00+08:00');

const readBody = (req: IncomingMessage) => new Promise<Buffer>((resolve, reject) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks)));
  req.on('error', reject);
});

function serve(handler: (req: IncomingMessage, body: Buffer) => Promise<{ status: number; body: string }>): void {
  const server = createServer((req, res) => {
    readBody(req).then((body) => handler(req, body)).then(
      (out) => res.writeHead(out.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out.body) }).end(out.body),
      () => res.writeHead(500).end('{}'),
    );
  });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
}

if (kind === 'fake-api') {
  // The platforms' side: LINE's reply call (counted by reply token) and the Bot API (sendMessage
  // counted by chat), answered at once; GET /counts hands the counts to the generator.
  const counts = new Map<string, number>();
  const count = (key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);
  serve(async (req, body) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/counts') return { status: 200, body: JSON.stringify(Object.fromEntries(counts)) };
    if (url.startsWith('/v2/bot/message/reply')) {
      count((JSON.parse(body.toString('utf8')) as { replyToken: string }).replyToken);
      return { status: 200, body: '{}' };
    }
    const method = url.slice(url.lastIndexOf('/') + 1);
    if (method === 'sendMessage') {
      const chat = (JSON.parse(body.toString('utf8')) as { chat_id: number }).chat_id;
      count(`chat:${chat}`);
      return { status: 200, body: JSON.stringify({ ok: true, result: { message_id: 1, date: 0, chat: { id: chat, type: 'private' }, text: '' } }) };
    }
    return { status: 200, body: '{"ok":true,"result":true}' };
  });
} else if (kind === 'bare') {
  serve(async (_req, body) => {
    JSON.parse(body.toString('utf8'));
    return { status: 200, body: '{"ok":true}' };
  });
} else if (kind === 'json-bare') {
  serve(async (_req, body) => {
    const data = JSON.parse(body.toString('utf8')) as { text?: string };
    return { status: 200, body: JSON.stringify({ replies: [{ text: `收到：${data.text ?? ''}` }], ask: null }) };
  });
} else if (kind === 'line-minimal') {
  const { validateSignature } = await import('@line/bot-sdk');
  const agent = new Agent({ keepAlive: true });
  const apiUrl = new URL(api);
  const reply = (replyToken: string, text: string) => new Promise<void>((resolve, reject) => {
    const payload = JSON.stringify({ replyToken, messages: [{ type: 'text', text }] });
    const req = request({
      host: apiUrl.hostname, port: apiUrl.port, path: '/v2/bot/message/reply', method: 'POST', agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token', 'content-length': Buffer.byteLength(payload) },
    }, (res) => { res.resume(); res.on('end', () => resolve()); });
    req.on('error', reject);
    req.end(payload);
  });
  serve(async (req, body) => {
    if (!validateSignature(body, LINE_SECRET, String(req.headers['x-line-signature'] ?? ''))) return { status: 401, body: '{}' };
    const { events } = JSON.parse(body.toString('utf8')) as { events: Array<{ replyToken?: string; message?: { text?: string } }> };
    await Promise.all(events.map((e) => (e.replyToken ? reply(e.replyToken, `收到：${e.message?.text ?? ''}`) : undefined)));
    return { status: 200, body: '{}' };
  });
} else if (kind === 'grammy-minimal') {
  const { Bot, webhookCallback } = await import('grammy');
  const bot = new Bot(TELEGRAM_TOKEN, {
    botInfo: {
      id: 123456, is_bot: true, first_name: 'Bench', username: 'bench_bot', can_join_groups: false, can_read_all_group_messages: false,
      supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
      allows_users_to_create_topics: false, can_manage_bots: false, supports_join_request_queries: false,
    },
    client: { apiRoot: api },
  });
  bot.on('message:text', (ctx) => ctx.reply(`收到：${ctx.message.text}`));
  const callback = webhookCallback(bot, 'http', { secretToken: TELEGRAM_SECRET });
  const server = createServer((req, res) => void callback(req, res));
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => console.log((server.address() as AddressInfo).port));
} else if (kind === 'service-line' || kind === 'service-telegram' || kind === 'service-web') {
  const { createBot } = await import('../src/bot/index.ts');
  const { createApp } = await import('../adapters/http.ts');
  const { createKit } = await import('../adapters/shared/kit.ts');
  const { register } = await import('../adapters/registry.ts');
  const bot = await createBot({ storeUrl, now: NOW, log: () => {} });
  const kit = createKit(bot, silent);
  let channel;
  if (kind === 'service-line') {
    const { createLine } = await import('../adapters/line/index.ts');
    channel = createLine(kit, { channelSecret: LINE_SECRET, channelAccessToken: 'bench-token', apiBaseUrl: api });
  } else if (kind === 'service-telegram') {
    const { createTelegram } = await import('../adapters/telegram/index.ts');
    channel = createTelegram(kit, { token: TELEGRAM_TOKEN, apiRoot: api, webhookSecret: TELEGRAM_SECRET });
  } else {
    const { createWeb } = await import('../adapters/web/index.ts');
    // One address sends every user's messages here: the per-address limit would turn the bench away.
    channel = createWeb(kit, { clientLimit: { burst: 1e9, perSecond: 1e9 } });
  }
  const app = createApp(bot, [register(bot, channel)], silent);
  const server = await app.listen(0, '127.0.0.1');
  await channel.start?.();
  console.log((server.address() as AddressInfo).port);
  process.on('SIGTERM', () => void app.close().then(() => bot.close()).finally(() => process.exit(0)));
} else {
  console.error(`unknown server kind "${kind}"`);
  process.exit(2);
}
